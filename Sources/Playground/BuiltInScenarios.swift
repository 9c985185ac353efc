import Cluster
import Simulation

/// Scenarios built in code: the scheduler benchmark and the fidelity checks.
public enum BuiltInScenarios {
    /// A large mixed cluster for the scheduler / startup benchmark: `nodes` nodes of three
    /// sizes, `images` images (one shared base layer plus their own), `pods` pods in
    /// deployments of 100 with mixed requests; about 1 % ask for what no node has.
    public static func scale(nodes nodeCount: Int, pods podCount: Int, images imageCount: Int = 20, seed: UInt64 = 1) -> ClusterScenario {
        var rng = RandomSource(seed: seed)
        let shapes: [(cpu: Int64, memory: Int64, weight: Int)] = [(4000, 8 * Units.GiB, 5), (8000, 32 * Units.GiB, 3), (16000, 64 * Units.GiB, 2)]
        var nodes: [NodeSpec] = []
        nodes.reserveCapacity(nodeCount)
        for i in 0..<nodeCount {
            let pick = Int(rng.next() % 10)
            let shape = pick < 5 ? shapes[0] : (pick < 8 ? shapes[1] : shapes[2])
            nodes.append(NodeSpec(name: "node-\(i)", deviceType: "cloud-\(shape.cpu / 1000)cpu",
                                  capacity: Resources(cpuMillis: shape.cpu, memoryBytes: shape.memory),
                                  bandwidth: Units.gbps, diskBytes: 200 * Units.GB,
                                  labels: ["zone": "zone-\(i % 4)"], maxPods: 110))
        }
        let base = ImageSpec.Layer(digest: "sha256:base-runtime", sizeBytes: 80 * Units.MB)
        var images: [ImageSpec] = []
        for i in 0..<imageCount {
            let own = Int64(20 + Int(rng.next() % 400)) * Units.MB
            images.append(ImageSpec(name: "fn-\(i)", variants: [.x86_64: [base, .init(digest: "sha256:fn-\(i)", sizeBytes: own)]],
                                    registries: ["registry"]))
        }
        let requests: [(Int64, Int64)] = [(100, 128 * Units.MiB), (250, 256 * Units.MiB), (500, 512 * Units.MiB),
                                          (1000, 1 * Units.GiB), (2000, 2 * Units.GiB)]
        var pods: [ClusterScenario.PodArrival] = []
        pods.reserveCapacity(podCount)
        for i in 0..<podCount {
            let deployment = i / 100
            let (cpu, memory) = requests[deployment % requests.count]
            var spec = PodSpec(name: "pod-\(i)", owner: "deploy-\(deployment)", image: "fn-\(deployment % imageCount)",
                               requests: Resources(cpuMillis: cpu, memoryBytes: memory),
                               lifecycle: LifecycleProfile(startup: .lognormal(median: 1, sigma: 0.2, min: 0.3, max: 5),
                                                           setup: .constant(0.5)))
            if i % 100 == 99 { spec.requests.gpus = 1 }  // no node has a GPU: stays pending
            // Arrivals spread over the first minute, as a rollout would create them.
            pods.append(.init(pod: spec, at: .seconds(Double(i) / Double(max(1, podCount)) * 60)))
        }
        return ClusterScenario(
            nodes: nodes, registries: [RegistrySpec(name: "registry", bandwidth: 10 * Units.gbps, roundTrip: 0.05)],
            storage: StorageSpec(bandwidth: 40 * Units.gbps, capacityBytes: 2000 * Units.GB, roundTrip: 0.002),
            images: images, pods: pods,
            scheduler: SchedulerProfile(schedulingLatency: 0), seed: seed)
    }
}

