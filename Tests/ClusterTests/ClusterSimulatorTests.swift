import Cluster
import Simulation
import Testing

/// Small scenarios built in code; each asserts one behaviour of the cluster model.
@Suite("Cluster simulator")
struct ClusterSimulatorTests {
    static func node(_ name: String, cpu: Int64 = 4000, memory: Int64 = 8 * Units.GiB, arch: Architecture = .x86_64,
                     disk: Int64 = 100 * Units.GB, bandwidth: Double = 100 * Double(Units.MB), labels: [String: String] = [:],
                     taints: [Taint] = [], maxPods: Int = 110, gpus: Int32 = 0) -> NodeSpec
    {
        NodeSpec(name: name, architecture: arch, capacity: Resources(cpuMillis: cpu, memoryBytes: memory, gpus: gpus),
                 bandwidth: bandwidth, diskBytes: disk, labels: labels, taints: taints, maxPods: maxPods)
    }

    static func pod(_ name: String, image: String = "app", cpu: Int64 = 500, memory: Int64 = 256 * Units.MiB, owner: String? = nil,
                    startup: Double = 1, setup: Double = 0) -> PodSpec
    {
        PodSpec(name: name, owner: owner, image: image, requests: Resources(cpuMillis: cpu, memoryBytes: memory),
                lifecycle: LifecycleProfile(startup: .constant(startup), setup: .constant(setup)))
    }

    static let appImage = ImageSpec.single("app", sizes: [.x86_64: 100 * Units.MB])

    static func scenario(nodes: [NodeSpec], pods: [ClusterScenario.PodArrival], images: [ImageSpec] = [appImage],
                         scheduler: SchedulerProfile = SchedulerProfile(schedulingLatency: 0)) -> ClusterScenario
    {
        ClusterScenario(nodes: nodes, registries: [RegistrySpec(name: "registry", bandwidth: 1000 * Double(Units.MB), roundTrip: 0.05)],
                        images: images, pods: pods, scheduler: scheduler,
                        kubelet: .init(extractionBytesPerSecond: 200 * Double(Units.MB)))
    }

    static func run(_ scenario: ClusterScenario, until: SimTime = .infinity) throws -> (ClusterSimulator, [ClusterEventRecord]) {
        var sim = try ClusterSimulator(scenario: scenario)
        let log = EventLog()
        sim.onEvent = { log.records.append($0) }
        sim.run(until: until)
        return (sim, log.records)
    }

    @Test("pod lifecycle timing: round trip, transfer at link speed, extraction, start, setup")
    func lifecycle() throws {
        let s = Self.scenario(nodes: [Self.node("n1")], pods: [.init(pod: Self.pod("p", setup: 2))])
        let (sim, log) = try Self.run(s)
        #expect(sim.phase(of: "p") == .ready)
        // 0.05 s round trip + 100 MB at 100 MB/s + 0.5 s extraction + 1 s start + 2 s setup.
        let ready = try #require(log.first { $0.kind == .podReady })
        #expect(ready.time == .seconds(4.55))
        let pull = try #require(log.first { $0.kind == .pullFinished })
        #expect(pull.bytes == 100 * Units.MB)
        #expect(pull.source == "registry")
        #expect(abs((pull.duration ?? 0) - 1.05) < 1e-6)
        let phases = log.filter { $0.pod == "p" }.map(\.kind)
        #expect(phases == [.podCreated, .podScheduled, .imageReady, .containerStarted, .podReady])
    }

    @Test("the same seed gives the same event log; a shared layer is pulled once per node")
    func determinismAndSharing() throws {
        let base = ImageSpec.Layer(digest: "base", sizeBytes: 50 * Units.MB)
        let images = [
            ImageSpec(name: "a", variants: [.x86_64: [base, .init(digest: "a-top", sizeBytes: 10 * Units.MB)]]),
            ImageSpec(name: "b", variants: [.x86_64: [base, .init(digest: "b-top", sizeBytes: 10 * Units.MB)]]),
        ]
        let pods = (0..<20).map { i in ClusterScenario.PodArrival(pod: Self.pod("p\(i)", image: i % 2 == 0 ? "a" : "b", owner: "d"), at: .seconds(Double(i) * 0.1)) }
        var s = Self.scenario(nodes: (0..<3).map { Self.node("n\($0)") }, pods: pods, images: images)
        s.seed = 7
        let (sim1, log1) = try Self.run(s)
        let (_, log2) = try Self.run(s)
        #expect(log1 == log2)
        #expect(sim1.summary().readyPods == 20)
        let basePulls = log1.filter { $0.kind == .pullFinished && $0.image == "base" }
        #expect(basePulls.count == Set(basePulls.compactMap(\.node)).count)
    }

