import Cluster
import Simulation
import Testing

/// The models against values computed by hand from the published algorithms (sources cited per
/// test).
@Suite("Published models")
struct PublishedModelTests {
    typealias C = ClusterSimulatorTests

    // MARK: Scheduler scores

    /// kube-scheduler plugins return int64 scores (framework.MaxNodeScore = 100);
    /// least_allocated.go: `((capacity − requested) × 100) / capacity` per resource in integers,
    /// then the weighted mean in integers. Pod 500m / 256Mi; node a 4000m: 3500 × 100 / 4000 = 87;
    /// node b 4001m: 3501 × 100 / 4001 = 87 (87.5 truncated); memory the same on both: a tie, so
    /// `selectHost` picks either at random. In floating point b always won by 0.001.
    @Test("scores are whole numbers per plugin, so nearly equal nodes tie and the tie is broken at random")
    func integerScoresTie() throws {
        var chosen: Set<String> = []
        for seed in UInt64(1)...24 {
            var s = C.scenario(nodes: [C.node("a", cpu: 4000), C.node("b", cpu: 4001)], pods: [.init(pod: C.pod("p"))],
                               scheduler: C.onlyScore(.leastAllocated))
            s.seed = seed
            let (sim, _) = try C.run(s)
            if let n = sim.node(of: "p") { chosen.insert(n) }
        }
        #expect(chosen == ["a", "b"])
    }

    /// schedutil.GetNonzeroRequests: a pod without requests counts as 100m CPU and 200Mi memory
    /// for scoring (NodeInfo.NonZeroRequested). Two 1-CPU / 8Gi nodes, the first request-less pod
    /// on one of them. For the second, that node scores cpu (1000 − 200) × 100 / 1000 = 80, memory
    /// (8192 − 400) × 100 / 8192 = 95 → (80 + 95) / 2 = 87; the empty node 90 and 97 → 93. So the
    /// second pod always goes to the other node (with zero requests both scored 100: a coin toss).
    @Test("pods without requests are scored with the default non-zero requests")
    func nonZeroRequests() throws {
        for seed in UInt64(1)...12 {
            var s = C.scenario(nodes: [C.node("a", cpu: 1000), C.node("b", cpu: 1000)],
                               pods: [.init(pod: C.pod("first", cpu: 0, memory: 0)), .init(pod: C.pod("second", cpu: 0, memory: 0), at: .seconds(1))],
                               scheduler: C.onlyScore(.leastAllocated))
            s.seed = seed
            let (sim, _) = try C.run(s)
            let first = try #require(sim.node(of: "first")), second = try #require(sim.node(of: "second"))
            #expect(first != second, "seed \(seed)")
        }
    }

    // MARK: Nodes joining late

