import Cluster
import Simulation
import Testing

@Suite("Pipelines of functions")
struct PipelineTests {
    static func scenario(_ names: [String], pipeline: PipelineSpec, runs: Int, exec: Double = 0.1) -> ClusterScenario {
        var s = FaaSTests.scenario(functions: names.map { FaaSTests.function($0, min: 1, exec: .constant(exec)) }, workloads: [])
        s.pipelines = [pipeline]
        s.workloads = [WorkloadSpec(function: pipeline.name, pattern: .constant(rate: 1), start: 30, maxRequests: runs)]
        return s
    }

    static func run(_ s: ClusterScenario) throws -> (PipelineSummary, FaaSSummary) {
        var sim = try ClusterSimulator(scenario: s)
        sim.run()
        return (try #require(sim.pipelineSummaries().first), try #require(sim.faasSummary()))
    }

    @Test("a chain runs each step after the previous one")
    func chain() throws {
        let p = PipelineSpec(name: "p", entries: ["a"], links: ["a": ["b"], "b": ["c"]])
        let (summary, faas) = try Self.run(Self.scenario(["a", "b", "c"], pipeline: p, runs: 10))
        #expect(summary.runs == 10 && summary.completed == 10 && summary.failed == 0)
        #expect(abs(summary.latency.p50 - 0.3) < 1e-6)
        #expect(summary.steps.p50 == 3)
        #expect(faas.functions.map(\.completed) == [10, 10, 10])
    }

    @Test("fan-out and join: a run completes when every branch has")
    func fanOut() throws {
        let p = PipelineSpec(name: "p", entries: ["a"], links: ["a": ["b", "c"], "b": ["d"], "c": ["d"]])
        var s = Self.scenario(["a", "b", "c", "d"], pipeline: p, runs: 5)
        s.functions[2].defaultExecutionTime = .constant(0.5)  // c is slower
        let (summary, faas) = try Self.run(s)
        #expect(summary.completed == 5)
        #expect(abs(summary.latency.max - (0.1 + 0.5 + 0.1)) < 1e-6)
        #expect(faas.functions.first { $0.name == "d" }?.completed == 10)  // two calls per run
        #expect(summary.steps.p50 == 5)
    }

    @Test("a cycle is cut at the hop limit")
    func cycle() throws {
        let p = PipelineSpec(name: "p", entries: ["a"], links: ["a": ["b"], "b": ["a"]], hopLimit: 6)
        let (summary, _) = try Self.run(Self.scenario(["a", "b"], pipeline: p, runs: 3))
        #expect(summary.completed == 3)
        #expect(summary.truncated == 3)
        #expect(summary.steps.max == 6)
    }

    @Test("a failing step fails its run")
    func failure() throws {
        let p = PipelineSpec(name: "p", entries: ["a"], links: ["a": ["b"]])
        var s = Self.scenario(["a", "b"], pipeline: p, runs: 4)
        s.functions[1].timeout = 0.05
        let (summary, faas) = try Self.run(s)
        #expect(summary.failed == 4 && summary.completed == 0)
        #expect(faas.functions[1].failures[.timeout] == 4)
    }

    @Test("unknown functions in a pipeline are refused")
    func unknown() {
        let p = PipelineSpec(name: "p", entries: ["a"], links: ["a": ["zzz"]])
        #expect(throws: ClusterError.self) { try ClusterSimulator(scenario: Self.scenario(["a"], pipeline: p, runs: 1)) }
    }
}
