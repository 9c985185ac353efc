import Blueprint
import Cluster
import Foundation
import Manifests
import Simulation
import YAML

/// A generated solution (the folder `kubeprint convert` writes) read back for the playground:
/// its Deployments, claims and pipeline graph.
public struct SolutionManifests: Sendable {
    public struct Workload: Sendable, Hashable {
        public var name: String
        public var namespace: String?
        /// The blueprint's container name (from the `kubeprint/container-name` annotation).
        public var containerName: String
        public var image: String
        public var replicas: Int
        public var requests: Resources
        public var nodeSelector: [String: String]
        public var isOrchestrator: Bool
    }

    public var workloads: [Workload]
    public var claims: [String]
    /// The pipeline from `blueprint.json`; `nil` for a single model.
    public var graph: PipelineGraph?
    public var pipelineName: String

    /// Reads `DIR/deployments/*.yaml` and `DIR/blueprint.json`.
    /// - Throws: ``ScenarioError`` naming the file, line and column of each problem.
    public static func load(directory: String) throws -> SolutionManifests {
        let deployments = (directory as NSString).appendingPathComponent("deployments")
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: deployments) else {
            throw ScenarioError(problems: [.init(message: "'\(directory)' has no deployments/ folder", path: "", mark: nil,
                                                 hint: "give a folder written by kubeprint convert, or a blueprint.json", file: directory)])
        }
        var problems: [ScenarioError.Problem] = []
        var workloads: [Workload] = []
        var claims: [String] = []
        for name in files.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (deployments as NSString).appendingPathComponent(name)
            let document: YAMLDocument
            do {
                document = try YAMLParser().parseSingle(try String(contentsOfFile: path, encoding: .utf8))
            } catch let error as YAMLError {
                problems.append(.init(message: error.message, path: "", mark: error.mark, hint: nil, file: path))
                continue
            } catch {
                problems.append(.init(message: "cannot read: \(error.localizedDescription)", path: "", mark: nil, hint: nil, file: path))
                continue
            }
            let root = document.root
            switch root["kind"]?.string {
            case "Deployment":
                var r = ScenarioReader(document: document, file: path)
                if let w = readDeployment(root, reader: &r) { workloads.append(w) }
                problems += r.problems
            case "PersistentVolumeClaim":
                if let claim = root["metadata"]?["name"]?.string { claims.append(claim) }
            default:
                continue
            }
        }
        var graph: PipelineGraph?
        var pipelineName = (directory as NSString).lastPathComponent
        let blueprint = (directory as NSString).appendingPathComponent("blueprint.json")
        if FileManager.default.fileExists(atPath: blueprint) {
            do {
                let loaded = try BlueprintLoader.load(contentsOf: blueprint)
                graph = loaded.graph
                pipelineName = loaded.graph.name
            } catch let error as BlueprintError {
                problems += error.errors.map { .init(message: $0.message, path: $0.path, mark: $0.position.map { YAMLMark(line: $0.line, column: $0.column) },
                                                     hint: $0.hint, file: blueprint) }
            }
        }
        let pods = workloads.reduce(0) { $0 + $1.replicas }
        if pods > Limits.maxPods {
            problems.append(.init(message: "the Deployments ask for \(pods) replicas in all; at most \(Limits.maxPods)", path: "spec.replicas", mark: nil,
                                  hint: "lower spec.replicas", file: deployments))
        }
        if workloads.isEmpty && problems.isEmpty {
            problems.append(.init(message: "no Deployment in '\(deployments)'", path: "", mark: nil, hint: nil, file: deployments))
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return SolutionManifests(workloads: workloads, claims: claims, graph: graph, pipelineName: pipelineName)
    }

    /// The solution of a blueprint converted in memory, as `kubeprint convert` would write it.
    public static func from(_ manifests: ManifestSet, graph: PipelineGraph) throws -> SolutionManifests {
        var workloads: [Workload] = []
        var problems: [ScenarioError.Problem] = []
        for m in manifests.manifests where m.kind == .deployment {
            var r = ScenarioReader(document: YAMLDocument(root: m.object, marks: [:]), file: m.fileName)
            if let w = readDeployment(m.object, reader: &r) { workloads.append(w) }
            problems += r.problems
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        let claims = manifests.manifests.filter { $0.kind == .persistentVolumeClaim }.map(\.name)
        return SolutionManifests(workloads: workloads, claims: claims, graph: graph, pipelineName: graph.name)
    }

    /// A solution from Deployment objects (the live playground's), with the pipeline's graph.
    public static func from(deployments roots: [YAMLNode], claims: [String], graph: PipelineGraph?, name: String) throws -> SolutionManifests {
        var workloads: [Workload] = []
        var problems: [ScenarioError.Problem] = []
        for root in roots {
            var r = ScenarioReader(document: YAMLDocument(root: root, marks: [:]), file: root["metadata"]?["name"]?.string ?? "deployment")
            if let w = readDeployment(root, reader: &r) { workloads.append(w) }
            problems += r.problems
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return SolutionManifests(workloads: workloads, claims: claims, graph: graph, pipelineName: graph?.name ?? name)
    }

    static func readDeployment(_ root: YAMLNode, reader r: inout ScenarioReader) -> Workload? {
        guard let name = root["metadata"]?["name"]?.string else {
            r.fail("a Deployment without metadata.name", at: "metadata")
            return nil
        }
        let podSpec = root["spec"]?["template"]?["spec"]
        guard let container = podSpec?["containers"]?.sequence?.first, let image = container["image"]?.string else {
            r.fail("Deployment '\(name)' has no container image", at: "spec.template.spec.containers")
            return nil
        }
        var requests = Resources()
        if let req = container["resources"]?["requests"]?.mapping {
            let path = "spec.template.spec.containers[0].resources.requests"
            requests.cpuMillis = r.millicores(req, "cpu", at: path) ?? 0
            requests.memoryBytes = r.bytes(req, "memory", at: path) ?? 0
        }
        var replicas = 1
        if let spec = root["spec"]?.mapping, spec["replicas"] != nil {
            replicas = r.int(spec, "replicas", at: "spec", min: 0, max: Limits.maxReplicas) ?? 1
        }
        var selector: [String: String] = [:]
        for e in podSpec?["nodeSelector"]?.mapping ?? YAMLMapping() { selector[e.key] = e.value.string }
        let containerName = root["metadata"]?["annotations"]?["kubeprint/container-name"]?.string ?? name
        let component = root["metadata"]?["labels"]?["app.kubernetes.io/component"]?.string
        return Workload(name: name, namespace: root["metadata"]?["namespace"]?.string, containerName: containerName, image: image,
                        replicas: max(0, replicas), requests: requests, nodeSelector: selector,
                        isOrchestrator: component == "orchestrator" || name == PipelineNode.orchestratorName)
    }
}

/// How a solution runs on the playground: what the manifests do not say.
public struct PlaygroundOptions: Sendable {
    public var namespace: String
    /// Size of every container image (the manifests name images, not their sizes).
    public var imageSize: Int64 = 500 * Units.MB
    public var executionTime: Distribution = .lognormal(median: 0.05, sigma: 0.3, min: 0.005, max: 2)
    public var startup: Distribution = .lognormal(median: 1, sigma: 0.2, min: 0.3, max: 5)
    /// Model loading before a replica is ready.
    public var setup: Distribution = .constant(2)
    /// Requests a replica serves at once (gRPC servers handle several).
    public var workers = 4
    /// Pipeline runs (or requests, for a single model), their rate and start.
    public var runs = 100
    public var rate = 2.0
    public var start = 0.0

    public init(namespace: String) { self.namespace = namespace }
}

/// Puts a solution on the simulated cluster: each Deployment becomes a function with its
/// replicas, in a namespace; the blueprint's links become a pipeline that runs flow through.
public enum Playground {
    /// The default playground cluster: four 4-CPU / 8 GiB nodes and a 1 Gbit/s registry.
    public static func defaultCluster(seed: UInt64 = 1) -> ClusterScenario {
        let device = DeviceCatalogue.type(named: "cloud-small")
        let nodes = (0..<4).map { i in
            device?.node(named: "playground-\(i)") ?? NodeSpec(name: "playground-\(i)", capacity: Resources(cpuMillis: 4000, memoryBytes: 8 * Units.GiB))
        }
        return ClusterScenario(nodes: nodes, registries: [RegistrySpec(name: "registry", bandwidth: Units.gbps, roundTrip: 0.05)],
                               images: [], pods: [], seed: seed)
    }

    /// Adds the solution to `cluster`; returns the scenario and the name of the pipeline (or
    /// of the single model's function) the runs go to.
    public static func deploy(_ solution: SolutionManifests, on cluster: ClusterScenario, options: PlaygroundOptions) -> (ClusterScenario, target: String) {
        var scenario = cluster
        let ns = options.namespace
        var known = Set(scenario.images.map(\.name))
        for w in solution.workloads where !known.contains(w.image) {
            known.insert(w.image)
            scenario.images.append(.single(w.image, sizes: Dictionary(uniqueKeysWithValues: Architecture.allCases.map { ($0, options.imageSize) })))
        }
        var functionByContainer: [String: String] = [:]
        for w in solution.workloads {
            let name = "\(w.namespace ?? ns)/\(w.name)"
            functionByContainer[w.containerName] = name
            var requests = w.requests
            if requests.cpuMillis == 0 { requests.cpuMillis = 100 }
            scenario.functions.append(FunctionSpec(
                name: name, images: [FunctionImage(image: w.image, requests: requests, nodeSelector: w.nodeSelector)],
                behaviour: .httpWatchdog(workers: options.workers), defaultExecutionTime: options.executionTime,
                cpuPerInvocation: Double(requests.cpuMillis) / Double(max(1, options.workers)),
                lifecycle: LifecycleProfile(startup: options.startup, setup: w.isOrchestrator ? .constant(0) : options.setup),
                minReplicas: w.replicas, maxReplicas: max(1, w.replicas), scaler: .fixed))
        }
        let workload: (String) -> WorkloadSpec = {
            WorkloadSpec(function: $0, pattern: .poisson(rate: options.rate), start: options.start, maxRequests: options.runs)
        }
        guard let graph = solution.graph else {
            let target = scenario.functions.last?.name ?? ns
            scenario.workloads.append(workload(target))
            return (scenario, target)
        }
        var links: [String: [String]] = [:]
        for edge in graph.edges {
            guard let from = functionByContainer[edge.from], let to = functionByContainer[edge.to] else { continue }
            links[from, default: []].append(to)
        }
        let entries = graph.entryNodes.compactMap { functionByContainer[$0] }
        let pipeline = PipelineSpec(name: "\(ns)/\(graph.name)", entries: entries.isEmpty ? Array(links.keys.sorted().prefix(1)) : entries,
                                    links: links, hopLimit: max(8, 2 * graph.nodes.count))
        scenario.pipelines.append(pipeline)
        scenario.workloads.append(workload(pipeline.name))
        return (scenario, pipeline.name)
    }

    /// Deployments' readiness and the pipeline's runs, as text.
    public static func report(solution: SolutionManifests, simulator sim: ClusterSimulator, namespace: String) -> String {
        var lines = ["Playground namespace \(namespace): \(solution.workloads.count) deployments"
                     + (solution.claims.isEmpty ? "" : ", \(solution.claims.count) shared-folder claims (\(solution.claims.joined(separator: ", ")))")]
        let width = (solution.workloads.map(\.name.count).max() ?? 0) + 1
        for w in solution.workloads {
            let pods = (0..<w.replicas).map { "\(w.namespace ?? namespace)/\(w.name)-\($0)" }
            let ready = pods.filter { sim.phase(of: $0) == .ready }.count
            let nodes = Set(pods.compactMap { sim.node(of: $0) }).sorted().joined(separator: ", ")
            lines.append("  \(w.name.padded(to: width)) \(ready)/\(w.replicas) ready  image \(w.image)  on \(nodes.isEmpty ? "-" : nodes)")
        }
        for p in sim.pipelineSummaries() {
            lines.append("Pipeline \(p.name): \(p.runs) runs, \(p.completed) completed, \(p.failed) failed"
                         + (p.truncated > 0 ? ", \(p.truncated) cut at the hop limit (cyclic graph)" : ""))
            lines.append("  end-to-end   \(p.latency)")
            lines.append("  steps a run  p50 \(Int(p.steps.p50)), max \(Int(p.steps.max)) (calls to models per run)")
        }
        return lines.joined(separator: "\n")
    }
}

extension Playground {
    /// The replica pods of a solution's Deployments on the playground, by name.
    static func replicaPods(of solution: SolutionManifests, namespace: String) -> [String] {
        solution.workloads.flatMap { w in (0..<w.replicas).map { "\(w.namespace ?? namespace)/\(w.name)-\($0)" } }
    }

    /// When every Deployment of the solution is available (all its replicas ready) on
    /// `cluster`, in simulated seconds: a run of the rollout alone. `nil` when some replica
    /// never becomes ready (e.g. no node can hold it).
    public static func rolloutTime(of solution: SolutionManifests, on cluster: ClusterScenario, options: PlaygroundOptions) throws -> Double? {
        var (scenario, _) = deploy(solution, on: cluster, options: options)
        scenario.workloads = cluster.workloads
        var sim = try ClusterSimulator(scenario: scenario)
        final class Watch {
            var waiting: Set<String>
            var readyAt: Double?
            init(_ pods: [String]) { waiting = Set(pods) }
        }
        let watch = Watch(replicaPods(of: solution, namespace: options.namespace))
        guard !watch.waiting.isEmpty else { return 0 }
        sim.onEvent = { e in
            guard e.kind == .podReady, let pod = e.pod, watch.waiting.remove(pod) != nil, watch.waiting.isEmpty else { return }
            watch.readyAt = e.time.seconds
        }
        sim.run(every: 1) { _ in watch.readyAt == nil }
        return watch.readyAt
    }

    /// Why a deployment on the playground failed, one reason a line; empty when it worked:
    /// replicas that could not be placed or failed, and a pipeline (or model) whose runs
    /// were sent but none completed.
    public static func problems(solution: SolutionManifests, simulator sim: ClusterSimulator, options: PlaygroundOptions) -> [String] {
        var problems: [String] = []
        for pod in replicaPods(of: solution, namespace: options.namespace) {
            switch sim.phase(of: pod) {
            case .pending?:
                problems.append("pod \(pod) could not be placed: \(sim.failureReason(of: pod) ?? "no node accepted it")")
            case .failed?:
                problems.append("pod \(pod) failed: \(sim.failureReason(of: pod) ?? "unknown reason")")
            default:
                break
            }
        }
        guard options.runs > 0 else { return problems }
        if solution.graph != nil {
            for p in sim.pipelineSummaries() where p.name.hasPrefix(options.namespace + "/") && p.completed == 0 {
                problems.append("no run of pipeline \(p.name) completed (\(p.runs) sent, \(p.failed) failed)")
            }
        } else if let faas = sim.faasSummary() {
            let own = Set(solution.workloads.map { "\($0.namespace ?? options.namespace)/\($0.name)" })
            for f in faas.functions where own.contains(f.name) && f.requests > 0 && f.completed == 0 {
                problems.append("no request to \(f.name) completed (\(f.requests) sent, \(f.failed) failed)")
            }
        }
        return problems
    }
}
