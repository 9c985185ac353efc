import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

/// Hostile inputs for the scenario and solution readers (Tests/Fixtures/fuzz/scenario-*,
/// solution-*): the inputs that once trapped or ran unbounded, and any the fuzzers find,
/// replayed as the fuzz targets in Fuzz/ run them (read, build the simulator, run it bounded).
/// Each file says what must happen in a comment: `# expect-refused: PATH, …` (the problems'
/// paths; `(document)` for a YAML-level error) or `# expect: runs`.
@Suite("Hostile scenario and solution inputs")
struct FuzzReplayTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/fuzz")

    static func inputs(_ prefix: String) throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(prefix) }.sorted().map {
            ($0, String(decoding: try Data(contentsOf: folder.appendingPathComponent($0)), as: UTF8.self))
        }
    }

    enum Expectation: Equatable {
        case runs
        case refused(Set<String>)
    }

    static func expectation(of text: String, _ name: String) -> Expectation? {
        for line in text.split(separator: "\n").prefix(5) {
            if line.hasPrefix("# expect: runs") { return .runs }
            if line.hasPrefix("# expect-refused:") {
                let paths = line.dropFirst("# expect-refused:".count).split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.map { $0 == "(document)" ? "" : $0 }
                return .refused(Set(paths))
            }
        }
        return nil
    }

    /// Runs at most `events` events.
    static func runBounded(_ scenario: ClusterScenario, until: SimTime = .infinity, events: Int = 200_000) throws -> ClusterSimulator {
        var sim = try ClusterSimulator(scenario: scenario)
        var left = events / 10_000
        sim.run(until: until, every: 10_000) { _ in
            left -= 1
            return left > 0
        }
        return sim
    }

    @Test("saved scenario inputs are refused with positioned problems or run bounded")
    func scenarios() throws {
        let inputs = try Self.inputs("scenario-")
        #expect(!inputs.isEmpty)
        for (name, text) in inputs {
            let expected = try #require(Self.expectation(of: text, name), "\(name) states no expectation")
            do {
                let file = try ScenarioFile.parse(text, file: name)
                #expect(expected == .runs, "\(name) was accepted")
                let sim = try Self.runBounded(file.cluster, until: file.until ?? .infinity)
                #expect(sim.summary().pods >= file.cluster.pods.count && sim.summary().pods <= file.cluster.pods.count + file.cluster.functions.reduce(0) { $0 + $1.maxReplicas }, "\(name)")
            } catch let error as ScenarioError {
                #expect(error.problems.allSatisfy { $0.description.hasPrefix(name) }, "\(name)")
                guard case .refused(let paths) = expected else {
                    Issue.record("\(name) was refused: \(error)")
                    continue
                }
                let found = Set(error.problems.map(\.path))
                #expect(paths.isSubset(of: found), "\(name): expected problems at \(paths.sorted()), found \(found.sorted())")
            }
        }
    }

    @Test("saved solution inputs are refused with problems or deploy and run bounded")
    func solutions() throws {
        let inputs = try Self.inputs("solution-")
        #expect(!inputs.isEmpty)
        for (name, text) in inputs {
            let expected = try #require(Self.expectation(of: text, name), "\(name) states no expectation")
            let dir = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let deployments = dir.appendingPathComponent("deployments")
            try FileManager.default.createDirectory(at: deployments, withIntermediateDirectories: true)
            var manifests = text
            if let cut = text.range(of: "\n#blueprint.json\n") {
                manifests = String(text[..<cut.lowerBound])
                try Data(text[cut.upperBound...].utf8).write(to: dir.appendingPathComponent("blueprint.json"))
            }
            for (i, document) in manifests.components(separatedBy: "\n---\n").enumerated() {
                try Data(document.utf8).write(to: deployments.appendingPathComponent("\(i).yaml"))
            }
            do {
                let solution = try SolutionManifests.load(directory: dir.path)
                var options = PlaygroundOptions(namespace: "fuzz")
                options.runs = 20
                let (scenario, _) = Playground.deploy(solution, on: Playground.defaultCluster(), options: options)
                #expect(expected == .runs, "\(name) was accepted")
                let sim = try Self.runBounded(scenario)
                let report = Playground.report(solution: solution, simulator: sim, namespace: "fuzz")
                #expect(solution.workloads.allSatisfy { report.contains($0.name) }, "\(name)")
            } catch let error as ScenarioError {
                guard case .refused(let paths) = expected else {
                    Issue.record("\(name) was refused: \(error)")
                    continue
                }
                let found = Set(error.problems.map(\.path))
                #expect(paths.isSubset(of: found), "\(name): expected problems at \(paths.sorted()), found \(found.sorted())")
            }
        }
    }
}
