import ArgumentParser
import Blueprint
import Foundation
import Manifests
import Playground
import YAML

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Send pipeline runs to a solution deployed on the live playground (kubeprint serve).",
        discussion: """
            Plays the AI4EU orchestrator client: sends the solution's blueprint.json and \
            dockerinfo.json to the playground, which sends each run along the blueprint's links \
            to the namespace's Deployments (fan-out, joins, a hop limit on cycles) and answers \
            with the end-to-end latency percentiles and, per model, wait, cold start and \
            execution times and failures.

            How long a model takes comes from the Deployment's kubeprint.io/exec-time \
            annotation, else --exec-time; image sizes from the playground's cluster scenario, \
            the kubeprint.io/image-size annotation, or the server's default (with a warning). \
            The runs are simulated on a copy of the namespace's Deployments, starting once \
            every one is available; the live cluster is not changed by them.

            Examples:
              kubeprint run out/news -n news --runs 200 --rate 5
              kubeprint run out/news -n news --server http://127.0.0.1:8080 --json
            """)

    @Argument(help: ArgumentHelp("The solution folder (from kubeprint convert) that deploy.sh deployed.", valueName: "solution-dir"))
    var solution: String

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("The namespace it was deployed into.", valueName: "name"))
    var namespace: String

    @Option(help: ArgumentHelp("The playground's URL (default: the server of --kubeconfig).", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The kubeconfig kubeprint serve wrote (default: playground.kubeconfig in the current folder when it is there, else the first file of $KUBECONFIG that exists).", valueName: "file"))
    var kubeconfig: String?

    @Option(parsing: .unconditional, help: "Pipeline runs to send.")
    var runs = 100

    @Option(parsing: .unconditional, help: "Runs per second (Poisson).")
    var rate = 2.0

    @Option(parsing: .unconditional, help: ArgumentHelp("Median time a model takes per call when its Deployment has no kubeprint.io/exec-time annotation.", valueName: "duration"))
    var execTime: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Write summary.json, the metrics CSV files and report.html of the runs (as simulate --output does) to DIR.", valueName: "dir"))
    var output: String?

    @Flag(help: "Print the playground's answer as JSON.")
    var json = false

    init() {}

    func validate() throws {
        guard runs >= 0, runs <= Limits.maxRequests else { throw ValidationError("--runs must be 0–\(Limits.maxRequests), not \(runs)") }
        guard rate > 0, rate.isFinite, rate <= Limits.maxRate else { throw ValidationError("--rate must be a positive number of runs per second, at most \(Int(Limits.maxRate))") }
        if let execTime, QuantityParser.seconds(.string(execTime)) == nil {
            throw ValidationError("--exec-time '\(execTime)' is not a duration (examples: 50ms, 2s)")
        }
        guard KubernetesName.isValid(namespace) else { throw ValidationError("--namespace '\(namespace)' is not a valid namespace name") }
        if output == OutputPaths.standardOutput {
            throw ValidationError("--output cannot be standard output ('-'): it writes several files; give a folder")
        }
    }

    func run() async throws {
        let console = Console()
        let folder = URL(fileURLWithPath: solution)
        let blueprintPath = folder.appendingPathComponent("blueprint.json").path
        var body: JSONObject = ["runs": .number(String(runs)), "rate": .number(String(rate))]
        if let execTime { body["execTime"] = .string(execTime) }
        if FileManager.default.fileExists(atPath: blueprintPath) {
            let text = try String(contentsOfFile: blueprintPath, encoding: .utf8)
            do {
                body["blueprint"] = try JSONParser(recordsPositions: false).parse(text).root
            } catch {
                throw CommandFailure("\(blueprintPath): not valid JSON: \(error)", hint: "convert the blueprint again with kubeprint convert")
            }
        } else if OutputPaths.kind(of: solution) != .folder {
            throw CommandFailure("'\(solution)' is not a solution folder", hint: "give the folder kubeprint convert wrote (it holds blueprint.json and deploy.sh)")
        }
        let dockerinfo = folder.appendingPathComponent("dockerinfo.json").path
        // The output is checked before the runs are sent, so a bad path costs no simulation.
        if let output {
            try ClusterReport.checkMetricsFolder(output, inputs: [solution, blueprintPath, dockerinfo])
            body["metrics"] = .bool(true)
            var command = ["kubeprint", "run", Simulate.shellQuoted(solution), "-n", namespace, "--runs", String(runs), "--rate", String(rate)]
            if let execTime { command += ["--exec-time", Simulate.shellQuoted(execTime)] }
            body["command"] = .string((command + ["--output", Simulate.shellQuoted(output)]).joined(separator: " "))
        }
        if let text = try? String(contentsOfFile: dockerinfo, encoding: .utf8), let value = try? JSONParser(recordsPositions: false).parse(text).root {
            body["dockerinfo"] = value
        }
        let base = try serverURL()
        guard let url = URL(string: "\(base)/playground/v1/namespaces/\(namespace)/runs") else {
            throw CommandFailure("'\(base)' is not a URL", hint: "give --server http://HOST:PORT")
        }
        let reply: PlainHTTP.Reply
        do {
            reply = try await PlainHTTP.post(url, body: Data(JSONWriter(pretty: false).write(.object(body)).utf8), contentType: "application/json", timeout: 600)
        } catch {
            throw CommandFailure("cannot reach the playground at \(base): \(error)",
                                 hint: "start it with `kubeprint serve` (or give --server / --kubeconfig)")
        }
        let text = String(decoding: reply.body, as: UTF8.self)
        let answer = try? JSONParser(recordsPositions: false).parse(text).root
        let status = reply.status
        guard status == 200, let result = answer else {
            let message = answer?["message"]?.string ?? answer?["error"]?["message"]?.string ?? text
            throw CommandFailure("the playground refused the runs (HTTP \(status)): \(message)", hint: nil)
        }
        if let output {
            guard let metrics = result["metrics"]?.object else {
                throw CommandFailure("the playground sent no metrics files for --output", hint: "the server is older than this kubeprint; run both from one build")
            }
            let files = metrics.members.compactMap { m in m.value.string.map { (name: m.key, text: $0) } }
            try ClusterReport.writeMetrics(files, to: output, inputs: [solution, blueprintPath, dockerinfo])
        }
        if json {
            var shown = result
            if case .object(var object) = result, output != nil {
                object["metrics"] = nil
                shown = .object(object)
            }
            console.out(JSONWriter().write(shown), terminator: "")
            return
        }
        for w in result["warnings"]?.array ?? [] { if let w = w.string { console.warning(w) } }
        if let report = result["report"]?.string { console.out(report) }
        func ms(_ v: JSONValue?) -> String {
            guard case .number(let n)? = v, let d = Double(n) else { return "-" }
            return d < 1 ? "\(Int((d * 1000).rounded())) ms" : String(format: "%.2f s", d)
        }
        if let nodes = result["nodes"]?.array, !nodes.isEmpty {
            let width = max(10, nodes.compactMap { $0["deployment"]?.string?.count }.max() ?? 0)
            console.out("  " + "model".padding(toLength: width, withPad: " ", startingAt: 0) + "  calls  wait p50  cold starts  exec p50  exec p99  failed")
            for n in nodes {
                let name = (n["deployment"]?.string ?? "").padding(toLength: width, withPad: " ", startingAt: 0)
                let calls = String(n["calls"]?.int ?? 0)
                console.out("  \(name)  \(calls.padding(toLength: 5, withPad: " ", startingAt: 0))  \(ms(n["wait"]?["p50"]).padding(toLength: 8, withPad: " ", startingAt: 0))  \(String(n["coldStarts"]?.int ?? 0).padding(toLength: 11, withPad: " ", startingAt: 0))  \(ms(n["execution"]?["p50"]).padding(toLength: 8, withPad: " ", startingAt: 0))  \(ms(n["execution"]?["p99"]).padding(toLength: 8, withPad: " ", startingAt: 0))  \(n["failed"]?.int ?? 0)")
            }
        }
        if (result["completed"]?.int ?? 0) == 0 && runs > 0 {
            throw CommandFailure("no run completed (\(result["runs"]?.int ?? 0) sent, \(result["failed"]?.int ?? 0) failed)",
                                 hint: "check the namespace with kubectl get pods -n \(namespace)")
        }
    }

    /// The kubeconfig to read, and where that choice came from: --kubeconfig; else
    /// playground.kubeconfig in the current folder when it is there (what serve writes); else
    /// the first file of KUBECONFIG (kubectl's variable, a ':'-separated list) that exists;
    /// else playground.kubeconfig, for the error message.
    static func kubeconfigPath(option: String?, environment: [String: String],
                               exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> (path: String, source: String) {
        if let option { return (option, "--kubeconfig") }
        if exists("playground.kubeconfig") { return ("playground.kubeconfig", "the current folder") }
        let listed = (environment["KUBECONFIG"] ?? "").split(separator: ":").map(String.init)
        if let first = listed.first(where: exists) { return (first, "$KUBECONFIG") }
        return ("playground.kubeconfig", "the current folder")
    }

    /// The server of a kubeconfig's current context (kubectl's choice), else of its first cluster.
    static func server(ofKubeconfig text: String) -> String? {
        guard let root = (try? YAMLParser().parseSingle(text))?.root else { return nil }
        let clusters = root["clusters"]?.sequence ?? []
        if let current = root["current-context"]?.string,
           let context = root["contexts"]?.sequence?.first(where: { $0["name"]?.string == current }),
           let clusterName = context["context"]?["cluster"]?.string,
           let cluster = clusters.first(where: { $0["name"]?.string == clusterName }),
           let server = cluster["cluster"]?["server"]?.string {
            return server
        }
        return clusters.first?["cluster"]?["server"]?.string
    }

    /// `--server`, or the server of the kubeconfig.
    func serverURL() throws -> String {
        if let server { return server.hasSuffix("/") ? String(server.dropLast()) : server }
        let (kubeconfig, source) = Self.kubeconfigPath(option: kubeconfig, environment: ProcessInfo.processInfo.environment)
        guard let text = try? String(contentsOfFile: kubeconfig, encoding: .utf8) else {
            throw CommandFailure("no --server given and cannot read the kubeconfig '\(kubeconfig)' (from \(source))",
                                 hint: "start the playground with `kubeprint serve` in this folder (it writes playground.kubeconfig), "
                                     + "or give --kubeconfig FILE (the one serve wrote) or --server http://HOST:PORT")
        }
        guard let server = Self.server(ofKubeconfig: text) else {
            throw CommandFailure("the kubeconfig '\(kubeconfig)' (from \(source)) names no cluster server", hint: "give --server http://HOST:PORT")
        }
        return server
    }
}
