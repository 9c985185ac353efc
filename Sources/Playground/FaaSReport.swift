import Cluster
import Foundation
import Manifests
import Simulation

/// Reports of the FaaS platform's results: text, CSV tables and JSON.
public enum FaaSReport {
    public static func text(_ s: FaaSSummary) -> String {
        var lines = ["Functions"]
        for f in s.functions {
            let failures = f.failures.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            lines.append("  \(f.name) [\(f.scaler)]: \(f.requests) requests, \(f.completed) completed, \(f.failed) failed\(failures.isEmpty ? "" : " (\(failures))")")
            lines.append("    throughput \(f.throughput.fixed(1)) req/s, cold starts \(f.coldStarts), replicas max \(f.maxReplicas) / at end \(f.finalReplicas)")
            lines.append("    latency      \(f.latency)")
            lines.append("      wait       \(f.wait)")
            lines.append("      cold start \(f.coldStart)")
            lines.append("      execution  \(f.execution)")
            lines.append("    energy \(f.energyJoules.fixed(1)) J (dynamic, by CPU time), cost \(f.cost.fixed(6)), \(f.usage.gbSeconds.fixed(2)) GB-s")
        }
        lines.append("Platform")
        lines.append("  requests     \(s.requests), \(s.completed) completed, \(s.failed) failed; \(s.throughput.fixed(1)) req/s")
        lines.append("  latency      \(s.latency)")
        lines.append("  utilisation  mean \((s.meanUtilization * 100).fixed(1))%, peak node \((s.peakUtilization * 100).fixed(1))%")
        lines.append("  energy       \(s.energyJoules.fixed(0)) J (\((s.energyJoules / 3600).fixed(2)) Wh), all nodes")
        lines.append("  scaling      \(s.scalingDecisions) decisions")
        return lines.joined(separator: "\n")
    }

    static func csv(_ text: String) -> String { EventLogWriter.csvField(text) }

    public static func functionsCSV(_ s: FaaSSummary) -> String {
        var out = "function,scaler,requests,completed,failed," + RequestFailure.allCases.map { "failed_\($0.rawValue)" }.joined(separator: ",")
            + ",cold_starts,throughput,latency_p50,latency_p95,latency_p99,wait_p50,wait_p99,cold_start_p50,cold_start_p99,execution_p50,execution_p99,"
            + "max_replicas,final_replicas,energy_joules,gb_seconds,cost\n"
        for f in s.functions {
            let failures = RequestFailure.allCases.map { String(f.failures[$0] ?? 0) }.joined(separator: ",")
            let numbers = [f.throughput, f.latency.p50, f.latency.p95, f.latency.p99, f.wait.p50, f.wait.p99, f.coldStart.p50, f.coldStart.p99,
                           f.execution.p50, f.execution.p99].map { $0.fixed(6) }.joined(separator: ",")
            out += "\(csv(f.name)),\(csv(f.scaler)),\(f.requests),\(f.completed),\(f.failed),\(failures),\(f.coldStarts),\(numbers),"
                + "\(f.maxReplicas),\(f.finalReplicas),\(f.energyJoules.fixed(3)),\(f.usage.gbSeconds.fixed(6)),\(f.cost.fixed(9))\n"
        }
        return out
    }

    public static func replicasCSV(_ timeline: [(time: Double, function: String, replicas: Int, ready: Int)]) -> String {
        var out = "time,function,replicas,ready\n"
        for e in timeline { out += "\(e.time.fixed(6)),\(csv(e.function)),\(e.replicas),\(e.ready)\n" }
        return out
    }

    public static func scalingCSV(_ records: [ScalingRecord]) -> String {
        var out = "time,function,from,to,scaler,arrivals,interval,ready_replicas,average_concurrency,reason\n"
        for r in records {
            out += "\(r.time.fixed(6)),\(csv(r.function)),\(r.from),\(r.to),\(csv(r.scaler)),\(r.arrivals),\(r.interval.fixed(3)),\(r.readyReplicas),"
                + "\(r.averageConcurrency.fixed(3)),\(csv(r.reason))\n"
        }
        return out
    }

    public static func utilizationCSV(_ timeline: [(time: Double, mean: Double, max: Double)]) -> String {
        var out = "time,mean_cpu_utilization,max_node_cpu_utilization\n"
        for e in timeline { out += "\(e.time.fixed(6)),\(e.mean.fixed(6)),\(e.max.fixed(6))\n" }
        return out
    }