    /// A node joining at 100 s, run to 200 s: idle 50 W × 100 s = 5000 J (not 200 s' worth).
    @Test("a node that joins late is billed idle energy from when it joins")
    func lateNodeEnergy() throws {
        var late = C.node("late")
        late.idleWatts = 50
        late.maxWatts = 150
        var s = C.scenario(nodes: [C.node("n")], pods: [])
        s.nodeAdditions = [(late, .seconds(100))]
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: .seconds(200))
        let node = try #require(sim.summary().allocation.first { $0.node == "late" })
        #expect(abs(node.energyJoules - 5000) < 1e-6)
        #expect(abs(node.upSeconds - 100) < 1e-9)
    }

    /// image_locality.go: `scaledImageScore = int64(size × numNodesWithImage / totalNumNodes)`,
    /// clamped to [23 MiB, 1000 MiB], then `100 × (sum − 23 MiB) / (1000 MiB − 23 MiB)` in integers.
    /// A 500 MiB image on both of 2 nodes: spread 1 → 100 × 500170752 / 1024458752 = 48. After a
    /// third node joins: spread 2/3 → int64(524288000 × 2 / 3) = 349525333 → 100 × 325408085 /
    /// 1024458752 = 31. A node that has not joined does not count.
    @Test("ImageLocality's spread divides by the nodes that have joined")
    func imageLocalitySpread() throws {
        let image = ImageSpec.single("big", sizes: [.x86_64: 500 * Units.MiB])
        var p0 = C.pod("p0", image: "big"), p1 = C.pod("p1", image: "big")
        p0.nodeSelector = ["host": "n0"]
        p1.nodeSelector = ["host": "n1"]
        var s = C.scenario(nodes: [C.node("n0", labels: ["host": "n0"]), C.node("n1", labels: ["host": "n1"])],
                           pods: [.init(pod: p0), .init(pod: p1)], images: [image], scheduler: C.onlyScore(.imageLocality))
        s.nodeAdditions = [(C.node("n2"), .seconds(100))]
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: .seconds(50))
        let before = try #require(sim.explain(pod: "p0")?.verdicts.first { $0.node == "n0" })
        #expect(before.scores[.imageLocality] == 48)
        sim.run(until: .seconds(150))
        let after = try #require(sim.explain(pod: "p0")?.verdicts.first { $0.node == "n0" })
        #expect(after.scores[.imageLocality] == 31)
    }

    /// kube-scheduler's numFeasibleNodesToFind counts the nodes in its snapshot: 150 joined nodes
    /// → max(100, 150 × (50 − 150/125) / 100) = max(100, 73) = 100; counting 100 more that join
    /// later would give 250 × (50 − 2) / 100 = 120.
    @Test("nodes that have not joined do not count toward percentageOfNodesToScore")
    func feasibleNodesIgnoreLateNodes() throws {
        var s = C.scenario(nodes: (0..<150).map { C.node("n\($0)") }, pods: [.init(pod: C.pod("p"))],
                           scheduler: SchedulerProfile(schedulingLatency: 0))
        s.nodeAdditions = (0..<100).map { (C.node("late\($0)"), SimTime.seconds(1000)) }
        let (_, log) = try C.run(s, until: .seconds(10))
        let scheduled = try #require(log.first { $0.kind == .podScheduled })
        #expect(scheduled.detail?.hasSuffix("among 100 feasible") == true)
    }

    // MARK: Scheduler queue

    /// scheduling_queue.go: backoff ends at the last attempt + backoff (`getBackoffTime`); a pod
    /// still backing off when capacity frees goes to the backoff queue until then. Failed at 1 s
    /// (1 s backoff → 2 s), capacity freed at 1.5 s: scheduled at 2 s (not 1.5 + 1 = 2.5 s).
    @Test("a pod still backing off when capacity frees is retried when its backoff ends")
    func backoffFromLastAttempt() throws {
        var s = C.scenario(nodes: [C.node("n")], pods: [.init(pod: C.pod("big", cpu: 3000)), .init(pod: C.pod("waiting", cpu: 3000), at: .seconds(1))])
        s.deletions = [.init(pod: "big", at: .milliseconds(1500))]
        let (_, log) = try C.run(s)
        let scheduled = try #require(log.first { $0.kind == .podScheduled && $0.pod == "waiting" })
        #expect(scheduled.time == .seconds(2))
    }

    /// scheduling_queue.go `flushUnschedulablePodsLeftover`, every 30 s: a pod unschedulable for
    /// more than podMaxInUnschedulablePodsDuration (5 min) is moved back. Failed at 1 s → due after
    /// 301 s → the first 30 s check strictly after is 330 s; it fails again then (nothing changed).
    @Test("unschedulable pods are flushed back to the queue after 5 minutes")
    func unschedulableFlush() throws {
        let s = C.scenario(nodes: [C.node("n")], pods: [.init(pod: C.pod("huge", cpu: 8000), at: .seconds(1))])
        let (_, log) = try C.run(s, until: .seconds(400))
        let failures = log.filter { $0.kind == .podUnschedulable && $0.pod == "huge" }.map(\.time)
        #expect(failures == [.seconds(1), .seconds(330)])
    }

    // MARK: FaaS

    /// Memory grows linearly to its 200 MiB peak over a 1 s run; the 150 MiB limit is crossed at
    /// 150 / 200 × 1 s = 0.75 s, when the invocation is killed.
    @Test("a memory-killed invocation dies when its growing memory crosses the limit")
    func memoryKillTime() throws {
        var f = FaaSTests.function(min: 1, exec: .constant(1), workers: 1)
        f.memoryLimit = 150 * Units.MiB
        f.memoryPerInvocation = .constant(Double(200 * Units.MiB))
        let s = FaaSTests.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 10, maxRequests: 1)])
        var sim = try ClusterSimulator(scenario: s)
        let records = RecordLog()
        sim.onRequest = { records.records.append($0) }
        sim.run()
        let r = try #require(records.records.first)
        #expect(r.failure == .memoryLimit)
        #expect(abs(r.finished - r.arrival - 0.75) < 1e-6)
    }

    /// replica_calculator.go `GetResourceUtilizationRatio`: utilisation = Σ usage / Σ requests of
    /// the pods, `int32(metricsTotal × 100 / requestsTotal)`. The function's first image (4 CPUs
    /// and a GPU) fits nowhere, so its replica runs the second (500m). Load from 20 s keeps it
    /// busy at 500m; the tick at 30 s averages 500 × 10 / 15 = 333m over its 500m request → 66 %
    /// → ratio 0.66 / 0.5 = 1.32 → ceil(1.32 × 1) = 2. Against the first image's 4000m it would
    /// read 8 % and stay at 1.
    @Test("HPA CPU utilisation uses the request of the image replicas run")
    func hpaRankedImageRequest() throws {
        var f = FaaSTests.function(min: 1, max: 10, scaler: .hpa(metric: .cpu, target: 0.5, syncPeriod: 15, stabilizationWindow: 300),
                                   exec: .constant(1), workers: 1)
        f.images = [FunctionImage(image: "gpu-img", requests: Resources(cpuMillis: 4000, memoryBytes: 256 * Units.MiB, gpus: 1)),
                    FunctionImage(image: "img", requests: Resources(cpuMillis: 500, memoryBytes: 256 * Units.MiB))]
        f.cpuPerInvocation = 500
        let s = FaaSTests.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 20, duration: 30)], nodes: 1)
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: .seconds(31))
        let tick = try #require(sim.scalingRecords.first { $0.scaler == "hpa" && abs($0.time - 30) < 1e-9 })
        #expect(tick.from == 1)
        #expect(tick.to == 2)
    }

    /// horizontal.go `reconcileAutoscaler`: a target at 0 replicas with minReplicas ≠ 0 has
    /// autoscaling disabled ("ScalingDisabled"), so a function scaled to zero stays there: no
    /// 0 → 1 flapping on every sync, keep-alive or not.
    @Test("an HPA function scaled to zero by a command stays at zero")
    func hpaStaysAtZero() throws {
        var f = FaaSTests.function(min: 1, max: 5, scaler: .hpa(metric: .rps, target: 5, syncPeriod: 15, stabilizationWindow: 300))
        f.keepAlive = 600
        let s = FaaSTests.scenario(functions: [f], workloads: [WorkloadSpec(function: "f", pattern: .constant(rate: 1), start: 5, maxRequests: 3)],
                                   commands: [ScaleCommand(function: "f", at: 30, replicas: 0)])
        var sim = try ClusterSimulator(scenario: s)
        sim.run(until: .seconds(200))
        let after = sim.replicaTimeline.filter { $0.time > 30 }
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { $0.replicas == 0 })
    }

    // MARK: Energy

    /// Property: over random oversubscribed runs, the energy charged to invocations on a node never
    /// exceeds the node's dynamic energy (and equals it once every invocation has ended, since
    /// only invocations draw dynamic power), and a node's energy never exceeds its maximum power
    /// × its up time.
    @Test("energy is conserved on oversubscribed nodes (property test, 60 cases)")
    func energyConserved() throws {
        var rng = RandomSource(seed: 7)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        for c in 0..<60 {
            var functions: [FunctionSpec] = []
            var workloads: [WorkloadSpec] = []
            for i in 0..<(1 + Int(rng.next() % 3)) {
                var f = FaaSTests.function("f\(i)", min: 1 + Int(rng.next() % 3), exec: pick([.constant(0.7), .exponential(mean: 0.5)]),
                                           workers: pick([4, 8]), cpu: 250)
                f.cpuPerInvocation = pick([500.0, 1500, 3000])
                if rng.next() % 2 == 0 { f.gpuPerInvocation = pick([0.5, 1]) }
                if rng.next() % 2 == 0 { f.networkPerInvocation = pick([100e6, 800e6]) }
                functions.append(f)
                workloads.append(WorkloadSpec(function: "f\(i)", pattern: .poisson(rate: pick([5.0, 20, 40])), maxRequests: 200))
            }
            var s = FaaSTests.scenario(functions: functions, workloads: workloads, nodes: 1 + Int(rng.next() % 3), cpu: pick([1000, 2000]),
                                       seed: UInt64(c + 1))
            for n in s.nodes.indices {
                s.nodes[n].capacity.gpus = 1
                s.nodes[n].gpuWatts = 120
                s.nodes[n].networkWatts = 30
            }
            s.slowdownWhenOversubscribed = rng.next() % 2 == 0
            var sim = try ClusterSimulator(scenario: s)
            let midway = SimTime.seconds(pick([3.0, 7, 11]))
            sim.run(until: midway)
            for node in sim.summary().allocation {
                #expect(node.functionEnergyJoules <= node.dynamicEnergyJoules * (1 + 1e-9) + 1e-9, "case \(c) at \(midway)")
                #expect(node.energyJoules <= node.maxWatts * node.upSeconds * (1 + 1e-9) + 1e-9, "case \(c) at \(midway)")
            }
            sim.run()
            let summary = try #require(sim.faasSummary())
            var dynamic = 0.0
            for node in sim.summary().allocation {
                #expect(node.functionEnergyJoules <= node.dynamicEnergyJoules * (1 + 1e-9) + 1e-9, "case \(c)")
                #expect(abs(node.functionEnergyJoules - node.dynamicEnergyJoules) <= 1e-6 * max(1, node.dynamicEnergyJoules), "case \(c)")
                #expect(node.energyJoules <= node.maxWatts * node.upSeconds * (1 + 1e-9) + 1e-9, "case \(c)")
                dynamic += node.dynamicEnergyJoules
            }
            let functionsTotal = summary.functions.reduce(0) { $0 + $1.energyJoules }
            #expect(dynamic > 0)
            #expect(abs(functionsTotal - dynamic) <= 1e-6 * max(1, dynamic), "case \(c)")
        }
    }
}

final class RecordLog: @unchecked Sendable {
    var records: [RequestRecord] = []
}
