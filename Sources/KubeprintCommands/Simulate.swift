import ArgumentParser
import Cluster
import Foundation
import KubeAPI
import Manifests
import Playground
import Simulation
import YAML

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scenario on the simulated cluster and print what happened.",
        discussion: """
            Reads a scenario file (node pools, registries, images, deployments, functions, \
            workloads, failures; see the README), runs it in virtual time and prints a summary: \
            pod startup, image pull and container start percentiles, bytes pulled, cache hit \
            rates, per-node allocation, and for functions: requests, throughput, latency split \
            into wait / cold start / execution, cold starts, replicas, failures, utilisation, \
            energy and cost. The same scenario and seed always give the same result.

            Built-in scenarios run without a file: \(BuiltInScenarios.names.joined(separator: ", ")).

            Examples:
              kubeprint simulate edge-ai
              kubeprint simulate scenarios/node-density.yaml
              kubeprint simulate scenarios/faas-sim-100k.yaml --output results/
              kubeprint simulate scenarios/dadi-scale.yaml --events events.csv --json
              kubeprint simulate my.yaml --explain web-3 --until 30s
            """)

    @Argument(help: ArgumentHelp("The scenario file (YAML), or the name of a built-in scenario.", valueName: "scenario"))
    var scenario: String?

    @Option(help: ArgumentHelp("Replay a session recorded by `kubeprint serve --record` and check its final state.", valueName: "file"))
    var replay: String?

    @Flag(help: "With --replay: print the final state (every object, one JSON line each).")
    var printState = false

    @Option(name: [.short, .long], help: ArgumentHelp("Write summary.json, functions.csv, replicas.csv, scaling.csv, utilization.csv, replica-utilization.csv, nodes.csv and report.html (charts of the run, one self-contained page) to DIR.", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("Stream every finished request to FILE (CSV).", valueName: "file"))
    var requests: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop at this simulated time (e.g. 10m); default: the scenario's `until`, else when nothing is left to do.", valueName: "duration"))
    var until: String?

    @Option(parsing: .unconditional, help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Stream every event to FILE (.csv or .jsonl).", valueName: "file"))
    var events: String?

    @Option(name: .customLong("nodes-csv"), help: ArgumentHelp("Write per-node allocation to FILE as CSV.", valueName: "file"))
    var nodesCSV: String?

    @Option(help: ArgumentHelp("After the run, explain how the scheduler sees POD: every node's filter verdict and scores.", valueName: "pod"))
    var explain: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress display.")
    var quiet = false

    init() {}

    func validate() throws {
        if replay != nil && scenario != nil { throw ValidationError("give a scenario or --replay FILE, not both") }
        if replay == nil && scenario == nil { throw ValidationError("missing a scenario file (or the name of a built-in scenario), or --replay FILE") }
        if printState && replay == nil { throw ValidationError("--print-state goes with --replay") }
        for (flag, value) in [("--output", output), ("--requests", requests), ("--events", events), ("--nodes-csv", nodesCSV)] where value == "-" {
            throw ValidationError("\(flag) cannot be standard output ('-'): standard output carries the summary; give a \(flag == "--output" ? "folder" : "file name")")
        }
        if let requests, !requests.hasSuffix(".csv") {
            throw ValidationError("--requests needs a .csv file name, not '\(requests)'")
        }
        if let events, EventLogWriter.Format(path: events) == nil {
            throw ValidationError("--events needs a .csv or .jsonl file name, not '\(events)'")
        }
        if let until, QuantityParser.seconds(.string(until)) == nil {
            throw ValidationError("--until '\(until)' is not a duration (examples: 90s, 10m, 1h)")
        }
        let files = [("--requests", requests), ("--events", events), ("--nodes-csv", nodesCSV)].compactMap { flag, path in path.map { (flag, $0) } }
        for (i, a) in files.enumerated() {
            for b in files[(i + 1)...] where OutputPaths.canonical(a.1) == OutputPaths.canonical(b.1) {
                throw ValidationError("\(a.0) and \(b.0) name the same file '\(a.1)'; give each its own")
            }
        }
    }

    /// The files this run writes besides the --output folder.
    var outputFiles: [(option: String, path: String)] {
        [("--events", events), ("--requests", requests), ("--nodes-csv", nodesCSV)].compactMap { flag, path in path.map { (flag, $0) } }
    }

    func run() async throws {
        if let replay { return try await Self.replay(replay, printState: printState) }
        let scenario = self.scenario ?? ""
        var file: ScenarioFile
        var inputs: [String] = []
        if scenario == "edge-ai" && !FileManager.default.fileExists(atPath: scenario) {
            file = BuiltInScenarios.edgeAI()
        } else {
            file = try ScenarioFile.load(path: scenario)
            inputs.append(scenario)
            inputs += Self.referencedFiles(of: scenario)
        }
        // Every output is checked before the run, so a bad path costs no simulation.
        if let output { try ClusterReport.checkMetricsFolder(output, inputs: inputs, alongside: outputFiles.map(\.path)) }
        for (option, path) in outputFiles { try OutputPaths.checkFile(path, option: option, inputs: inputs, createdFolder: output) }
        if let output, outputFiles.contains(where: { OutputPaths.isInside($0.path, folder: output) }) {
            // The logs go inside the metrics folder: it must exist before they are opened.
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                throw ManifestError(.output, "cannot create the folder '\(output)': \(OutputPaths.describe(error))", hint: "check the path and its permissions")
            }
        }

        if let seed { file.cluster.seed = seed }
        let limit = until.flatMap { QuantityParser.seconds(.string($0)) }.map(SimTime.seconds) ?? file.until ?? .infinity
        var sim = try ClusterSimulator(scenario: file.cluster)
        var writer: EventLogWriter?
        var requestLog: RequestLogWriter?
        var committed = false
        defer {
            if !committed {
                writer?.discard()
                requestLog?.discard()
            }
        }
        if let events, let format = EventLogWriter.Format(path: events) {
            let w = try EventLogWriter(path: events, format: format)
            writer = w
            sim.onEvent = { w.write($0) }
        }
        if let requests {
            let w = try RequestLogWriter(path: requests)
            requestLog = w
            sim.onRequest = { w.write($0) }
        }
        // The report's data is binned while the run goes, so it stays small.
        let collector = output.map { _ in ReportCollector(scenario: file.cluster) }
        if let collector { collector.attach(to: &sim) }
        let explanation: String?
        let progress = Progress(enabled: !quiet && isatty(STDERR_FILENO) == 1, limit: limit)
        sim.run(until: limit, every: 200_000) { now in
            progress.update(now)
            return true
        }
        progress.finish()
        if let explain {
            guard let e = sim.explain(pod: explain) else {
                throw CommandFailure("--explain: the scenario has no pod named '\(explain)'", hint: "give the name of a pod of the scenario, e.g. a deployment's NAME-0")
            }
            explanation = e.description
        } else {
            explanation = nil
        }
        let summary = sim.summary()
        let faas = sim.faasSummary()
        if let nodesCSV {
            try OutputPaths.writeAtomically(Data(ClusterReport.nodesCSV(summary).utf8), to: nodesCSV)
        }
        if let output {
            try ClusterReport.writeMetrics(of: sim, to: output, scenario: file.name, seed: file.cluster.seed,
                                           inputs: inputs, alongside: outputFiles.map(\.path),
                                           collector: collector, context: reportContext(file: file, limit: limit))
        }
        try writer?.finish()
        try requestLog?.finish()
        committed = true
        let console = Console()
        if json {
            console.out(try ClusterReport.json(summary, scenario: file.name, seed: file.cluster.seed, faas: faas), terminator: "")
        } else {
            let pending = faas == nil ? sim.notRunning() : sim.notRunning().filter { $0.reason.hasPrefix("Failed") || !$0.reason.contains("waiting") }
            console.out(ClusterReport.text(summary, scenario: file.name, seed: file.cluster.seed, pending: pending))
            if let faas { console.out(FaaSReport.text(faas)) }
            if let events, let writer { console.out("  event log           \(writer.written) events → \(events)") }
            if let requests, let requestLog { console.out("  request log         \(requestLog.written) requests → \(requests)") }
            if let output { console.out("  metrics             → \(output)/") }
        }
        if let explanation { console.out(explanation) }
    }
}

