import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

@Suite("FaaS scenario files")
struct FaaSScenarioTests {
    static let base = """
        nodePools: [{name: n, count: 2, cpu: 4, memory: 8Gi}]
        images: [{name: img, size: 50MB}]

        """

    static func problems(_ text: String) -> [String] {
        do {
            _ = try ScenarioFile.parse(text, file: "f.yaml")
            return []
        } catch let error as ScenarioError {
            return error.problems.map(\.message)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("hpa with min 0 is refused at its position, as the HorizontalPodAutoscaler API refuses minReplicas 0")
    func hpaMinZero() {
        // kubernetes pkg/apis/autoscaling/validation: minReplicas "must be greater than or equal to 1"
        // (0 only behind the alpha HPAScaleToZero gate).
        var problems: [ScenarioError.Problem] = []
        do {
            _ = try ScenarioFile.parse(Self.base + """
                functions:
                  - {name: api, image: img, scaling: {min: 0, max: 4, scaler: hpa}}
                """, file: "f.yaml")
        } catch let error as ScenarioError {
            problems = error.problems
        } catch {}
        #expect(problems.count == 1)
        #expect(problems.first?.mark?.line == 4)  // the function line
        #expect(problems.first?.message.contains("scaling.min must be at least 1 with the hpa scaler") == true)
        #expect(Self.problems(Self.base + """
            functions:
              - {name: api, image: img, scaling: {min: 1, max: 4, scaler: hpa}}
            """).isEmpty)
    }

    @Test("functions, scalers and workloads are read")
    func reads() throws {
        let text = Self.base + """
            functions:
              - name: api
                image: img
                requests: {cpu: 500m, memory: 256Mi}
                watchdog: {workers: 2}
                executionTime: {default: 100ms, box: {distribution: exponential, mean: 50ms}}
                timeout: 2s
                memoryLimit: 512Mi
                memoryPerInvocation: {min: 100Mi, max: 200Mi}
                loadBalancer: least-outstanding
                scaling: {min: 1, max: 8, scaler: hpa, metric: rps, target: 10, keepAlive: 2m}
              - {name: job, image: img, forking: {overhead: 5ms}, scaling: {scaler: kpa, target: 4}}
            workloads:
              - {function: api, pattern: sine, rate: 10, amplitude: 5, period: 1m, duration: 5m}
              - {function: job, pattern: bursts, base: 1, burstRate: 20, every: 1m, burstLength: 5s, requests: 100}
            scaleCommands: [{function: api, at: 30s, replicas: 3}]
            billing: {model: node-hours, prices: {generic: 0.2}}
            """
        let s = try ScenarioFile.parse(text, file: "f.yaml")
        let api = try #require(s.cluster.functions.first)
        #expect(api.workers == 2)
        #expect(api.cpuPerInvocation == 250)
        #expect(api.loadBalancing == .leastOutstanding)
        #expect(api.scaler == .hpa(metric: .rps, target: 10, syncPeriod: 15, stabilizationWindow: 300))
        #expect(api.executionTime["box"] == .exponential(mean: 0.05))
        #expect(api.defaultExecutionTime == .constant(0.1))
        #expect(s.cluster.functions[1].behaviour == .forking(forkOverhead: 0.005))
        #expect(s.cluster.workloads.count == 2)
        #expect(s.cluster.scaleCommands == [ScaleCommand(function: "api", at: 30, replicas: 3)])
    }

    @Test("bad values are clear errors", arguments: [
        ("functions: [{name: f, image: img, scaling: {min: 5, max: 2}}]", "scaling.max (2) is below scaling.min (5)"),
        ("functions: [{name: f, image: img}]\nworkloads: [{function: f, rate: -3, duration: 1m}]", "'rate' must be a rate from 0 to 10000000 (requests per second), found -3"),
        ("functions: [{name: f, image: img}]\nworkloads: [{function: g, rate: 3, duration: 1m}]", "workload names unknown function 'g'"),
        ("functions: [{name: f, image: nope}]", "function 'f' uses unknown image 'nope'"),
        ("functions: [{name: f, image: img, scaling: {scaler: magic}}]", "unknown scaler 'magic'"),
        ("functions: [{name: f, image: img}]\nworkloads: [{function: f, rate: 3}]", "the workload never ends"),
        ("functions: [{name: f, image: img, timeout: 0s}]", "timeout must be positive"),
    ])
    func errors(snippet: String, message: String) {
        let found = Self.problems(Self.base + snippet)
        #expect(found.contains(message), "\(found)")
    }

    @Test("counted entries expand with {i}")
    func counted() throws {
        let text = """
            nodePools: [{name: n, count: 1}]
            images: [{count: 3, name: "img-{i}", size: 10MB}]
            functions: [{count: 3, name: "fn-{i}", image: "img-{i}"}]
            workloads: [{count: 3, function: "fn-{i}", rate: 1, requests: 2}]
            """
        let s = try ScenarioFile.parse(text, file: "c.yaml")
        #expect(s.cluster.images.map(\.name) == ["img-0", "img-1", "img-2"])
        #expect(s.cluster.functions.map(\.name) == ["fn-0", "fn-1", "fn-2"])
        #expect(s.cluster.functions.map { $0.images[0].image } == ["img-0", "img-1", "img-2"])
        #expect(s.cluster.workloads.map(\.function) == ["fn-0", "fn-1", "fn-2"])
    }

    @Test("an Azure trace row is read and replayed minute by minute")
    func azureTrace() throws {
        let fixture = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/traces/invocations_per_function_md.sample.csv")
        let text = Self.base + """
            functions: [{name: f, image: img}]
            workloads: [{function: f, pattern: trace, trace: {file: \(fixture.path), row: 2, minutes: 30}}]
            """
        let s = try ScenarioFile.parse(text, file: "t.yaml")
        guard case .trace(let counts) = s.cluster.workloads.first?.pattern else {
            Issue.record("expected a trace workload")
            return
        }
        let csv = try Fixtures.text(fixture).split(separator: "\n")[3].split(separator: ",").dropFirst(4).prefix(30).compactMap { Int($0) }
        #expect(counts == csv)
        var sim = try ClusterSimulator(scenario: s.cluster)
        sim.run()
        let summary = try #require(sim.faasSummary())
        #expect(summary.requests == csv.reduce(0, +))
    }

    @Test("the shipped faas-sim benchmark scenario matches the code-built one, every field of both summaries")
    func faasSimScenario() throws {
        let file = try ScenarioFile.load(path: Fixtures.packageRoot.appendingPathComponent("scenarios/faas-sim-100k.yaml").path)
        var fromFile = try ClusterSimulator(scenario: file.cluster)
        fromFile.run()
        var fromCode = try ClusterSimulator(scenario: BuiltInScenarios.faasSimBenchmark(nodes: 100, functions: 10, requests: 100_000, rate: 500))
        fromCode.run()
        let a = try #require(fromFile.faasSummary()), b = try #require(fromCode.faasSummary())
        #expect(a.requests == 100_000 && a.completed == 100_000)
        // Whole summaries: every function's counts, latencies, replicas, energy and cost, and the
        // cluster's pods, pulls, caches and allocation. The JSON is compared too so that a
        // difference is shown field by field.
        #expect(a == b)
        #expect(fromFile.summary() == fromCode.summary())
        #expect(fromFile.now == fromCode.now)
        let json: (ClusterSimulator) throws -> String = { sim in
            try ClusterReport.json(sim.summary(), scenario: "faas-sim", seed: 0, faas: sim.faasSummary())
        }
        #expect(try json(fromFile) == (try json(fromCode)))
        // faas-sim simulated 205.8 s; the run ends when the last Poisson arrival's request completes.
        #expect(fromFile.now.seconds > 190 && fromFile.now.seconds < 230)
        #expect(a.functions.allSatisfy { $0.maxReplicas >= 3 })  // 50 req/s at 20 per replica
    }

    @Test("the edge-ai built-in runs without a file")
    func edgeAI() throws {
        let file = BuiltInScenarios.edgeAI()
        #expect(file.cluster.nodes.count == 100)
        #expect(file.cluster.functions.count == 5)
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.run()
        let s = try #require(sim.faasSummary())
        #expect(s.requests > 25_000)
        #expect(s.completed + s.failed == s.requests)
        // The TPU variant of mobilenet lands on the Coral boards.
        #expect(s.functions.first { $0.name == "mobilenet-inference" }?.execution.p50 ?? 1 < 0.05)
    }
}

@Suite("Azure trace files")
struct AzureTraceTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/traces")

    @Test("execution time from the durations percentiles: median and extremes preserved")
    func durations() throws {
        let table = try #require(AzureTrace.read(Self.folder.appendingPathComponent("azure-sample-durations.csv").path))
        guard case .empirical(let values)? = AzureTrace.durations(table, row: table.rows[0]) else {
            Issue.record("expected an empirical distribution")
            return
        }
        #expect(values.count == 101)
        #expect(values[0] == 0.012 && values[50] == 0.140 && values[100] == 4.1)
        #expect(abs(values[99] - 1.9) < 1e-12)
        #expect(values == values.sorted())
    }

    @Test("memory from the memory percentiles, in bytes")
    func memory() throws {
        let table = try #require(AzureTrace.read(Self.folder.appendingPathComponent("azure-sample-memory.csv").path))
        guard case .empirical(let values)? = AzureTrace.memory(table, row: table.rows[1]) else {
            Issue.record("expected an empirical distribution")
            return
        }
        #expect(values[50] == 300 * 1_048_576)
        #expect(values[0] == 250 * 1_048_576)  // below pct1: the first known point
    }

    @Test("a scenario reads durations and memory by row or hash")
    func scenario() throws {
        let text = FaaSScenarioTests.base + """
            functions:
              - name: f
                image: img
                azureDurations: {file: \(Self.folder.path)/azure-sample-durations.csv, function: func2}
                azureMemory: {file: \(Self.folder.path)/azure-sample-memory.csv, app: app2}
            """
        let s = try ScenarioFile.parse(text, file: "a.yaml")
        let f = try #require(s.cluster.functions.first)
        guard case .empirical(let d) = f.defaultExecutionTime, case .empirical(let m)? = f.memoryPerInvocation else {
            Issue.record("expected empirical distributions")
            return
        }
        #expect(d[50] == 0.05)
        #expect(m[50] == 88 * 1_048_576)
        #expect(FaaSScenarioTests.problems(FaaSScenarioTests.base + "functions: [{name: f, image: img, azureDurations: {file: nope.csv}}]")
            .contains { $0.hasPrefix("cannot read") })
    }
}

@Suite("README examples")
struct ReadmeFaaSExampleTests {
    @Test("the README's functions example reads")
    func functionsExample() throws {
        let readme = try Fixtures.text(Fixtures.packageRoot.appendingPathComponent("README.md"))
        let start = try #require(readme.range(of: "```yaml\nfunctions:\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let block = String(readme[readme.index(start.lowerBound, offsetBy: 8)..<end.lowerBound])
        let text = """
            registries: [{name: hub, bandwidth: 1Gbps, roundTrip: 40ms}]
            nodePools: [{name: n, count: 2, cpu: 8, memory: 16Gi}]
            images: [{name: classify-gpu, size: 1GB}, {name: classify-cpu, size: 800MB}]

            """ + block
        let s = try ScenarioFile.parse(text, file: "readme.yaml")
        #expect(s.cluster.functions.first?.images.count == 2)
        #expect(s.cluster.workloads.count == 1)
        #expect(s.cluster.slowdownWhenOversubscribed)
        #expect(s.cluster.functions.first?.codeBandwidth == 125_000_000)
        #expect(s.cluster.functions.first?.codeRoundTrip == 0.04)
    }
}

@Suite("Invariants of the shipped FaaS scenarios")
struct FaaSInvariantTests {
    @Test("every request ends once; replicas and utilisation stay within bounds", arguments: ["chaos", "azure-trace", "faas-sim-100k"])
    func invariants(name: String) throws {
        let file = try ScenarioFile.load(path: Fixtures.packageRoot.appendingPathComponent("scenarios/\(name).yaml").path)
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.run(until: file.until ?? .infinity)
        let s = try #require(sim.faasSummary())
        for f in s.functions {
            #expect(f.completed + f.failed <= f.requests, "\(f.name)")
            if file.until == nil { #expect(f.completed + f.failed == f.requests, "\(f.name)") }
            #expect(f.maxReplicas <= (file.cluster.functions.first { $0.name == f.name }?.maxReplicas ?? 0))
            #expect(f.failures.values.allSatisfy { $0 >= 0 })
        }
        #expect(sim.utilizationTimeline.allSatisfy { $0.mean >= 0 && $0.max <= 1 })
        #expect(sim.replicaUtilizationTimeline.allSatisfy { $0.max <= 1 })
        #expect(sim.replicaTimeline.allSatisfy { $0.ready <= $0.replicas })
        #expect(s.energyJoules > 0)
    }
}

/// faas-sim (edgerun/faas-sim 30f687e) on its own synthetic benchmark, 100 nodes, 10
/// functions, 100k requests at 500 req/s, as `../shared/peers/faas-sim/faas-sim-bench.py` runs
/// it with the response time `t_wait + t_exec` of its invocations table (measured 2026-12-03).
enum FaaSSimReference {
    static let mean = 0.1701, p50 = 0.0773, p95 = 0.5056, p99 = 2.1405
    static let pulls = 10, replicasAtEnd = 30, end = 205.76, loadStart = 2.0
}

@Suite("the faas-sim profile against faas-sim's own results")
struct FaaSSimAgreementTests {
    static func run(_ compatibility: Compatibility?) throws -> ClusterSimulator {
        var file = try ScenarioFile.load(path: Fixtures.packageRoot.appendingPathComponent("scenarios/faas-sim-100k.yaml").path)
        if compatibility == .kubernetes {
            file = try ScenarioFile.parse(try String(contentsOfFile: Fixtures.packageRoot.appendingPathComponent("scenarios/faas-sim-100k.yaml").path, encoding: .utf8)
                .replacingOccurrences(of: "compatibility: faas-sim", with: "compatibility: kubernetes"), file: "k.yaml")
        }
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.run()
        return sim
    }

    @Test("faas-sim's scenario: response-time mean and percentiles within 10 %, the same pulls and replicas, the end within a scaler tick")
    func agreement() throws {
        let sim = try Self.run(.faasSim)
        let faas = try #require(sim.faasSummary())
        #expect(faas.completed == 100_000)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 0.1 * b }
        #expect(close(faas.latency.mean, FaaSSimReference.mean), "mean \(faas.latency.mean)")
        #expect(close(faas.latency.p50, FaaSSimReference.p50), "p50 \(faas.latency.p50)")
        #expect(close(faas.latency.p95, FaaSSimReference.p95), "p95 \(faas.latency.p95)")
        #expect(close(faas.latency.p99, FaaSSimReference.p99), "p99 \(faas.latency.p99)")
        #expect(sim.summary().layerPulls == FaaSSimReference.pulls)
        #expect(faas.functions.reduce(0) { $0 + $1.finalReplicas } == FaaSSimReference.replicasAtEnd)
        #expect(abs(sim.now.seconds - FaaSSimReference.end) < 10, "ended at \(sim.now.seconds) s")
        #expect(faas.functions.allSatisfy { $0.coldStarts == 0 }, "the load waits for the first replicas, so no request waits for one")
    }

    @Test("the Kubernetes-faithful default tells another story on the same scenario: load from 0 s, spread replicas, extraction")
    func kubernetesProfile() throws {
        let sim = try Self.run(.kubernetes)
        let faas = try #require(sim.faasSummary())
        #expect(faas.latency.p95 > 3 * FaaSSimReference.p95, "p95 \(faas.latency.p95)")
        #expect(sim.summary().layerPulls > FaaSSimReference.pulls)
        #expect(faas.functions.contains { $0.coldStarts > 0 })
    }
}

@Suite("the faas-sim profile's load start and end")
struct FaaSSimProfileTests {
    static func scenario(_ functions: String, workloads: String, until: String = "") -> String {
        """
        compatibility: faas-sim
        \(until)
        nodePools: [{name: n, count: 2, cpu: 4, memory: 8Gi}]
        images: [{name: img, size: 50MB}]
        functions:
        \(functions)
        workloads:
        \(workloads)

        """
    }

    static let ready = "  - {name: a, image: img, requests: {cpu: 500m, memory: 256Mi}, startup: 1s, executionTime: {distribution: exponential, mean: 20ms}, scaling: {min: 1, max: 4, scaler: average-requests, target: 20, window: 10s}}"

    static func run(_ text: String, until: SimTime = .infinity) throws -> ClusterSimulator {
        let file = try ScenarioFile.parse(text, file: "p.yaml")
        var sim = try ClusterSimulator(scenario: file.cluster)
        _ = sim.run(until: until)
        return sim
    }

    @Test("the load waits for the first replicas; a function at min 0 is not waited for, one that cannot run does not hold it for ever")
    func release() throws {
        // The first request comes after the first replica is ready (pull + 1 s startup) and on a 0.5 s poll.
        var first = Double.infinity
        var text = Self.scenario(Self.ready, workloads: "  - {function: a, pattern: poisson, rate: 20, requests: 200}")
        var file = try ScenarioFile.parse(text, file: "p.yaml")
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.onRequest = { first = min(first, $0.arrival) }
        sim.run()
        #expect(first >= 1.5, "first arrival \(first)")
        #expect(sim.faasSummary()?.completed == 200)
        // A min-0 function beside it: the load still starts, and both complete.
        let zero = "  - {name: z, image: img, requests: {cpu: 500m, memory: 256Mi}, startup: 1s, executionTime: {distribution: exponential, mean: 20ms}, scaling: {min: 0, max: 2, scaler: average-requests, target: 20, window: 10s}}"
        text = Self.scenario(Self.ready + "\n" + zero, workloads: "  - {function: a, pattern: poisson, rate: 20, requests: 100}\n  - {function: z, pattern: poisson, rate: 5, requests: 20}")
        sim = try Self.run(text)
        #expect(sim.faasSummary()?.completed == 120, "\(String(describing: sim.faasSummary()?.failed))")
        // A function no node can hold: the load starts anyway and its requests fail.
        let huge = "  - {name: h, image: img, requests: {cpu: 64, memory: 256Mi}, startup: 1s, scaling: {min: 1, max: 2, scaler: average-requests, target: 20, window: 10s}}"
        text = Self.scenario(Self.ready + "\n" + huge, workloads: "  - {function: a, pattern: poisson, rate: 20, requests: 100}\n  - {function: h, pattern: poisson, rate: 5, requests: 20}")
        file = try ScenarioFile.parse(text, file: "p.yaml")
        sim = try ClusterSimulator(scenario: file.cluster)
        sim.run()
        let s = try #require(sim.faasSummary())
        #expect(s.requests == 120 && s.completed == 100 && s.failed == 20)
    }

    @Test("without a time limit the run ends with its last request; with one it runs to the limit")
    func end() throws {
        let text = Self.scenario(Self.ready, workloads: "  - {function: a, pattern: poisson, rate: 20, requests: 100}")
        var last = 0.0
        let file = try ScenarioFile.parse(text, file: "p.yaml")
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.onRequest = { last = max(last, $0.finished) }
        #expect(sim.run() == false)
        #expect(sim.now.seconds == last, "ended at \(sim.now.seconds), last request \(last)")
        let limited = try Self.run(text, until: .seconds(120))
        #expect(limited.now.seconds == 120)
    }
}
