import Foundation
import Testing

/// Locations inside the package, found from this file's path so tests run from any directory.
public enum Fixtures {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// Real AI4EU / Graphene / Acumos blueprints (their sources are listed in README.md there).
    public static let realBlueprints: URL = packageRoot.appendingPathComponent("Tests/Fixtures/blueprints")

    public static func blueprint(_ name: String) -> URL {
        realBlueprints.appendingPathComponent(name)
    }

    /// Reads a fixture as text.
    public static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    /// A fresh empty directory under the system temporary folder. Pair it with
    /// `defer { Fixtures.remove(dir) }`, or use ``withTemporaryDirectory(_:_:)``, so tests
    /// leave nothing behind (`scripts/test.sh` checks).
    public static func temporaryDirectory(_ label: String = "kubeprint-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes a temporary directory and everything in it.
    public static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Runs `body` with a fresh temporary directory, removed afterwards whatever happens.
    public static func withTemporaryDirectory<T>(_ label: String = "kubeprint-test", _ body: (URL) throws -> T) throws -> T {
        let url = try temporaryDirectory(label)
        defer { remove(url) }
        return try body(url)
    }
}

/// Golden-file comparison: `RECORD_GOLDEN=1` rewrites the expected files (and fails, so a
/// recording run is never mistaken for a passing one).
public enum Golden {
    public static var isRecording: Bool {
        ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    }

    /// Compares `actual` with `Tests/Golden/<name>`; prints a line diff on mismatch.
    public static func assertMatches(
        _ actual: String, golden name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Tests/Golden").appendingPathComponent(name)
        if isRecording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded golden file \(name); run again without RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file Tests/Golden/\(name); run with RECORD_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record("golden mismatch for \(name):\n\(lineDiff(expected: expected, actual: actual))", sourceLocation: sourceLocation)
        }
    }

    /// A compact diff: the first differing lines with their numbers.
    public static func lineDiff(expected: String, actual: String, limit: Int = 20) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) where out.count < limit {
            let el = i < e.count ? String(e[i]) : "<end>"
            let al = i < a.count ? String(a[i]) : "<end>"
            if el != al { out.append("line \(i + 1):\n  - \(el)\n  + \(al)") }
        }
        return out.joined(separator: "\n")
    }
}

/// A small deterministic generator for property-style tests (SplitMix64).
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs the built `kubeprint` binary, for end-to-end tests.
public enum Binary {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `kubeprint` executable next to the test bundle (SwiftPM builds it with the tests).
    public static var kubeprint: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kubeprint"),
            Fixtures.packageRoot.appendingPathComponent(".build/debug/kubeprint"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// A child that has not exited after `timeout` seconds is killed and the run throws, so a
    /// hung program fails its test instead of stalling the whole suite.
    public struct TimedOut: Error, CustomStringConvertible {
        public var command: String
        public var seconds: Double
        public var description: String { "\(command) did not exit within \(Int(seconds)) s and was killed" }
    }

    /// Runs `executable` with `arguments`, returning its exit status and output.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           currentDirectory: URL? = nil, timeout: Double = 300) throws -> Result
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A watchdog on wall time (not virtual time): it kills a child that hangs.
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var killed = false
        let pid = process.processIdentifier
        DispatchQueue.global().async {
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                killed = true
                kill(pid, SIGKILL)
            }
        }
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        finished.signal()
        if killed {
            throw TimedOut(command: ([executable.lastPathComponent] + arguments.prefix(3)).joined(separator: " "), seconds: timeout)
        }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the built `kubeprint`; records a test failure when it has not been built.
    public static func kubeprint(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> Result {
        guard let binary = kubeprint else {
            throw BinaryMissing()
        }
        return try run(binary, arguments, environment: environment, currentDirectory: currentDirectory)
    }

    public struct BinaryMissing: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the kubeprint binary is not built; run swift build first" }
    }
}