    @Test("LRU image GC never evicts the image of a running container")
    func gcKeepsRunningImages() throws {
        // 1 GB disk; images of 300 MB each: the third pull passes the 85 % threshold.
        let images = ["x", "y", "z"].map { ImageSpec.single($0, sizes: [.x86_64: 300 * Units.MB]) }
        var pods: [ClusterScenario.PodArrival] = [.init(pod: Self.pod("keeper", image: "x"))]
        pods.append(.init(pod: Self.pod("y1", image: "y"), at: .seconds(10)))
        pods.append(.init(pod: Self.pod("z1", image: "z"), at: .seconds(30)))
        var s = Self.scenario(nodes: [Self.node("n", disk: 1 * Units.GB)], pods: pods, images: images)
        s.deletions = [.init(pod: "y1", at: .seconds(20))]
        let (sim, log) = try Self.run(s)
        #expect(sim.phase(of: "z1") == .ready)
        let evicted = log.filter { $0.kind == .layerEvicted }.compactMap(\.image)
        #expect(evicted == ["y@300000000"])
        #expect(sim.cachedLayers(on: "n").contains("x@300000000"))
    }

    @Test("an image that cannot fit on any disk is reported, not placed")
    func imageTooBig() throws {
        let s = Self.scenario(nodes: [Self.node("n", disk: 50 * Units.MB)], pods: [.init(pod: Self.pod("p"))])
        let (sim, log) = try Self.run(s)
        #expect(sim.phase(of: "p") == .pending)
        #expect(sim.failureReason(of: "p")?.contains("Insufficient disk") == true)
        #expect(log.contains { $0.kind == .podUnschedulable })
    }

    @Test("filters", arguments: [
        ("cpu", "Insufficient cpu"), ("affinity", "didn't match"), ("taint", "untolerated taint"),
        ("arch", "no image variant"), ("maxPods", "Too many pods"), ("gpu", "Insufficient gpu"),
    ])
    func filters(kind: String, reason: String) throws {
        var node = Self.node("n")
        var pod = Self.pod("p")
        switch kind {
        case "cpu": pod.requests.cpuMillis = 5000
        case "affinity": pod.nodeSelector = ["zone": "edge"]
        case "taint": node.taints = [Taint(key: "dedicated", value: "gpu")]
        case "arch": node.architecture = .arm32
        case "maxPods": node.maxPods = 0
        default: pod.requests.gpus = 1
        }
        let (sim, _) = try Self.run(Self.scenario(nodes: [node], pods: [.init(pod: pod)]))
        #expect(sim.phase(of: "p") == .pending)
        #expect(sim.failureReason(of: "p")?.contains(reason) == true, "\(sim.failureReason(of: "p") ?? "nil")")
    }

    @Test("matching selector, toleration and required affinity pass")
    func filtersPass() throws {
        var pod = Self.pod("p")
        pod.nodeSelector = ["zone": "edge"]
        pod.tolerations = [Toleration(key: "dedicated", operator: .exists)]
        pod.requiredAffinity = [NodeSelectorRequirement(key: "kubernetes.io/arch", operator: .in, values: ["amd64"])]
        let good = Self.node("good", labels: ["zone": "edge"], taints: [Taint(key: "dedicated", value: "x")])
        let (sim, _) = try Self.run(Self.scenario(nodes: [Self.node("other"), good], pods: [.init(pod: pod)]))
        #expect(sim.node(of: "p") == "good")
    }

    static func onlyScore(_ plugin: ScorePlugin) -> SchedulerProfile {
        SchedulerProfile(scores: [.init(plugin)], percentageOfNodesToScore: 100, schedulingLatency: 0)
    }

