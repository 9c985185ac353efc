import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

@Suite("Scenario files")
struct ScenarioFileTests {
    static func problems(_ text: String) -> [ScenarioError.Problem] {
        do {
            _ = try ScenarioFile.parse(text, file: "s.yaml")
            return []
        } catch let error as ScenarioError {
            return error.problems
        } catch {
            return [.init(message: "\(error)", path: "", mark: nil, hint: nil, file: "")]
        }
    }

    static let minimal = """
        nodePools:
          - name: n
            count: 2
        images:
          - name: app
            size: 100MB
        deployments:
          - name: web
            image: app
            replicas: 3
        """

    @Test("a minimal scenario reads with defaults")
    func minimal() throws {
        let s = try ScenarioFile.parse(Self.minimal, file: "s.yaml")
        #expect(s.cluster.nodes.map(\.name) == ["n-0", "n-1"])
        #expect(s.cluster.pods.map(\.pod.name) == ["web-0", "web-1", "web-2"])
        #expect(s.cluster.images.first?.size(for: .x86_64) == 100 * Units.MB)
        #expect(s.name == "s.yaml")
    }

    @Test("every problem is reported with line, column, field and hint")
    func problems() {
        let text = """
            nodePools:
              - name: edge
                type: rpi5
                count: -2
            images:
              - name: app
                size: lots
            deployments:
              - name: web
                image: ap
                replicaz: 3
                startup: soon
            failures:
              - node: nowhere
                at: 10s
            """
        let p = Self.problems(text)
        let messages = p.map(\.message)
        #expect(messages.contains("unknown device type 'rpi5'"))
        #expect(messages.contains { $0.hasPrefix("'count' must be a whole number") })
        #expect(messages.contains { $0.hasPrefix("'size' must be a size") })
        #expect(messages.contains("'web' uses unknown image 'ap'"))
        #expect(messages.contains("unknown field 'replicaz'"))
        #expect(messages.contains { $0.hasPrefix("'startup' must be a duration") })
        #expect(messages.contains("failure names unknown node 'nowhere'"))
        let typo = p.first { $0.message == "unknown field 'replicaz'" }
        #expect(typo?.hint == "did you mean 'replicas'?")
        #expect(typo?.mark?.line == 11)
        #expect(typo?.description.hasPrefix("s.yaml:11:") == true)
        let image = p.first { $0.message.contains("unknown image") }
        #expect(image?.hint == "did you mean 'app'?")
    }

    @Test("malformed YAML is reported with its position")
    func syntax() {
        let p = Self.problems("nodePools: [\n  {name: a\n")
        #expect(p.count == 1)
        #expect(p.first?.mark != nil)
    }

    @Test("quantities", arguments: [
        ("250ms", 0.25), ("2m", 120.0), ("1.5s", 1.5), ("3", 3.0), ("1h", 3600.0),
    ])
    func durations(text: String, seconds: Double) {
        #expect(QuantityParser.seconds(.string(text)) == seconds)
    }

    @Test("sizes and bandwidths")
    func sizes() {
        #expect(QuantityParser.bytes(.string("100MB")) == 100_000_000)
        let twoGi: Int64? = QuantityParser.bytes(.string("2Gi"))
        #expect(twoGi == 2_147_483_648)
        #expect(QuantityParser.bandwidth(.string("1Gbps")) == 125_000_000)
        #expect(QuantityParser.bandwidth(.string("200MB/s")) == 200_000_000)
        #expect(QuantityParser.millicores(.string("500m")) == 500)
        #expect(QuantityParser.millicores(.double(1.5)) == 1500)
        #expect(QuantityParser.fraction(.string("85%")) == 0.85)
        #expect(QuantityParser.bytes(.string("-1MB")) == nil)
    }

    @Test("the raith21 catalogue expands to its 100 devices")
    func catalogue() throws {
        let s = try ScenarioFile.parse("nodePools: [{catalogue: raith21}]\nimages: [{name: a, size: 1MB}]", file: "s.yaml")
        #expect(s.cluster.nodes.count == 100)
        #expect(s.cluster.nodes.filter { $0.deviceType == "xeoncpu" }.count == 63)
        #expect(s.cluster.nodes.filter { $0.architecture == .aarch64 }.count == 10)
    }

    @Test("scheduler profile, kubelet and failures are read")
    func profile() throws {
        let text = Self.minimal + """

            scheduler:
              filters: [NodeResourcesFit, MaxPods]
              scores: {LeastAllocated: 2, Spread: 1}
              percentageOfNodesToScore: 50
              schedulingLatency: 2ms
            kubelet:
              imageGC: {high: 90%, low: 70%}
            failures:
              - {node: n-1, at: 30s, recoverAt: 1m}
            """
        let s = try ScenarioFile.parse(text, file: "s.yaml")
        #expect(s.cluster.scheduler.filters == [.nodeResourcesFit, .maxPods])
        #expect(s.cluster.scheduler.scores == [.init(.leastAllocated, weight: 2), .init(.spread, weight: 1)])
        #expect(s.cluster.scheduler.schedulingLatency == 0.002)
        #expect(s.cluster.kubelet.imageGCHighThreshold == 0.9)
        #expect(s.cluster.failures.first?.recoversAt == .seconds(60))
    }