extension Simulate {
    /// What report.html says about the run and how to run it again.
    func reportContext(file: ScenarioFile, limit: SimTime) -> ReportPage.Context {
        var command = ["kubeprint", "simulate", Self.shellQuoted(scenario ?? ""), "--seed", String(file.cluster.seed)]
        if let until { command += ["--until", Self.shellQuoted(until)] }
        let c = file.cluster
        var parameters: [(name: String, value: String)] = [
            ("nodes", "\(c.nodes.count)" + (c.nodeAdditions.isEmpty ? "" : " (+\(c.nodeAdditions.count) joining later)")),
            ("images", "\(c.images.count)"), ("registries", c.registries.map(\.name).joined(separator: ", ")),
            ("pods", "\(c.pods.count)"), ("node failures", "\(c.failures.count)"),
            ("functions", "\(c.functions.count)"), ("workloads", "\(c.workloads.count)"), ("pipelines", "\(c.pipelines.count)"),
            ("until", limit == .infinity ? "when nothing is left to do" : limit.description),
        ]
        if !c.functions.isEmpty { parameters.append(("monitor interval", "\(c.monitorInterval) s")) }
        let text = FileManager.default.fileExists(atPath: scenario ?? "") ? (try? String(contentsOfFile: scenario ?? "", encoding: .utf8)) : nil
        return ReportPage.Context(scenario: file.name, seed: file.cluster.seed, command: command.joined(separator: " "),
                                  parameters: parameters, scenarioText: text)
    }

