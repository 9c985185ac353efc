import Cluster
import Simulation
import Testing

/// The FaaS platform, including each faas-sim bug shown absent.
@Suite("FaaS platform")
struct FaaSTests {
    static func scenario(functions: [FunctionSpec], workloads: [WorkloadSpec], nodes: Int = 4, cpu: Int64 = 4000,
                         commands: [ScaleCommand] = [], seed: UInt64 = 1) -> ClusterScenario
    {
        var s = ClusterScenario(
            nodes: (0..<nodes).map { NodeSpec(name: "n\($0)", deviceType: "box", capacity: Resources(cpuMillis: cpu, memoryBytes: 16 * Units.GiB),
                                             bandwidth: 1000 * Double(Units.MB), idleWatts: 50, maxWatts: 150) },
            registries: [RegistrySpec(name: "r", bandwidth: 1000 * Double(Units.MB), roundTrip: 0.01)],
            images: [.single("img", sizes: [.x86_64: 10 * Units.MB]), .single("gpu-img", sizes: [.x86_64: 10 * Units.MB])],
            pods: [], scheduler: SchedulerProfile(schedulingLatency: 0), seed: seed)
        s.functions = functions
        s.workloads = workloads
        s.scaleCommands = commands
        return s
    }

    static func function(_ name: String = "f", min: Int = 1, max: Int = 10, scaler: ScalerConfig = .fixed,
                         exec: Distribution = .constant(0.1), workers: Int = 4, cpu: Int64 = 500) -> FunctionSpec
    {
        FunctionSpec(name: name, images: [FunctionImage(image: "img", requests: Resources(cpuMillis: cpu, memoryBytes: 256 * Units.MiB))],
                     behaviour: .httpWatchdog(workers: workers), defaultExecutionTime: exec,
                     lifecycle: LifecycleProfile(startup: .constant(1)), minReplicas: min, maxReplicas: max, scaler: scaler)
    }

    static func run(_ s: ClusterScenario, until: SimTime = .infinity) throws -> (ClusterSimulator, FaaSSummary) {
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: until)
        return (sim, try #require(sim.faasSummary()))
    }

    @Test("scale-down removes exactly the replicas asked for (faas-sim removed about half, or none)", arguments: [(5, 3), (5, 2), (5, 0), (8, 1)])
    func exactScaleDown(from: Int, to: Int) throws {
        let s = Self.scenario(functions: [Self.function(min: from)], workloads: [],
                              commands: [ScaleCommand(function: "f", at: 30, replicas: to)])
        let (sim, summary) = try Self.run(s, until: .seconds(60))
        #expect(summary.functions[0].finalReplicas == to)
        #expect(sim.replicaTimeline.last?.replicas == to)
    }

