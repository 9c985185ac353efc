import Blueprint
import Cluster
import Foundation
import Playground
import Simulation
import YAML

/// Pipeline runs on the playground, as the AI4EU orchestrator client sends them: along the
/// blueprint's links to the namespace's Deployments, through the existing pipeline model.
///
/// The runs are simulated on a copy of the namespace's Deployments (their replicas, images,
/// requests and the `kubeprint.io/exec-time` annotation) on the playground's nodes, starting
/// once every Deployment of the copy is available; the live cluster itself is not changed.
extension APIState {
    func pipelineRuns(namespace ns: String, body: JSONObject) throws(APIError) -> JSONValue {
        guard store.get(.namespaces, "", ns) != nil else { throw APIError.notFound(.namespaces, ns) }
        let deployments = store.list(.deployments, namespace: ns).map(\.object)
        guard !deployments.isEmpty else {
            throw APIError(code: 409, reason: "Conflict", message: "namespace \(ns) has no Deployments to run; deploy the solution first (deploy.sh -n \(ns))")
        }
        var warnings: [String] = []
        var graph: PipelineGraph?
        if let blueprint = body["blueprint"], blueprint != .null {
            do {
                let loaded = try BlueprintLoader.load(text: JSONWriter().write(blueprint), file: "blueprint.json")
                graph = loaded.graph
            } catch let e as BlueprintError {
                throw APIError.badRequest("blueprint.json is not valid: " + e.errors.prefix(5).map(\.message).joined(separator: "; "))
            } catch {
                throw APIError.badRequest("blueprint.json is not valid: \(error)")
            }
        } else {
            warnings.append("no blueprint.json was sent: runs go to one model only")
        }
        let runs = body["runs"]?.int ?? 100
        let rate = Double(Quantity.text(body["rate"]) ?? "2") ?? 2
        guard (0...Limits.maxRequests).contains(runs) else { throw APIError.badRequest("runs must be 0–\(Limits.maxRequests), not \(runs)") }
        guard rate > 0, rate <= Limits.maxRate else { throw APIError.badRequest("rate must be a positive number of runs per second, at most \(Int(Limits.maxRate))") }
        let claims = store.list(.pvcs, namespace: ns).map(\.object.name)
        let solution: SolutionManifests
        do {
            solution = try SolutionManifests.from(deployments: deployments.map { Self.yaml(.object($0)) }, claims: claims, graph: graph, name: ns)
        } catch {
            throw APIError.invalid("the namespace's Deployments cannot be run: \(error)")
        }
        var options = PlaygroundOptions(namespace: ns)
        options.runs = runs
        options.rate = rate
        let defaultExec = Quantity.text(body["execTime"]).flatMap { QuantityParser.seconds(.string($0)) }
        var cluster = config.scenario
        cluster.functions = []
        cluster.workloads = []
        cluster.pipelines = []
        cluster.pods = []
        cluster.deletions = []
        cluster.scaleCommands = []
        var declared = Set(cluster.images.map(\.name))
        for w in solution.workloads where !declared.contains(w.image) {
            declared.insert(w.image)
            let size = imageSizes[w.image] ?? config.defaultImageSize
            if imageSizes[w.image] == nil { warnings.append("image \"\(w.image)\" has no known size; assuming \(Format.bytesText(size))") }
            cluster.images.append(.single(w.image, sizes: Dictionary(uniqueKeysWithValues: Architecture.allCases.map { ($0, size) })))
        }
        do {
            guard let rollout = try Playground.rolloutTime(of: solution, on: cluster, options: options) else {
                throw APIError(code: 409, reason: "Conflict", message: "not every Deployment of \(ns) can become available on the playground's nodes, so no run can complete")
            }
            options.start = rollout
            var (scenario, _) = Playground.deploy(solution, on: cluster, options: options)
            var missingExec: [String] = []
            for i in scenario.functions.indices {
                let name = String(scenario.functions[i].name.split(separator: "/").last ?? "")
                let annotation = deployments.first { $0.name == name }?.at("metadata", "annotations", "kubeprint.io/exec-time")?.string
                if let seconds = annotation.flatMap({ QuantityParser.seconds(.string($0)) }) ?? defaultExec {
                    scenario.functions[i].defaultExecutionTime = .lognormal(median: seconds, sigma: 0.3, min: seconds / 10, max: seconds * 40)
                } else if !solution.workloads.contains(where: { $0.name == name && $0.isOrchestrator }) {
                    missingExec.append(name)
                }
            }
            if !missingExec.isEmpty {
                warnings.append("no execution time for \(missingExec.joined(separator: ", ")) (annotation kubeprint.io/exec-time or --exec-time); assuming a 50 ms median")
            }
            var sim = try ClusterSimulator(scenario: scenario)
            // "metrics": true asks for the metrics files and report.html of the runs as well
            // (kubeprint run --output), drawn from what a collector gathers during the run.
            let wantsMetrics = body["metrics"]?.bool == true
            let collector = wantsMetrics ? ReportCollector(scenario: scenario) : nil
            if let collector { collector.attach(to: &sim) }
            sim.run()
            var result = runsResult(sim, solution: solution, namespace: ns, options: options, warnings: warnings)
            if wantsMetrics, case .object(var object) = result {
                let command = body["command"]?.string ?? "kubeprint run SOLUTION -n \(ns) --runs \(runs) --rate \(rate)"
                let context = ReportPage.Context(
                    scenario: "playground namespace \(ns): \(solution.pipelineName)", seed: scenario.seed, command: command,
                    parameters: [("namespace", ns), ("nodes", "\(scenario.nodes.count) (the playground's)"), ("deployments", "\(solution.workloads.count)"),
                                 ("runs", "\(runs) at \(rate) per second from \(options.start.fixed(2)) s, when every Deployment of the copy is available"),
                                 ("note", "the runs are simulated on a copy of the namespace's Deployments on the playground's nodes; the same playground and namespace give the same page")]
                        + warnings.map { ("warning", $0) })
                let files = try ClusterReport.metricsContents(of: sim, scenario: "playground", seed: scenario.seed, collector: collector, context: context)
                var metrics = JSONObject()
                for file in files { metrics[file.name] = .string(file.text) }
                object["metrics"] = .object(metrics)
                result = .object(object)
            }
            return result
        } catch let e as APIError {
            throw e
        } catch {
            throw APIError.invalid("the runs cannot be simulated: \(error)")
        }
    }