    public static func replicaUtilizationCSV(_ timeline: [(time: Double, function: String, ready: Int, mean: Double, max: Double)]) -> String {
        var out = "time,function,ready_replicas,mean_replica_cpu_utilization,max_replica_cpu_utilization\n"
        for e in timeline { out += "\(e.time.fixed(6)),\(csv(e.function)),\(e.ready),\(e.mean.fixed(6)),\(e.max.fixed(6))\n" }
        return out
    }

    public static func jsonObject(_ s: FaaSSummary) -> [String: Any] {
        let stats = ClusterReport.statsObject
        return [
            "requests": s.requests, "completed": s.completed, "failed": s.failed, "throughput": ClusterReport.round6(s.throughput),
            "latencySeconds": stats(s.latency), "energyJoules": ClusterReport.round6(s.energyJoules),
            "meanUtilization": ClusterReport.round6(s.meanUtilization), "peakUtilization": ClusterReport.round6(s.peakUtilization),
            "scalingDecisions": s.scalingDecisions,
            "functions": s.functions.map { f -> [String: Any] in
                [
                    "name": f.name, "scaler": f.scaler, "requests": f.requests, "completed": f.completed,
                    "failures": Dictionary(uniqueKeysWithValues: f.failures.map { ($0.key.rawValue, $0.value) }),
                    "coldStarts": f.coldStarts, "throughput": ClusterReport.round6(f.throughput),
                    "latencySeconds": stats(f.latency), "waitSeconds": stats(f.wait), "coldStartSeconds": stats(f.coldStart),
                    "executionSeconds": stats(f.execution), "maxReplicas": f.maxReplicas, "finalReplicas": f.finalReplicas,
                    "energyJoules": ClusterReport.round6(f.energyJoules), "gbSeconds": ClusterReport.round6(f.usage.gbSeconds),
                    "cost": ClusterReport.round6(f.cost),
                ]
            },
        ]
    }
}

/// Streams every finished request to a CSV file, with bounded memory.
public final class RequestLogWriter {
    let writer: EventLogWriter

    public init(path: String) throws {
        writer = try EventLogWriter(path: path, format: .csv, header: "function,arrival,cold_start,wait,execution,finished,failure")
    }

    public func write(_ r: RequestRecord) {
        writer.append("\(EventLogWriter.csvField(r.function)),\(r.arrival.fixed(6)),\(r.coldStart.fixed(6)),\(r.wait.fixed(6)),\(r.execution.fixed(6)),\(r.finished.fixed(6)),\(r.failure?.rawValue ?? "")\n")
        writer.written += 1
    }

    public var written: Int { writer.written }

    public var path: String { writer.path }

    /// Moves the finished log into place (see ``EventLogWriter/finish()``).
    public func finish() throws { try writer.finish() }

    /// Drops the log.
    public func discard() { writer.discard() }
}

extension ClusterReport {
    /// The files ``writeMetrics(of:to:scenario:seed:inputs:alongside:)`` writes.
    public static let metricsFiles = ["summary.json", "nodes.csv", "functions.csv", "replicas.csv", "scaling.csv",
                                      "utilization.csv", "replica-utilization.csv", "report.html"]

    /// The file in every metrics folder kubeprint writes. Only a folder holding it counts as
    /// kubeprint's, so a user's own `nodes.csv` or `summary.json` is never taken for metrics.
    public static let metricsMarkerName = ".kubeprint-metrics"
    static let metricsMarkerText = """
        This folder holds the metrics of a kubeprint simulate or deploy run. A later run with
        --output naming this folder rewrites kubeprint's metrics files in it and removes those it
        does not write again; a folder holding any other file is refused.

        """

    /// Checks, before a run, that `directory` may receive the metrics: it is new or empty, or
    /// it holds kubeprint's marker and only metrics files of an earlier run; the files of
    /// `alongside` (the run's other outputs) and this run's hidden temporary files are
    /// allowed in either. It must hold none of `inputs`, nor the current folder, and a folder
    /// that cannot be listed is refused.
    public static func checkMetricsFolder(_ directory: String, option: String = "--output", inputs: [String], alongside: [String] = [],
                                          access: OutputPaths.FolderAccess = .system) throws
    {
        let own = Set(metricsFiles + [metricsMarkerName])
        let others = Set(alongside.filter { OutputPaths.canonical(($0 as NSString).deletingLastPathComponent) == OutputPaths.canonical(directory) }
            .map { ($0 as NSString).lastPathComponent })
        try OutputPaths.checkFolder(directory, option: option, inputs: inputs,
                                    hint: "choose a new or empty folder, or move those files away (kubeprint rewrites only metrics folders it wrote, which hold \(metricsMarkerName))")
        { folder in
            let entries = try OutputPaths.list(folder, access: access)
            func isFile(_ name: String) -> Bool { OutputPaths.kind(of: (folder as NSString).appendingPathComponent(name)) == .file }
            let marked = entries.contains(metricsMarkerName) && isFile(metricsMarkerName)
            return entries.filter { name in
                // Hidden files named .NAME.kubeprint-… are this run's logs being written.
                let isOwnTemporary = OutputPaths.isTemporaryName(name)
                return !(isFile(name) && ((marked && own.contains(name)) || others.contains(name) || isOwnTemporary))
            }
        }
        for file in alongside where OutputPaths.canonical(file) != OutputPaths.canonical(directory) {
            let name = (file as NSString).lastPathComponent
            if own.contains(name), OutputPaths.isSameFile((directory as NSString).appendingPathComponent(name), file) {
                throw ManifestError(.output, "'\(file)' is also a metrics file of \(option) '\(directory)'", hint: "give it another name")
            }
        }
    }

