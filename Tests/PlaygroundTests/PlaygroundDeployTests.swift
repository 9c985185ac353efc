import Blueprint
import Cluster
import Foundation
import Manifests
import Playground
import Simulation
import Testing
import TestSupport

@Suite("Deploying solutions on the playground")
struct PlaygroundDeployTests {
    /// Converts a real blueprint into a solution folder, as `kubeprint convert` does, and
    /// passes it to `body`; the folder is removed afterwards.
    static func withSolutionFolder<T>(_ blueprint: String, _ body: (String) throws -> T) throws -> T {
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint(blueprint + ".json").path)
        let options = ManifestOptions()
        let bundle = try SolutionBundle.pipeline(loaded, manifests: ManifestGenerator(options: options).generate(loaded.graph),
                                                 options: options, protos: ProtoCollection())
        return try Fixtures.withTemporaryDirectory { root in
            let dir = root.appendingPathComponent("solution").path
            try bundle.write(to: dir, overwrite: false)
            return try body(dir)
        }
    }

    /// A real blueprint's solution, written to a folder and read back.
    static func loadedSolution(_ blueprint: String) throws -> SolutionManifests {
        try withSolutionFolder(blueprint) { try SolutionManifests.load(directory: $0) }
    }

    static func run(_ solution: SolutionManifests, runs: Int = 30) throws -> ClusterSimulator {
        var options = PlaygroundOptions(namespace: "demo")
        options.runs = runs
        options.rate = 5
        let (scenario, _) = Playground.deploy(solution, on: Playground.defaultCluster(), options: options)
        var sim = try ClusterSimulator(scenario: scenario)
        sim.run()
        return sim
    }

    @Test("a converted solution folder reads back: deployments, claims, pipeline")
    func load() throws {
        let s = try Self.loadedSolution("news-training-sharedfolder")
        #expect(s.workloads.map(\.name) == ["news-classifier1", "newstrainer1", "orchestrator", "tensorboard1"])
        #expect(s.workloads.first { $0.name == "orchestrator" }?.isOrchestrator == true)
        #expect(s.workloads.first?.requests.cpuMillis == 100)  // from the built-in template
        #expect(s.claims == ["data-shared"])
        #expect(s.graph?.name == "news-training-pi")
    }

    @Test("runs flow through the house-price pipeline: broker, then the model twice")
    func houseprice() throws {
        let s = try Self.loadedSolution("graphene-v2-houseprice-Moctader")
        let sim = try Self.run(s)
        let p = try #require(sim.pipelineSummaries().first)
        #expect(p.runs == 30 && p.completed == 30 && p.failed == 0)
        #expect(p.steps.max == 3)
        #expect(sim.phase(of: "demo/hppmodel1-0") == .ready)
        #expect(sim.phase(of: "demo/orchestrator-0") == .ready)
        let report = Playground.report(solution: s, simulator: sim, namespace: "demo")
        #expect(report.contains("  hppmodel1       1/1 ready"))
        #expect(report.contains("30 runs, 30 completed"))
    }

    @Test("a cyclic pipeline is cut at the hop limit; mixed-case names map through the annotation")
    func cyclicAndMixedCase() throws {
        let sudoku = try Self.loadedSolution("sudoku-tutorial")
        let p = try #require(try Self.run(sudoku, runs: 5).pipelineSummaries().first)
        #expect(p.completed == 5 && p.truncated == 5)
        let acumos = try Self.loadedSolution("acumos-csv-databroker-csvdbTest")
        #expect(acumos.workloads.contains { $0.containerName == "CSVDataBroker" && $0.name == "csvdatabroker" })
        let q = try #require(try Self.run(acumos, runs: 5).pipelineSummaries().first)
        #expect(q.completed == 5 && q.steps.max == 2)
    }

    @Test("AI-Effect pipelines start at their DataSource: four calls a run in Portugal, three in Delft")
    func dataSourceEntries() throws {
        // Portugal: data_loader1 (DataSource) → feature_engineer1 → model_trainer1 → data_generator1 (DataSink).
        let portugal = try Self.loadedSolution("aieffect-portugal-node-sidecar")
        let p = try #require(try Self.run(portugal, runs: 10).pipelineSummaries().first)
        #expect(p.completed == 10 && p.failed == 0 && p.truncated == 0)
        #expect(p.steps.p50 == 4 && p.steps.max == 4)
        // Delft: the second DataSource is reached by a link, so runs start only at the first.
        let delft = try Self.loadedSolution("aieffect-delft-synth-benchmark")
        let q = try #require(try Self.run(delft, runs: 10).pipelineSummaries().first)
        #expect(q.completed == 10 && q.steps.max == 3)
    }

    @Test("in-memory conversion gives the same deployments as the folder")
    func inMemory() throws {
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint("sudoku-tutorial.json").path)
        let fromMemory = try SolutionManifests.from(ManifestGenerator(options: ManifestOptions()).generate(loaded.graph), graph: loaded.graph)
        let fromFolder = try Self.loadedSolution("sudoku-tutorial")
        #expect(fromMemory.workloads == fromFolder.workloads)
    }

    @Test("a folder without manifests, or with a broken one, is a clear error")
    func errors() throws {
        let empty = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(empty) }
        #expect(throws: ScenarioError.self) { try SolutionManifests.load(directory: empty.path) }
        try Self.withSolutionFolder("graphene-v2-houseprice-Moctader") { broken in
            try "apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n".write(toFile: broken + "/deployments/hppmodel1_deployment.yaml", atomically: true, encoding: .utf8)
            do {
                _ = try SolutionManifests.load(directory: broken)
                Issue.record("expected an error")
            } catch let error as ScenarioError {
                #expect(error.problems.first?.file.hasSuffix("hppmodel1_deployment.yaml") == true)
                #expect(error.problems.first?.mark != nil)
            }
        }
    }
}