extension BuiltInScenarios {
    /// faas-sim's parametrised benchmark (bench_faassim.py, synthetic mode), rebuilt: `nodes`
    /// identical nodes (4 CPU, 8 GiB, x86, 1 Gbit/s links, 10 Gbit/s uplink), `functions`
    /// functions with one 100 MB image each (500m CPU, 256 MiB), an HTTP watchdog with 4
    /// workers, exponential execution time with mean 0.1 s, 1 s startup, Poisson load split
    /// evenly, the average-requests scaler (10 s window, 20 req/s per replica, max 50), run
    /// until every request has completed.
    /// faas-sim's synthetic benchmark, by default under the faas-sim profile (its load start,
    /// placement, pulls and scaler; ``Compatibility``).
    public static func faasSimBenchmark(nodes nodeCount: Int, functions functionCount: Int, requests: Int, rate: Double, seed: UInt64 = 1,
                                        compatibility: Compatibility = .faasSim) -> ClusterScenario {
        let nodes = (0..<nodeCount).map { i in
            NodeSpec(name: "node-\(i)", capacity: Resources(cpuMillis: 4000, memoryBytes: 8 * Units.GiB),
                     bandwidth: Units.gbps, diskBytes: 100 * Units.GB)
        }
        var images: [ImageSpec] = []
        var functions: [FunctionSpec] = []
        var workloads: [WorkloadSpec] = []
        let perFunction = requests / max(1, functionCount)
        for f in 0..<functionCount {
            let name = "fn-\(f)"
            images.append(.single("image-\(f)", sizes: [.x86_64: 100 * Units.MB]))
            functions.append(FunctionSpec(
                name: name, images: [FunctionImage(image: "image-\(f)", requests: Resources(cpuMillis: 500, memoryBytes: 256 * Units.MiB))],
                behaviour: .httpWatchdog(workers: 4), defaultExecutionTime: .exponential(mean: 0.1),
                lifecycle: LifecycleProfile(startup: .constant(1)), minReplicas: 1, maxReplicas: 50,
                scaler: .averageRequests(targetPerReplica: 20, window: 10)))
            let extra = f < requests % max(1, functionCount) ? 1 : 0
            workloads.append(WorkloadSpec(function: name, pattern: .poisson(rate: rate / Double(max(1, functionCount))), maxRequests: perFunction + extra))
        }
        var scenario = ClusterScenario(
            nodes: nodes, registries: [RegistrySpec(name: "registry", bandwidth: 10 * Units.gbps, roundTrip: 0.001)],
            images: images, pods: [], scheduler: SchedulerProfile(schedulingLatency: 0), seed: seed)
        scenario.functions = functions
        scenario.workloads = workloads
        if compatibility == .faasSim { scenario.useFaaSSimProfile() }
        return scenario
    }
}

extension BuiltInScenarios {
    public static let names = ["edge-ai"]

    /// The Raith21-like edge AI scenario: the 100-device cluster, the five AI functions, and
    /// faas-sim's "mixed" constant benchmark (Poisson 50 req/s per inference function, 0.1 req/s
    /// training, 1 req/s preprocessing, 200 s), with Knative-style concurrency scaling.
    public static func edgeAI(seed: UInt64 = 1234) -> ScenarioFile {
        var nodes: [NodeSpec] = []
        for (type, count) in DeviceCatalogue.raith21Counts {
            guard let device = DeviceCatalogue.type(named: type) else { continue }
            for k in 0..<count { nodes.append(device.node(named: "\(type)-\(k)")) }
        }
        let profiles = FunctionCatalogue.profiles
        var scenario = ClusterScenario(
            nodes: nodes, registries: [RegistrySpec(name: "registry", bandwidth: 1 * Units.gbps, roundTrip: 0.05)],
            storage: StorageSpec(bandwidth: 10 * Units.gbps, capacityBytes: 500 * Units.GB, roundTrip: 0.002),
            images: profiles.flatMap(\.images), pods: [], scheduler: SchedulerProfile(), seed: seed)
        // Concurrency-aware scaling (Knative's KPA, 4 requests per replica as the watchdog has
        // 4 workers): the request-rate targets of faas-sim overload the slow edge devices.
        scenario.functions = profiles.map { profile in
            var f = profile.function
            f.scaler = .kpa(targetConcurrency: 4, utilization: 0.7, stableWindow: 60, panicWindowPercent: 10, panicThreshold: 2,
                            scaleToZeroGrace: 30, tick: 2)
            f.maxReplicas = 30
            return f
        }
        let rates: [String: Double] = ["resnet50-inference": 50, "mobilenet-inference": 50, "speech-inference": 50,
                                       "resnet50-training": 0.1, "resnet50-preprocessing": 1]
        scenario.workloads = profiles.map { WorkloadSpec(function: $0.function.name, pattern: .poisson(rate: rates[$0.function.name] ?? 1),
                                                         start: 10, duration: 200) }
        return ScenarioFile(name: "edge-ai", cluster: scenario, until: nil)
    }
}