    @Test("LeastAllocated prefers the emptier node; BalancedAllocation the balanced one")
    func allocationScores() throws {
        let busy = ClusterScenario.PodArrival(pod: Self.pod("filler", cpu: 3000, memory: 256 * Units.MiB))
        var s = Self.scenario(nodes: [Self.node("a"), Self.node("b")], pods: [busy, .init(pod: Self.pod("p"), at: .seconds(5))],
                              scheduler: Self.onlyScore(.leastAllocated))
        s.pods[0].pod.nodeSelector = ["kubernetes.io/hostname": "a"]
        #expect(try Self.run(s).0.node(of: "p") == "b")

        // Node a has much memory used and little CPU: a CPU-heavy pod balances it.
        var t = Self.scenario(nodes: [Self.node("a"), Self.node("b")],
                              pods: [.init(pod: Self.pod("filler", cpu: 100, memory: 6 * Units.GiB)),
                                     .init(pod: Self.pod("p", cpu: 3000, memory: 100 * Units.MiB), at: .seconds(5))],
                              scheduler: Self.onlyScore(.balancedAllocation))
        t.pods[0].pod.nodeSelector = ["kubernetes.io/hostname": "a"]
        #expect(try Self.run(t).0.node(of: "p") == "a")
    }

    @Test("ImageLocality prefers a node that has the image")
    func imageLocality() throws {
        let big = ImageSpec.single("big", sizes: [.x86_64: 500 * Units.MB])
        var s = Self.scenario(nodes: [Self.node("a"), Self.node("b"), Self.node("c")],
                              pods: [.init(pod: Self.pod("first", image: "big")), .init(pod: Self.pod("second", image: "big"), at: .seconds(60))],
                              images: [big], scheduler: Self.onlyScore(.imageLocality))
        s.pods[0].pod.nodeSelector = ["kubernetes.io/hostname": "c"]
        let (sim, _) = try Self.run(s)
        #expect(sim.node(of: "second") == "c")
    }

    @Test("Spread places replicas of one deployment on different nodes")
    func spread() throws {
        let pods = (0..<4).map { ClusterScenario.PodArrival(pod: Self.pod("r\($0)", owner: "web")) }
        let (sim, _) = try Self.run(Self.scenario(nodes: (0..<4).map { Self.node("n\($0)") }, pods: pods, scheduler: Self.onlyScore(.spread)))
        #expect(Set((0..<4).compactMap { sim.node(of: "r\($0)") }).count == 4)
    }

    @Test("DataLocality prefers the node holding the data")
    func dataLocality() throws {
        var pod = Self.pod("reader")
        pod.dataItems = ["dataset"]
        var s = Self.scenario(nodes: (0..<5).map { Self.node("n\($0)") }, pods: [.init(pod: pod)], scheduler: Self.onlyScore(.dataLocality))
        s.dataPlacement = ["dataset": ["n3"]]
        #expect(try Self.run(s).0.node(of: "reader") == "n3")
    }

    @Test("an unschedulable pod is retried after capacity frees, with backoff")
    func retry() throws {
        var s = Self.scenario(nodes: [Self.node("n")], pods: [.init(pod: Self.pod("big", cpu: 3000)), .init(pod: Self.pod("waiting", cpu: 3000), at: .seconds(1))])
        s.deletions = [.init(pod: "big", at: .seconds(10))]
        let (sim, log) = try Self.run(s)
        #expect(sim.phase(of: "waiting") == .ready)
        let scheduled = try #require(log.first { $0.kind == .podScheduled && $0.pod == "waiting" })
        // Its one failed attempt was at 1 s, so its 1 s backoff ended at 2 s. kube-scheduler measures
        // backoff from the last attempt (`getBackoffTime` = Timestamp + backoff) and
        // MoveAllToActiveOrBackoffQueue moves a pod whose backoff has expired straight to the
        // active queue (pkg/scheduler/internal/queue/scheduling_queue.go): scheduled when "big" is
        // removed at 10 s, not a backoff later.
        #expect(scheduled.time == .seconds(10))
    }

    @Test("a failed node's deployment pods move elsewhere; bare pods fail; the node comes back")
    func nodeFailure() throws {
        var owned = Self.pod("owned", owner: "web")
        owned.nodeSelector = [:]
        var s = Self.scenario(nodes: [Self.node("a"), Self.node("b")],
                              pods: [.init(pod: owned), .init(pod: Self.pod("bare"))], scheduler: Self.onlyScore(.leastAllocated))
        s.pods[0].pod.requiredAffinity = []
        s.failures = []
        let (first, _) = try Self.run(s, until: .seconds(30))
        let ownedNode = try #require(first.node(of: "owned"))
        let bareNode = try #require(first.node(of: "bare"))
        s.failures = [.init(node: ownedNode, at: .seconds(30), recoversAt: .seconds(100))]
        if bareNode != ownedNode { s.failures.append(.init(node: bareNode, at: .seconds(30), recoversAt: .seconds(100))) }
        let (sim, log) = try Self.run(s, until: .seconds(60))
        #expect(log.contains { $0.kind == .podLost && $0.pod == "owned" })
        #expect(sim.phase(of: "bare") == .failed)
        if bareNode == ownedNode {
            #expect(sim.phase(of: "owned") == .ready)
            #expect(sim.node(of: "owned") != ownedNode)
        } else {
            // Both nodes down: the replacement waits until a node recovers.
            #expect(sim.phase(of: "owned") == .pending)
        }
        let (later, laterLog) = try Self.run(s, until: .seconds(200))
        #expect(later.phase(of: "owned") == .ready)
        #expect(laterLog.contains { $0.kind == .nodeRecovered })
    }

