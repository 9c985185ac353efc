import Cluster
import Simulation
import Testing

/// Kubelet image pulls, containerd unpacking and image GC against hand-computed timings. The
/// test cluster: node link 100 MB/s, registry 1000 MB/s with a 50 ms round trip, unpacking at
/// 200 MB/s.
@Suite("Image pulls and GC")
struct ImagePullTests {
    typealias C = ClusterSimulatorTests

    static func imageReady(_ log: [ClusterEventRecord], _ pod: String) -> Double? {
        log.first { $0.kind == .imageReady && $0.pod == pod }?.time.seconds
    }

    /// kubelet `serializeImagePulls: true` (the default, pkg/kubelet/images/puller.go
    /// serialImagePuller): one image at a time. Two 100 MB images bound at 0 s: a takes 0.05 s
    /// round trip + 1 s transfer + 0.5 s unpack = 1.55 s; b starts then and is ready at 3.10 s.
    /// With pulls in parallel both share the link at 50 MB/s: 0.05 + 2 + 0.5 = 2.55 s each.
    @Test("pulls are serialised per node by default; maxParallelImagePulls allows more",
          arguments: [(ClusterScenario.KubeletConfig(), 1.55, 3.10),
                      (ClusterScenario.KubeletConfig(serializeImagePulls: false, maxParallelImagePulls: 2), 2.55, 2.55),
                      (ClusterScenario.KubeletConfig.allAtOnce, 2.55, 2.55)])
    func serialisedPulls(kubelet: ClusterScenario.KubeletConfig, a: Double, b: Double) throws {
        var s = C.scenario(nodes: [C.node("n")], pods: [.init(pod: C.pod("pa", image: "a")), .init(pod: C.pod("pb", image: "b"))],
                           images: [.single("a", sizes: [.x86_64: 100 * Units.MB]), .single("b", sizes: [.x86_64: 100 * Units.MB])])
        s.kubelet = kubelet
        s.kubelet.extractionBytesPerSecond = 200 * Double(Units.MB)
        let (_, log) = try C.run(s)
        #expect(abs((Self.imageReady(log, "pa") ?? -1) - a) < 1e-5)
        #expect(abs((Self.imageReady(log, "pb") ?? -1) - b) < 1e-5)
    }

    /// containerd downloads an image's layers in parallel but unpacks them in order
    /// (core/unpack/unpacker.go applies each layer on its parent). Layers 100 MB then 20 MB share
    /// the link at 50 MB/s: the 20 MB one is down at 0.05 + 0.4 = 0.45 s, the 100 MB one at
    /// 0.45 + 80 MB / 100 MB/s = 1.25 s. In order: unpack 100 MB 1.25 → 1.75 s, then 20 MB
    /// → 1.85 s. Unpacking each layer when it arrives: the image is ready at 1.75 s.
    @Test("layers download in parallel and unpack in layer order", arguments: [(true, 1.85), (false, 1.75)])
    func orderedExtraction(ordered: Bool, ready: Double) throws {
        let image = ImageSpec(name: "app", variants: [.x86_64: [.init(digest: "base", sizeBytes: 100 * Units.MB),
                                                               .init(digest: "top", sizeBytes: 20 * Units.MB)]])
        var s = C.scenario(nodes: [C.node("n")], pods: [.init(pod: C.pod("p"))], images: [image])
        s.kubelet.orderedExtraction = ordered
        let (_, log) = try C.run(s)
        #expect(abs((Self.imageReady(log, "p") ?? -1) - ready) < 1e-5)
    }

    /// kubelet image GC (pkg/kubelet/images/image_gc_manager.go): it runs every ImageGCPeriod
    /// (5 min) and skips images younger than imageMinimumGCAge (2 min, from first detection).
    /// 1000 MB disk; a 500 MB image pulled at `pullA` (ready 5.55 s later) and its pod deleted
    /// 10 s after; a 400 MB image pulled 20 s after that makes 900 MB > 85 %. GC at 300 s evicts
    /// the first image if it is at least 2 min old then; otherwise the next run, at 600 s, does.
    @Test("image GC runs on its period and spares layers younger than the minimum age", arguments: [(0.0, 300.0), (250.0, 600.0)])
    func gcPeriodAndAge(pullA: Double, evictedAt: Double) throws {
        var s = C.scenario(nodes: [C.node("n", disk: 1000 * Units.MB)],
                           pods: [.init(pod: C.pod("pa", image: "a"), at: .seconds(pullA)), .init(pod: C.pod("pb", image: "b"), at: .seconds(pullA + 20))],
                           images: [.single("a", sizes: [.x86_64: 500 * Units.MB]), .single("b", sizes: [.x86_64: 400 * Units.MB])])
        s.deletions = [.init(pod: "pa", at: .seconds(pullA + 10))]
        let (_, log) = try C.run(s, until: .seconds(700))
        let evictions = log.filter { $0.kind == .layerEvicted }
        #expect(evictions.count == 1)
        #expect(evictions.first?.time == .seconds(evictedAt))
        #expect(evictions.first?.image == "a@500000000")
    }

    @Test("a disk filled by running pods keeps no GC pending: a run without a time limit ends")
    func gcEndsWhenNothingCanGo() throws {
        // 950 MB of 1 GB held by a running pod: above the 85 % threshold with nothing to evict.
        let s = C.scenario(nodes: [C.node("n", disk: 1000 * Units.MB)], pods: [.init(pod: C.pod("pa", image: "a"), at: .zero)],
                           images: [.single("a", sizes: [.x86_64: 950 * Units.MB])])
        var sim = try ClusterSimulator(scenario: s)
        var events = 0
        sim.run(every: 1) { _ in
            events += 1
            return events < 1_000_000
        }
        #expect(events < 100, "a run to infinity must end; \(events) events")
        #expect(sim.phase(of: "pa") == .ready)
    }
}