    @Test("kubelet pull and GC settings are read, with positioned errors")
    func kubeletPulls() throws {
        // Defaults as the kubelet's: serialised pulls, ImageGCPeriod 5 min, imageMinimumGCAge 2 min.
        let defaults = try ScenarioFile.parse(Self.minimal, file: "s.yaml").cluster.kubelet
        #expect(defaults.serializeImagePulls && defaults.parallelImagePulls == 1 && defaults.orderedExtraction)
        #expect(defaults.imageGCPeriod == 300 && defaults.imageMinimumGCAge == 120)
        let text = Self.minimal + """

            kubelet:
              serializeImagePulls: false
              maxParallelImagePulls: 3
              orderedExtraction: false
              imageGC: {period: 1m, minimumAge: 30s}
            """
        let k = try ScenarioFile.parse(text, file: "s.yaml").cluster.kubelet
        #expect(!k.serializeImagePulls && k.parallelImagePulls == 3 && !k.orderedExtraction)
        #expect(k.imageGCPeriod == 60 && k.imageMinimumGCAge == 30)
        let lines = Self.minimal.split(separator: "\n", omittingEmptySubsequences: false).count
        let bad = Self.problems(Self.minimal + """

            kubelet:
              maxParallelImagePulls: 2
              serializeImagePulls: maybe
            """)
        #expect(bad.count == 2)
        let limit = try #require(bad.first { $0.message.contains("maxParallelImagePulls needs serializeImagePulls: false") })
        #expect(limit.mark?.line == lines + 2)
        let flag = try #require(bad.first { $0.message.contains("serializeImagePulls is true or false") })
        #expect(flag.mark?.line == lines + 3)
        #expect(Self.problems(Self.minimal + "\nkubelet: {serializeImagePulls: false, maxParallelImagePulls: 0}\n").count == 1)
    }
}

/// Consistency checks: each scenario has a knob calibrated to one published figure (see the
/// README), and these check that the model composes it into the other published figures.
@Suite("Fidelity scenarios (consistency checks)")
struct FidelityScenarioTests {
    static func run(_ name: String) throws -> ClusterSummary {
        let file = try ScenarioFile.load(path: Fixtures.packageRoot.appendingPathComponent("scenarios/\(name).yaml").path)
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.run(until: file.until ?? .infinity)
        return sim.summary()
    }

    @Test("node density: median image pull ≈2 s, container start ≈1 s, startup ≈3 s (kubelet PR #112954)")
    func nodeDensity() throws {
        let s = try Self.run("node-density")
        #expect(s.readyPods == 100)
        #expect(abs(s.podImagePull.p50 - 2.0) < 0.2)
        #expect(abs(s.containerStart.p50 - 1.0) < 0.1)
        #expect(abs(s.podStartup.p50 - 3.0) < 0.3)
        #expect(s.layerPulls == 1)  // one pull shared by the 100 pods
    }

    @Test("DADI scale: lazy loading starts 10,000 containers in about 4 s; full pulls take 8x longer")
    func dadi() throws {
        let lazy = try Self.run("dadi-scale-lazy")
        let full = try Self.run("dadi-scale")
        #expect(lazy.readyPods == 10_000 && full.readyPods == 10_000)
        let lazyReady = try #require(lazy.timeToAllReady).seconds
        let fullReady = try #require(full.timeToAllReady).seconds
        #expect(lazyReady > 3 && lazyReady < 6)
        #expect(fullReady / lazyReady > 8)
        #expect(full.layerPulls == 1000)  // one pull per host, not per container
    }
}

@Suite("Held-out comparisons")
struct HeldOutScenarioTests {
    /// uber/kraken README, "Benchmark": a 3G image with 2 layers downloaded by 2600 hosts
    /// concurrently, 300MB/s speed limit on all agents. Published: p50 = 10 s, p99 = 18 s.
    /// The scenario holds only the set-up; the tolerance (15 % on the p50) was fixed before
    /// the first run.
    @Test("Kraken benchmark: 2600 hosts pull a 3 GB, 2-layer image at 300 MB/s; blob download p50 within 15 % of the published 10 s")
    func heldOutKraken() throws {
        let published = (p50: 10.0, p99: 18.0)
        let tolerance = 0.15
        let s = try FidelityScenarioTests.run("kraken-benchmark")
        #expect(s.readyPods == 2600)
        #expect(s.layerPulls == 2600 * 2)  // the README's 5200 blob downloads
        #expect(abs(s.layerPullDuration.p50 - published.p50) <= tolerance * published.p50,
                "simulated p50 \(s.layerPullDuration.p50) s")
        // The tail is not reproduced: the model has no bandwidth variation between hosts and no
        // peer selection, so every blob takes about as long as the median (see README).
        #expect(s.layerPullDuration.p99 < published.p99)
    }
}