    /// A run's metrics files, by name: summary.json, nodes.csv and report.html (the charts of
    /// ``ReportPage``, from what `collector` gathered during the run), and with functions
    /// functions.csv, replicas.csv, scaling.csv, utilization.csv and replica-utilization.csv.
    public static func metricsContents(of sim: ClusterSimulator, scenario: String, seed: UInt64,
                                       collector: ReportCollector? = nil, context: ReportPage.Context? = nil) throws -> [(name: String, text: String)]
    {
        var files: [(name: String, text: String)] = []
        let summary = sim.summary()
        let faas = sim.faasSummary()
        files.append(("summary.json", try json(summary, scenario: scenario, seed: seed, faas: faas)))
        files.append(("nodes.csv", nodesCSV(summary)))
        if let faas {
            files.append(("functions.csv", FaaSReport.functionsCSV(faas)))
            files.append(("replicas.csv", FaaSReport.replicasCSV(sim.replicaTimeline)))
            files.append(("scaling.csv", FaaSReport.scalingCSV(sim.scalingRecords)))
            files.append(("utilization.csv", FaaSReport.utilizationCSV(sim.utilizationTimeline)))
            files.append(("replica-utilization.csv", FaaSReport.replicaUtilizationCSV(sim.replicaUtilizationTimeline)))
        }
        let page = ReportPage.html(of: sim, collector: collector,
                                   context: context ?? ReportPage.Context(scenario: scenario, seed: seed, command: "kubeprint simulate \(scenario) --seed \(seed)"))
        files.append(("report.html", page))
        return files
    }

    /// Writes a run's metrics into `directory` (see ``metricsContents(of:scenario:seed:collector:context:)``).
    public static func writeMetrics(of sim: ClusterSimulator, to directory: String, scenario: String, seed: UInt64,
                                    inputs: [String] = [], alongside: [String] = [],
                                    collector: ReportCollector? = nil, context: ReportPage.Context? = nil) throws
    {
        try checkMetricsFolder(directory, inputs: inputs, alongside: alongside)
        let files = try metricsContents(of: sim, scenario: scenario, seed: seed, collector: collector, context: context)
        try writeMetrics(files, to: directory, inputs: inputs, alongside: alongside)
    }

    /// Writes metrics files (names from ``metricsFiles`` only) into `directory`. Each file is
    /// written whole (aside, then renamed), with the marker (``metricsMarkerName``) first;
    /// metrics files of an earlier run that this run does not write are removed, so the folder
    /// describes one run. No other file is touched.
    public static func writeMetrics(_ files: [(name: String, text: String)], to directory: String, inputs: [String] = [], alongside: [String] = []) throws {
        for file in files where !metricsFiles.contains(file.name) {
            throw ManifestError(.output, "'\(file.name)' is not a metrics file", hint: "metrics folders hold only \(metricsFiles.joined(separator: ", "))")
        }
        try checkMetricsFolder(directory, inputs: inputs, alongside: alongside)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ManifestError(.output, "cannot create the folder '\(directory)': \(OutputPaths.describe(error))",
                                hint: "check the path and its permissions")
        }
        var written: Set<String> = []
        func write(_ name: String, _ text: String) throws {
            try OutputPaths.writeAtomically(Data(text.utf8), to: (directory as NSString).appendingPathComponent(name))
            written.insert(name)
        }
        try write(metricsMarkerName, metricsMarkerText)
        for file in files { try write(file.name, file.text) }
        for stale in metricsFiles where !written.contains(stale) {
            unlink((directory as NSString).appendingPathComponent(stale))
        }
    }
}
