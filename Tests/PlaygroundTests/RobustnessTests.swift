import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

/// Property tests: mutated scenario files and random small clusters never crash, and what
/// runs keeps its invariants.
@Suite("Robustness")
struct RobustnessTests {
    @Test("mutated scenario files parse or fail with positioned errors, never crash (2,000 cases)")
    func mutatedScenarios() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let sources = try names.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        var rng = SeededGenerator(seed: 11)
        let insertions = ["-", ":", " ", "\n", "{", "}", "[", "]", "#", "\"", "'", "&a", "*a", "!!int", "-5", "0", "1e400", "yes", "{i}", "count: 3"]
        var parsed = 0, refused = 0
        for _ in 0..<2000 {
            var text = Array(sources[Int(rng.next() % UInt64(sources.count))])
            for _ in 0..<(1 + Int(rng.next() % 4)) where !text.isEmpty {
                let at = Int(rng.next() % UInt64(text.count))
                switch rng.next() % 3 {
                case 0: text.remove(at: at)
                case 1: text.insert(contentsOf: insertions[Int(rng.next() % UInt64(insertions.count))], at: at)
                default: text[at] = Character(UnicodeScalar(UInt8(32 + rng.next() % 95)))
                }
            }
            do {
                _ = try ScenarioFile.parse(String(text), file: "m.yaml")
                parsed += 1
            } catch let error as ScenarioError {
                refused += 1
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { $0.description.hasPrefix("m.yaml") })
            }
        }
        #expect(parsed > 0 && refused > 0)
    }

    @Test("random small clusters with functions run to the end with their invariants (200 cases)")
    func randomClusters() throws {
        var rng = SeededGenerator(seed: 5)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        for case_ in 0..<200 {
            let nodeCount = 1 + Int(rng.next() % 4)
            var nodes = (0..<nodeCount).map { i in
                NodeSpec(name: "n\(i)", deviceType: pick(["a", "b"]), architecture: pick([.x86_64, .aarch64]),
                         capacity: Resources(cpuMillis: Int64(pick([1000, 2000, 4000])), memoryBytes: 4 * Units.GiB, gpus: Int32(pick([0, 1]))),
                         bandwidth: pick([10e6, 100e6]), diskBytes: pick([300 * Units.MB, 2 * Units.GB]))
            }
            if rng.next() % 3 == 0 { nodes[0].taints = [Taint(key: "x")] }
            let images = (0..<2).map { i in ImageSpec.single("img\(i)", sizes: [.x86_64: 100 * Units.MB, .aarch64: pick([50, 150]) * Units.MB]) }
            let scalers: [ScalerConfig] = [.fixed, .requestRate(threshold: 5, step: 1, interval: 5), .averageRequests(targetPerReplica: 5, window: 5),
                                           .hpa(metric: .concurrency, target: 2, syncPeriod: 5, stabilizationWindow: 30),
                                           .kpa(targetConcurrency: 2, utilization: 0.7, stableWindow: 20, panicWindowPercent: 10, panicThreshold: 2, scaleToZeroGrace: 5, tick: 2)]
            var functions: [FunctionSpec] = []
            var workloads: [WorkloadSpec] = []
            for f in 0..<(1 + Int(rng.next() % 3)) {
                var spec = FunctionSpec(name: "f\(f)", images: [FunctionImage(image: pick(["img0", "img1"]),
                                                                              requests: Resources(cpuMillis: Int64(pick([250, 500, 3000])), memoryBytes: 256 * Units.MiB, gpus: Int32(pick([0, 0, 1]))))],
                                        behaviour: pick([.httpWatchdog(workers: 1), .httpWatchdog(workers: 4), .forking(forkOverhead: 0.01)]),
                                        defaultExecutionTime: pick([.exponential(mean: 0.2), .constant(1), .lognormal(median: 0.1, sigma: 1)]),
                                        minReplicas: pick([0, 1]), maxReplicas: pick([1, 3]), scaler: pick(scalers))
                if rng.next() % 2 == 0 { spec.timeout = 0.5 }
                if rng.next() % 2 == 0 { spec.memoryLimit = 200 * Units.MiB; spec.memoryPerInvocation = .uniform(min: 1e8, max: 3e8) }
                // The HPA needs minReplicas ≥ 1, as the Kubernetes API validates it.
                if case .hpa = spec.scaler { spec.minReplicas = 1 }
                if spec.minReplicas == 0 { spec.keepAlive = 10 }
                if rng.next() % 2 == 0 { spec.images.append(FunctionImage(image: "img0", requests: Resources(cpuMillis: 100))) }
                functions.append(spec)
                workloads.append(WorkloadSpec(function: spec.name, pattern: pick([.poisson(rate: 5), .constant(rate: 2), .bursts(base: 1, burstRate: 20, every: 20, burstLength: 3)]),
                                              start: pick([0, 5]), duration: 40))
            }
            var scenario = ClusterScenario(nodes: nodes, registries: [RegistrySpec(name: "r", bandwidth: 50e6)], storage: rng.next() % 2 == 0 ? StorageSpec() : nil,
                                           images: images, pods: [], seed: rng.next())
            scenario.functions = functions
            scenario.workloads = workloads
            if nodeCount > 1 { scenario.failures = [.init(node: "n1", at: .seconds(10), recoversAt: rng.next() % 2 == 0 ? .seconds(30) : nil)] }
            scenario.scaleCommands = rng.next() % 3 == 0 ? [ScaleCommand(function: "f0", at: 15, replicas: 2)] : []
            var sim = try ClusterSimulator(scenario: scenario)
            sim.run(until: .seconds(600))
            let s = try #require(sim.faasSummary())
            for f in s.functions {
                #expect(f.completed + f.failed == f.requests, "case \(case_) \(f.name): \(f.requests) requests, \(f.completed) completed, \(f.failed) failed")
                #expect(f.latency.count == f.completed)
            }
            // The totals benchmarks print are the summary's.
            let totals = try #require(sim.faasTotals())
            #expect(totals.completed == s.completed && totals.failed == s.failed && totals.latency == s.latency, "case \(case_)")
            #expect(totals.finalReplicas == s.functions.reduce(0) { $0 + $1.finalReplicas } && totals.scalingDecisions == s.scalingDecisions)
            #expect(sim.utilizationTimeline.allSatisfy { $0.max <= 1 && $0.mean >= 0 }, "case \(case_)")
            #expect(sim.replicaTimeline.allSatisfy { $0.ready <= $0.replicas && $0.replicas >= 0 }, "case \(case_)")
            #expect(s.energyJoules >= 0)
        }
    }
}