    @Test("a node failure fails the invocations running on it, oldest first; later requests wait for the replica elsewhere")
    func replicaLostWhileRunning() throws {
        var s = Self.scenario(functions: [Self.function(exec: .constant(10), workers: 4)],
                              workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 5.5, maxRequests: 6)], nodes: 2)
        // The node the replica runs on, from the same run without the failure.
        let (healthy, _) = try Self.run(s, until: .seconds(5))
        let node = try #require(healthy.summary().allocation.first { $0.pods > 0 }).node
        s.failures = [ClusterScenario.NodeFailure(node: node, at: .seconds(8))]
        var sim = try ClusterSimulator(scenario: s)
        nonisolated(unsafe) var records: [RequestRecord] = []
        sim.onRequest = { records.append($0) }
        sim.run()
        let fn = try #require(sim.faasSummary()).functions[0]
        #expect(fn.failures == [.replicaLost: 3])
        #expect(fn.completed == 3)
        // The three running at 8 s (sent at 5.5, 6.5 and 7.5 s) fail then, in the order they started.
        let lost = records.filter { $0.failure == .replicaLost }
        #expect(lost.map(\.arrival) == [5.5, 6.5, 7.5])
        #expect(lost.allSatisfy { $0.finished == 8 })
        // The later three waited for the new replica on the other node and ran their 10 s there.
        let done = records.filter { $0.failure == nil }
        #expect(done.map(\.arrival) == [8.5, 9.5, 10.5])
        #expect(done.allSatisfy { abs($0.execution - 10) < 1e-6 }, "\(done.map(\.execution))")
        #expect(done[0].coldStart > 0, "the first waited for the new replica's pull and start")
        #expect(fn.energyJoules > 0)
    }

    @Test("when the only node fails and comes back, requests wait for the replica once it is placed again instead of failing")
    func waitForTheReplicaAfterRecovery() throws {
        var s = Self.scenario(functions: [Self.function(exec: .constant(10), workers: 4)],
                              workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 5.5, maxRequests: 6)], nodes: 1)
        s.failures = [ClusterScenario.NodeFailure(node: "n0", at: .seconds(8), recoversAt: .seconds(9))]
        var sim = try ClusterSimulator(scenario: s)
        nonisolated(unsafe) var records: [RequestRecord] = []
        sim.onRequest = { records.append($0) }
        sim.run()
        let fn = try #require(sim.faasSummary()).functions[0]
        // Lost with the node: the three running. 8.5 s finds no node at all, nor does 9.5 s (the
        // node is back at 9 s, but the pod waits out the scheduler's backoff, 1 s doubling, and
        // the default profile's timing puts its binding near 10 s): no capacity. Once
        // the replica is placed again, 10.5 s waits for it (it failed too before a binding
        // cleared the function's no-capacity state; only a ready replica did).
        #expect(fn.failures == [.replicaLost: 3, .noCapacity: 2], "\(records.map { ($0.arrival, $0.failure as Any) })")
        let done = records.filter { $0.failure == nil }
        #expect(done.map(\.arrival) == [10.5])
        #expect(done.first.map { $0.coldStart > 0 } == true)
    }

    @Test("a replica that fits nowhere does not fail the requests while another replica is placed and starting")
    func unplaceableSiblingDoesNotBlock() throws {
        // Room for one 600m replica on the one 1000m node; two asked for.
        let s = Self.scenario(functions: [Self.function(min: 2, max: 2, cpu: 600)],
                              workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 2), start: 0.2, maxRequests: 4)],
                              nodes: 1, cpu: 1000)
        let (_, summary) = try Self.run(s)
        let fn = summary.functions[0]
        // The first requests arrive before the placed replica is ready: they wait for it.
        #expect(fn.failures.isEmpty, "\(fn.failures)")
        #expect(fn.completed == 4)
        #expect(fn.coldStarts >= 1)
    }

    @Test("a memory kill restarts the replica: the invocations running beside it fail as lost, in the order they started")
    func memoryKillFailsTheOthers() throws {
        var f = Self.function(exec: .constant(10), workers: 4)
        f.memoryLimit = 100 * Units.MiB
        f.memoryPerInvocation = .constant(Double(200 * Units.MiB))  // killed halfway, at 5 s
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 5.5, maxRequests: 3)],
                              nodes: 1)
        var sim = try ClusterSimulator(scenario: s)
        nonisolated(unsafe) var records: [RequestRecord] = []
        sim.onRequest = { records.append($0) }
        sim.run()
        let fn = try #require(sim.faasSummary()).functions[0]
        #expect(fn.failures == [.memoryLimit: 1, .replicaLost: 2])
        #expect(records.map(\.arrival) == [5.5, 6.5, 7.5])
        #expect(records.map(\.failure) == [.memoryLimit, .replicaLost, .replicaLost])
        #expect(records.allSatisfy { $0.finished == 10.5 })
    }

    @Test("a request to a function scaled to zero waits for a cold start and succeeds (faas-sim raised ValueError)")
    func coldStartFromZero() throws {
        var f = Self.function(min: 0, scaler: .averageRequests(targetPerReplica: 20, window: 10))
        f.keepAlive = 60
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 5, maxRequests: 3)])
        let (_, summary) = try Self.run(s)
        let fn = summary.functions[0]
        #expect(fn.completed == 3)
        #expect(fn.failed == 0)
        #expect(fn.coldStarts >= 1)
        // Pull (10 MB at 1000 MB/s + round trip + extraction) and a 1 s start before the first runs.
        #expect(fn.coldStart.max > 1.0)
        #expect(fn.latency.max >= fn.coldStart.max + 0.1 - 1e-4)
    }

    @Test("keep-alive: the function scales to zero after its idle period, and back up on the next request")
    func keepAlive() throws {
        var f = Self.function(min: 0)
        f.keepAlive = 30
        let s = Self.scenario(functions: [f], workloads: [
            WorkloadSpec(function: "f", pattern: .constant(rate: 2), start: 0, maxRequests: 10),
            WorkloadSpec(function: "f", pattern: .constant(rate: 2), start: 200, maxRequests: 4),
        ])
        let (sim, summary) = try Self.run(s)
        #expect(summary.functions[0].completed == 14)
        let timeline = sim.replicaTimeline.filter { $0.time > 40 && $0.time < 190 }
        #expect(!timeline.isEmpty && timeline.allSatisfy { $0.replicas == 0 })
        #expect(summary.functions[0].coldStarts >= 2)
    }

    @Test("scalers step by non-zero amounts in a run (faas-sim's request-rate scaler never moved)")
    func scalerMoves() throws {
        let f = Self.function(min: 1, max: 10, scaler: .requestRate(threshold: 5, step: 0, interval: 10))
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .poisson(rate: 30), duration: 60)])
        let (sim, summary) = try Self.run(s)
        #expect(summary.functions[0].maxReplicas > 1)
        #expect(sim.scalingRecords.contains { $0.to > $0.from && $0.scaler == "request-rate" })
    }

    @Test("utilisation never exceeds 100 % even when a node is oversubscribed (faas-sim reported up to 529 %)")
    func utilisationCapped() throws {
        // One node, 1 CPU; each invocation uses 1 CPU, 8 workers: demand 8x capacity.
        var f = Self.function(min: 1, exec: .constant(1), workers: 8, cpu: 1000)
        f.cpuPerInvocation = 1000
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 20), duration: 20)],
                              nodes: 1, cpu: 1000)
        let (sim, summary) = try Self.run(s)
        #expect(summary.peakUtilization <= 1.0)
        #expect(summary.peakUtilization > 0.99)
        #expect(sim.utilizationTimeline.allSatisfy { $0.max <= 1.0 && $0.mean <= 1.0 })
    }

    @Test("oversubscription slows execution when asked to")
    func slowdown() throws {
        var f = Self.function(min: 1, exec: .constant(1), workers: 4, cpu: 1000)
        f.cpuPerInvocation = 1000
        var s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 4), maxRequests: 4)], nodes: 1, cpu: 2000)
        let (_, normal) = try Self.run(s)
        s.slowdownWhenOversubscribed = true
        let (_, slowed) = try Self.run(s)
        #expect(normal.functions[0].execution.max == 1)
        #expect(slowed.functions[0].execution.max > 1)
    }

    @Test("timeouts, memory kills and missing capacity are counted")
    func failures() throws {
        var slow = Self.function("slow", exec: .constant(5))
        slow.timeout = 1
        var hungry = Self.function("hungry", exec: .constant(0.1))
        hungry.memoryLimit = 100 * Units.MiB
        hungry.memoryPerInvocation = .uniform(min: 50e6, max: 200e6)
        var huge = Self.function("huge")
        huge.images = [FunctionImage(image: "img", requests: Resources(cpuMillis: 64_000))]
        let s = Self.scenario(functions: [slow, hungry, huge], workloads: [
            WorkloadSpec(function: "slow", pattern: .constant(rate: 1), maxRequests: 5),
            WorkloadSpec(function: "hungry", pattern: .constant(rate: 2), maxRequests: 40),
            WorkloadSpec(function: "huge", pattern: .constant(rate: 1), start: 5, maxRequests: 5),
        ])
        let (_, summary) = try Self.run(s)
        let byName = Dictionary(uniqueKeysWithValues: summary.functions.map { ($0.name, $0) })
        #expect(byName["slow"]?.failures[.timeout] == 5)
        #expect((byName["hungry"]?.failures[.memoryLimit] ?? 0) > 0)
        #expect((byName["hungry"]?.completed ?? 0) > 0)  // restarted replicas keep serving
        #expect(byName["huge"]?.failures[.noCapacity] == 5)
    }

    @Test("ranked images: the GPU variant fits nowhere, the CPU variant is used")
    func rankedImages() throws {
        var f = Self.function()
        f.images = [FunctionImage(image: "gpu-img", requests: Resources(cpuMillis: 500, gpus: 1)),
                    FunctionImage(image: "img", requests: Resources(cpuMillis: 500))]
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 10, maxRequests: 3)])
        let (_, summary) = try Self.run(s)
        #expect(summary.functions[0].completed == 3)
    }

    @Test("least-outstanding balancing evens out queues; round robin alternates")
    func loadBalancing() throws {
        var f = Self.function(min: 2, exec: .exponential(mean: 0.5), workers: 1)
        f.loadBalancing = .leastOutstanding
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .poisson(rate: 3), start: 10, duration: 100)])
        let (_, least) = try Self.run(s)
        var g = s
        g.functions[0].loadBalancing = .roundRobin
        let (_, rr) = try Self.run(g)
        #expect(least.functions[0].completed == rr.functions[0].completed)
        #expect(least.functions[0].wait.p99 <= rr.functions[0].wait.p99)
    }

    @Test("same seed, same results; another seed, other results")
    func determinism() throws {
        let f = Self.function(scaler: .averageRequests(targetPerReplica: 5, window: 10), exec: .exponential(mean: 0.2))
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .poisson(rate: 20), duration: 60)])
        let (_, a) = try Self.run(s)
        let (_, b) = try Self.run(s)
        var other = s
        other.seed = 2
        let (_, c) = try Self.run(other)
        #expect(a == b)
        #expect(a.latency != c.latency)
    }

    @Test("trace replay reproduces the per-minute counts")
    func traceReplay() throws {
        let counts = [3, 0, 5, 12, 1]
        let s = Self.scenario(functions: [Self.function(min: 1)], workloads: [WorkloadSpec(function: "f", pattern: .trace(perMinute: counts))])
        var sim = try ClusterSimulator(scenario: s)
        final class Arrivals: @unchecked Sendable { var times: [Double] = [] }
        let arrivals = Arrivals()
        sim.onRequest = { arrivals.times.append($0.arrival) }
        sim.run()
        var perMinute = [Int](repeating: 0, count: counts.count)
        for t in arrivals.times { perMinute[Int(t / 60)] += 1 }
        #expect(perMinute == counts)
    }

    @Test("energy: idle power over the run plus dynamic power while busy")
    func energy() throws {
        var f = Self.function(min: 1, exec: .constant(1), cpu: 4000)
        f.cpuPerInvocation = 4000
        let s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 10, maxRequests: 10)],
                              nodes: 1, cpu: 4000)
        let (sim, summary) = try Self.run(s)
        let t = sim.now.seconds
        // 50 W idle for the whole run, plus 100 W more for 10 busy seconds at full CPU.
        #expect(abs(summary.energyJoules - (50 * t + 100 * 10)) < 1)
        #expect(abs(summary.functions[0].energyJoules - 1000) < 1e-6)
    }

    @Test("Lambda-style billing: GB-seconds, requests, egress")
    func billing() throws {
        var f = Self.function(exec: .constant(0.5))
        f.memoryLimit = 1_000_000_000
        f.responseBytes = 1_000_000
        var s = Self.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 10), maxRequests: 100)])
        s.billing = .lambda(perGBSecond: 1, perRequest: 0.01, perGBEgress: 10)
        let (_, summary) = try Self.run(s)
        // 100 × 0.5 s × 1 GB = 50 GB-s; 100 requests × 0.01 = 1; 100 MB egress × 10/GB = 1.
        #expect(abs(summary.functions[0].cost - 52) < 1e-6)
        s.billing = .custom { $0.gbSeconds * 2 }
        #expect(abs(try Self.run(s).1.functions[0].cost - 100) < 1e-6)
    }
}

