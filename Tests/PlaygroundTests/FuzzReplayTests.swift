import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

/// Inputs the scenario and solution fuzzers found (Tests/Fixtures/fuzz/scenario-*, solution-*),
/// replayed as the fuzz targets in Fuzz/ run them: read, build the simulator, run it bounded.
@Suite("Scenario and solution inputs the fuzzer found")
struct FuzzReplayTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/fuzz")

    static func inputs(_ prefix: String) throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(prefix) }.sorted().map {
            ($0, String(decoding: try Data(contentsOf: folder.appendingPathComponent($0)), as: UTF8.self))
        }
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
            do {
                let file = try ScenarioFile.parse(text, file: name)
                let sim = try Self.runBounded(file.cluster, until: file.until ?? .infinity)
                #expect(sim.summary().pods >= 0)
            } catch let error as ScenarioError {
                #expect(!error.problems.isEmpty, "\(name)")
                #expect(error.problems.allSatisfy { $0.description.hasPrefix(name) }, "\(name)")
            }
        }
    }

    @Test("saved solution inputs are refused with problems or deploy and run bounded")
    func solutions() throws {
        let inputs = try Self.inputs("solution-")
        #expect(!inputs.isEmpty)
        for (name, text) in inputs {
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
                let sim = try Self.runBounded(scenario)
                #expect(!Playground.report(solution: solution, simulator: sim, namespace: "fuzz").isEmpty)
            } catch let error as ScenarioError {
                #expect(!error.problems.isEmpty, "\(name)")
            }
        }
    }
}