    @Test("the second node's pull comes from main storage, not the registry")
    func storageCache() throws {
        var s = Self.scenario(nodes: [Self.node("a"), Self.node("b")],
                              pods: [.init(pod: Self.pod("p1")), .init(pod: Self.pod("p2"), at: .seconds(30))], scheduler: Self.onlyScore(.spread))
        s.pods[0].pod.nodeSelector = ["kubernetes.io/hostname": "a"]
        s.pods[1].pod.nodeSelector = ["kubernetes.io/hostname": "b"]
        s.storage = StorageSpec(bandwidth: 1000 * Double(Units.MB), capacityBytes: 10 * Units.GB, roundTrip: 0.001)
        let (sim, log) = try Self.run(s)
        #expect(log.filter { $0.kind == .pullFinished }.map { $0.source ?? "" } == ["registry", "storage"])
        #expect(sim.summary().storageHitRate == 0.5)
    }

    @Test("explain lists every filter verdict and the scores")
    func explain() throws {
        var s = Self.scenario(nodes: [Self.node("small", cpu: 1000), Self.node("big"), Self.node("arm", arch: .aarch64)],
                              pods: [.init(pod: Self.pod("p", cpu: 2000))])
        s.pods[0].at = .seconds(1000)
        let (sim, _) = try Self.run(s, until: .seconds(1))
        let e = try #require(sim.explain(pod: "p"))
        #expect(e.chosen == "big")
        #expect(e.verdicts.first { $0.node == "small" }?.rejection?.plugin == .nodeResourcesFit)
        #expect(e.verdicts.first { $0.node == "arm" }?.rejection?.plugin == .imageArchitecture)
        #expect(e.verdicts.first { $0.node == "big" }?.scores.count == 5)
        #expect(e.description.contains("1 of 3 nodes pass every filter"))
    }

    @Test("kube-scheduler's number of feasible nodes to find")
    func nodesToScore() {
        let p = SchedulerProfile()
        #expect(p.feasibleNodesToFind(of: 50) == 50)
        #expect(p.feasibleNodesToFind(of: 1000) == 420)  // 50 - 1000/125 = 42 %
        #expect(p.feasibleNodesToFind(of: 5000) == 500)  // 10 %
        #expect(p.feasibleNodesToFind(of: 100_000) == 5000)  // floor of 5 %
    }
}

final class EventLog: @unchecked Sendable {
    var records: [ClusterEventRecord] = []
}

@Suite("Images in several registries")
struct MultiRegistryTests {
    @Test("pulls spread over the registries that hold an image, by their load")
    func spread() throws {
        let image = ImageSpec(name: "app", variants: [.x86_64: [.init(digest: "a", sizeBytes: 100 * Units.MB)]], registries: ["eu", "us"])
        let nodes = (0..<4).map { ClusterSimulatorTests.node("n\($0)") }
        let pods = (0..<4).map { i -> ClusterScenario.PodArrival in
            var p = ClusterSimulatorTests.pod("p\(i)", image: "app")
            p.nodeSelector = ["kubernetes.io/hostname": "n\(i)"]
            return .init(pod: p)
        }
        let s = ClusterScenario(nodes: nodes, registries: [RegistrySpec(name: "eu", bandwidth: 100 * Double(Units.MB), roundTrip: 0.01),
                                                           RegistrySpec(name: "us", bandwidth: 100 * Double(Units.MB), roundTrip: 0.01)],
                                images: [image], pods: pods, scheduler: SchedulerProfile(schedulingLatency: 0))
        let (sim, log) = try ClusterSimulatorTests.run(s)
        let sources = log.filter { $0.kind == .pullFinished }.compactMap(\.source)
        #expect(sources.filter { $0 == "eu" }.count == 2)
        #expect(sources.filter { $0 == "us" }.count == 2)
        #expect(sim.summary().readyPods == 4)
    }
}