/// A function modelled in Swift through the lifecycle protocol.
struct ModelledFunction: FunctionSimulator {
    func deploy(_ context: ReplicaContext, random: inout RandomSource) -> Double? { 0.5 }
    func startup(_ context: ReplicaContext, random: inout RandomSource) -> Double? { 2 }
    func setup(_ context: ReplicaContext, random: inout RandomSource) -> Double? { 3 }
    func invoke(_ context: ReplicaContext, random: inout RandomSource) -> InvocationPlan? {
        InvocationPlan(duration: context.deviceType == "box" ? 0.25 : 10, cpuMillis: 2000)
    }
}

@Suite("Function simulator protocol")
struct FunctionSimulatorTests {
    @Test("deploy, startup, setup and invoke come from the Swift model")
    func phases() throws {
        var s = FaaSTests.scenario(functions: [FaaSTests.function(min: 0)],
                                   workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 100, maxRequests: 1),
                                               WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 1, maxRequests: 1)],
                                   nodes: 1)
        s.functionSimulators["f"] = ModelledFunction()
        var sim = try ClusterSimulator(scenario: s)
        sim.run()
        let summary = try #require(sim.faasSummary())
        let f = summary.functions[0]
        #expect(f.completed == 2)
        #expect(f.execution.max == 0.25)
        // The first request waited for pull + 0.5 s deploy + 2 s start + 3 s setup.
        #expect(f.coldStart.max > 5.5 && f.coldStart.max < 6)
        #expect(abs(summary.functions[0].energyJoules - 2 * 100 * 0.5 * 0.25) < 1e-9)  // 2 of 4 CPUs for 0.25 s, twice
    }

    @Test("a simulator for an unknown function is refused")
    func unknown() {
        var s = FaaSTests.scenario(functions: [FaaSTests.function()], workloads: [])
        s.functionSimulators["ghost"] = ModelledFunction()
        #expect(throws: ClusterError.self) { try ClusterSimulator(scenario: s) }
    }
}