    func runsResult(_ sim: ClusterSimulator, solution: SolutionManifests, namespace ns: String, options: PlaygroundOptions,
                    warnings: [String]) -> JSONValue
    {
        func percentiles(_ p: Percentiles) -> JSONValue {
            .object(["count": .int(p.count), "mean": number(p.mean), "p50": number(p.p50), "p95": number(p.p95), "p99": number(p.p99), "max": number(p.max)])
        }
        var result: JSONObject = ["namespace": .string(ns), "start": number(options.start)]
        if let p = sim.pipelineSummaries().first {
            result["pipeline"] = .string(p.name)
            result["runs"] = .int(p.runs)
            result["completed"] = .int(p.completed)
            result["failed"] = .int(p.failed)
            result["latency"] = percentiles(p.latency)
            result["steps"] = percentiles(p.steps)
        }
        if let faas = sim.faasSummary() {
            if result["runs"] == nil {
                result["runs"] = .int(faas.requests)
                result["completed"] = .int(faas.completed)
                result["failed"] = .int(faas.failed)
                result["latency"] = percentiles(faas.latency)
            }
            result["nodes"] = .array(faas.functions.map { f in
                .object(["deployment": .string(String(f.name.split(separator: "/").last ?? "")), "calls": .int(f.requests),
                         "completed": .int(f.completed), "failed": .int(f.failed), "coldStarts": .int(f.coldStarts),
                         "wait": percentiles(f.wait), "coldStart": percentiles(f.coldStart), "execution": percentiles(f.execution)])
            })
        }
        result["warnings"] = .array(warnings.map { .string($0) })
        result["report"] = .string(Playground.report(solution: solution, simulator: sim, namespace: ns))
        return .object(result)
    }

    func number(_ v: Double) -> JSONValue { .number(String(format: "%.6f", v)) }

    /// A JSON value as the YAML tree the manifest readers take.
    static func yaml(_ v: JSONValue) -> YAMLNode {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return Int(n).map { .int($0) } ?? Double(n).map { .double($0) } ?? .string(n)
        case .string(let s): return .string(s)
        case .array(let a): return .sequence(a.map(yaml))
        case .object(let o): return .mapping(YAMLMapping(o.members.map { ($0.key, yaml($0.value)) }))
        }
    }
}