    /// `text` quoted for a POSIX shell when it needs it.
    static func shellQuoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The files a scenario refers to (`file:` of traces and Azure tables, relative to the
    /// scenario's folder): inputs that no output may overwrite.
    static func referencedFiles(of scenario: String) -> [String] {
        guard let text = try? String(contentsOfFile: scenario, encoding: .utf8),
              let document = try? YAMLParser().parseSingle(text) else { return [] }
        let base = (scenario as NSString).deletingLastPathComponent
        var found: [String] = []
        func walk(_ node: YAMLNode) {
            if let mapping = node.mapping {
                for entry in mapping {
                    if entry.key == "file", let path = entry.value.string {
                        found.append(path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path))
                    } else {
                        walk(entry.value)
                    }
                }
            } else if let items = node.sequence {
                items.forEach(walk)
            }
        }
        walk(document.root)
        return found
    }
}

/// A one-line progress display on standard error, only when it is a terminal.
final class Progress {
    let enabled: Bool
    let limit: SimTime
    let started = ContinuousClock.now

    init(enabled: Bool, limit: SimTime) {
        self.enabled = enabled
        self.limit = limit
    }

    func update(_ now: SimTime) {
        guard enabled else { return }
        var line = "\r  simulated \(now.seconds.fixed(1))s"
        if limit != .infinity {
            let fraction = min(1, now.seconds / max(limit.seconds, 1e-9))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(Int(fraction * 100))%"
        }
        let wall = ContinuousClock.now - started
        line += "  wall \(wall.components.seconds)s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

extension Simulate {
    /// Replays a recorded playground session and compares its final state with the recording's.
    static func replay(_ path: String, printState: Bool) async throws {
        let session = try Session.read(path: path)
        var (config, _) = try Serve.config(clusterText: session.cluster, seed: session.seed, epoch: session.epoch, file: path)
        if let size = session.defaultImageSize { config.defaultImageSize = size }
        // Recordings from before the limit was modelled ran without it.
        config.controllerQPS = session.controllerQPS ?? 0
        if let burst = session.controllerBurst { config.controllerBurst = burst }
        let state = try await session.replay(config: config)
        let console = Console()
        if printState { console.out(state, terminator: "") }
        let digest = Session.digest(state)
        let summary = "replayed \(session.requestCount) requests over \(session.endTime.seconds.fixed(1)) s of virtual time: \(state.split(separator: "\n").count - 1) objects"
        guard let expected = session.finalDigest else {
            console.out(summary + " (the recording has no final state to compare: the server did not stop cleanly)")
            return
        }
        guard expected == digest else {
            throw CommandFailure("\(summary); the final state differs from the recorded one (\(digest), recorded \(expected))",
                                 hint: "replay with the kubeprint version that recorded the session")
        }
        console.out(summary + "; the final state matches the recording (\(digest))")
    }
}