@Suite("Scalers in a running platform")
struct ScalersInSimulationTests {
    @Test("HPA on concurrency scales up under load and back down after the stabilisation window")
    func hpa() throws {
        var f = FaaSTests.function(min: 1, max: 20, scaler: .hpa(metric: .concurrency, target: 2, syncPeriod: 15, stabilizationWindow: 60),
                                   exec: .constant(0.5), workers: 4)
        f.loadBalancing = .leastOutstanding
        let s = FaaSTests.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .poisson(rate: 40), duration: 120)])
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: .seconds(400))
        let timeline = sim.replicaTimeline
        let peak = timeline.map(\.replicas).max() ?? 0
        #expect(peak >= 8)  // 40 req/s × 0.5 s = 20 in flight, 2 per pod → 10
        #expect((timeline.last?.replicas ?? 99) == 1)
        #expect(sim.scalingRecords.contains { $0.scaler == "hpa" && $0.reason.contains("stabilised") })
    }

    @Test("KPA scales a function to zero after the stable window and grace, then cold-starts it again")
    func kpaToZero() throws {
        let f = FaaSTests.function(min: 0, max: 5, scaler: .kpa(targetConcurrency: 4, utilization: 0.7, stableWindow: 60, panicWindowPercent: 10,
                                                                 panicThreshold: 2, scaleToZeroGrace: 30, tick: 2))
        let s = FaaSTests.scenario(functions: [f], workloads: [
            WorkloadSpec(function: "f", pattern: .constant(rate: 5), start: 0, duration: 20),
            WorkloadSpec(function: "f", pattern: .constant(rate: 5), start: 300, duration: 10),
        ])
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: .seconds(400))
        let summary = try #require(sim.faasSummary())
        #expect(summary.functions[0].failed == 0)
        let idle = sim.replicaTimeline.filter { $0.time > 150 && $0.time < 290 }
        #expect(!idle.isEmpty && idle.allSatisfy { $0.replicas == 0 })
        #expect(summary.functions[0].coldStarts >= 2)
    }
}

