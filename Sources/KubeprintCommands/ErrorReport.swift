import ArgumentParser
import Blueprint
import Cluster
import Foundation
import Manifests
import Playground
import YAML

/// A command's failure that is not a usage error: the message, and what to do about it.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var hint: String?

    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    var description: String { "error: " + message + (hint.map { "\n    hint: \($0)" } ?? "") }
}

/// How errors reach the user: each once, tagged `error:` (lines of a report keep their own
/// `error:` / `warning:` tags), with the path and what to do for file errors, never
/// Foundation's domain and code.
enum ErrorReport {
    /// The message of an error kubeprint reports itself; `nil` for argument parsing's own
    /// errors (help, usage, exit codes), which it prints with the command's usage.
    static func message(for error: any Error) -> String? {
        switch error {
        case let e as BlueprintError: return e.description
        case let e as ScenarioError: return e.description
        case let e as ManifestError: return e.description
        case let e as CommandFailure: return e.description
        case let e as YAMLError: return "error: " + e.description
        case let e as ClusterError: return "error: " + e.description
        case let e as ValidationError: return "error: " + e.message
        default: break
        }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
            let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
            return "error: " + (path.map { "'\($0)': " } ?? "") + OutputPaths.describe(error)
                + "\n    hint: check the path, its permissions and the free space"
        }
        return nil
    }
}

extension Kubeprint {
    /// `bench faas` with nothing but its own options, recognised without ArgumentParser: its
    /// process time is what side-by-side runs against other simulators measure, and parsing
    /// through ArgumentParser (reflection over the command's options, type look-ups by name,
    /// conformance scans of the whole binary) took a one-request run from 8–9 ms to 12–16 ms. `nil`
    /// for any other command line, and for one it does not accept (help, a bad option), which
    /// the whole tree then parses for its usual message.
    static func benchFaaSFastPath(_ arguments: [String]?) -> FaaSBenchPlan? {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        guard arguments.count >= 2, arguments[0] == "bench", arguments[1] == "faas" else { return nil }
        return FaaSBenchPlan.parse(Array(arguments.dropFirst(2)))
    }

    /// Parses the command line and runs the command. Usage errors print the subcommand's
    /// usage and exit 64 (as argument parsing does); every other error prints its message
    /// and exits 1.
    public static func execute(_ arguments: [String]? = nil) async -> Never {
        do {
            if let plan = benchFaaSFastPath(arguments) {
                try plan.run()
                exit()
            }
        } catch {
            fail(error)
        }
        let parsed: any ParsableCommand
        do {
            parsed = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            if var command = parsed as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = parsed
                try command.run()
            }
        } catch {
            fail(error)
        }
        exit()
    }

    /// A command's error: its message (and exit status 1), or ArgumentParser's own handling.
    static func fail(_ error: any Error) -> Never {
        guard let message = ErrorReport.message(for: error) else { exit(withError: error) }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(withError: ExitCode.failure)
    }
}