@Suite("Event logs and reports")
struct EventLogTests {
    @Test("the CSV and JSON Lines logs are the same bytes for the same seed")
    func deterministicLogs() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let file = try ScenarioFile.parse(ScenarioFileTests.minimal + "\nseed: 5\n", file: "s.yaml")
        var texts: [String] = []
        for (i, format) in [EventLogWriter.Format.csv, .csv, .jsonl].enumerated() {
            let path = dir.appendingPathComponent("log\(i).\(format.rawValue)").path
            let writer = try EventLogWriter(path: path, format: format)
            var sim = try ClusterSimulator(scenario: file.cluster)
            sim.onEvent = { writer.write($0) }
            sim.run()
            try writer.finish()
            texts.append(try String(contentsOfFile: path, encoding: .utf8))
        }
        #expect(texts[0] == texts[1])
        #expect(texts[0].hasPrefix("time,event,pod,node,image,bytes,duration,source,detail\n"))
        #expect(texts[0].contains(",pod-ready,web-0,"))
        let lines = texts[2].split(separator: "\n")
        #expect(lines.count == texts[0].split(separator: "\n").count - 1)
        for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
    }

    @Test("CSV fields with commas and quotes are escaped")
    func csvEscaping() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let path = dir.appendingPathComponent("e.csv").path
        let w = try EventLogWriter(path: path, format: .csv)
        w.write(ClusterEventRecord(time: .seconds(1), kind: .podUnschedulable, pod: "p", detail: "0/3 nodes: 2 Insufficient cpu, 1 \"x\""))
        try w.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\"0/3 nodes: 2 Insufficient cpu, 1 \"\"x\"\"\"\n"))
    }

    @Test("the JSON summary is deterministic and complete")
    func jsonSummary() throws {
        let file = try ScenarioFile.parse(ScenarioFileTests.minimal, file: "s.yaml")
        func once() throws -> String {
            var sim = try ClusterSimulator(scenario: file.cluster)
            sim.run()
            return try ClusterReport.json(sim.summary(), scenario: "s", seed: 1)
        }
        let a = try once()
        #expect(a == (try once()))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any])
        #expect((object["pods"] as? [String: Any])?["ready"] as? Int == 3)
        #expect(object["allReadySeconds"] is Double)
    }
}

@Suite("Shipped scenarios")
struct ShippedScenarioTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("scenarios")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test("the cluster-only scenarios in scenarios/clusters/ (for kubeprint serve --cluster) read, with their nodes")
    func clustersRead() throws {
        let clusters = Self.folder.appendingPathComponent("clusters")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: clusters.path)) ?? []).filter { $0.hasSuffix(".yaml") }
        #expect(!names.isEmpty)
        for name in names {
            let file = try ScenarioFile.load(path: clusters.appendingPathComponent(name).path)
            #expect(file.cluster.nodes.count >= 100, "\(name)")
            #expect(file.cluster.pods.isEmpty, "\(name): a cluster for serve declares no pods (serve ignores them)")
        }
    }

    @Test("every scenario in scenarios/ reads and runs")
    func allRun() throws {
        #expect(Self.files.count >= 5)
        // The DADI and Kraken scenarios run in the fidelity and held-out suites.
        for name in Self.files where !name.hasPrefix("dadi-") && !name.hasPrefix("kraken-") {
            let file = try ScenarioFile.load(path: Self.folder.appendingPathComponent(name).path)
            var sim = try ClusterSimulator(scenario: file.cluster)
            sim.run(until: file.until ?? .infinity)
            #expect(sim.summary().readyPods + sim.summary().removedPods > 0, "\(name)")
        }
    }

    @Test("the README's scenario example is scenarios/edge-demo.yaml")
    func readmeExample() throws {
        let readme = try Fixtures.text(Fixtures.packageRoot.appendingPathComponent("README.md"))
        let file = try Fixtures.text(Self.folder.appendingPathComponent("edge-demo.yaml"))
        let body = file.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        #expect(readme.contains("```yaml\n" + body + "```"))
    }

    @Test("the edge demo exercises joins, failures, deletions and GPU placement")
    func edgeDemo() throws {
        let file = try ScenarioFile.load(path: Self.folder.appendingPathComponent("edge-demo.yaml").path)
        var sim = try ClusterSimulator(scenario: file.cluster)
        sim.run(until: .seconds(200))
        // The GPU pool joins at 2 m: the inference pods wait for it, then land only there.
        let placed = (0..<6).compactMap { sim.node(of: "infer-\($0)") }
        #expect(!placed.isEmpty && placed.allSatisfy { $0.hasPrefix("gpu-") })
        #expect(Set(placed).count == placed.count)  // one GPU each
        sim.run(until: .seconds(600))
        let s = sim.summary()
        #expect(s.lostPods >= 1)
        #expect(s.removedPods == 6)
    }
}