@Suite("Power model")
struct PowerModelTests {
    @Test("linear coefficients on CPU, GPU, network and block I/O")
    func coefficients() throws {
        var f = FaaSTests.function(min: 1, exec: .constant(2), workers: 1, cpu: 2000)
        f.cpuPerInvocation = 2000  // half of 4 CPUs
        f.gpuPerInvocation = 1  // the whole GPU
        f.networkPerInvocation = 250 * Double(Units.MB)  // a quarter of the 1000 MB/s link
        f.blockIOPerInvocation = 100 * Double(Units.MB)  // a fifth of 500 MB/s
        var s = FaaSTests.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 10, maxRequests: 1)], nodes: 1)
        s.nodes[0].capacity.gpus = 1
        s.nodes[0].gpuWatts = 200
        s.nodes[0].networkWatts = 40
        s.nodes[0].blockIOWatts = 10
        var sim = try ClusterSimulator(scenario: s)
        sim.run()
        let summary = try #require(sim.faasSummary())
        // 2 s at 100 × 0.5 + 200 × 1 + 40 × 0.25 + 10 × 0.2 = 262 W above idle.
        #expect(abs(summary.functions[0].energyJoules - 2 * 262) < 1e-6)
        #expect(abs(summary.energyJoules - (50 * sim.now.seconds + 2 * 262)) < 1e-6)
        #expect(abs(sim.summary().allocation[0].energyJoules - summary.energyJoules) < 1e-6)
    }
}
