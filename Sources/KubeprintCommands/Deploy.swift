import ArgumentParser
import Blueprint
import Cluster
import Foundation
import Manifests
import Playground
import Simulation

struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a solution on the simulated playground cluster and run requests through its pipeline.",
        discussion: """
            Takes a folder written by `kubeprint convert` (or a blueprint.json, converted on the \
            fly), puts each Deployment's replicas into a namespace of the simulated cluster — \
            scheduled, images pulled, started, set up — and sends pipeline runs through the \
            blueprint's links: each run enters at the entry nodes and every node's output goes to \
            the nodes it is linked to, as the AI4EU orchestrator does. Prints when each deployment \
            was ready and the runs' end-to-end latency.

            Runs start once every Deployment is available, so their latency measures the \
            pipeline, not the rollout; --start sends them earlier. Exits 1 with the reasons when a \
            replica cannot be placed or no run completes.

            The manifests do not say how big images are or how long a model takes: --image-size, \
            --exec-time and --setup set that. --cluster runs on the nodes of a scenario file \
            instead of the default four-node playground.

            Examples:
              kubeprint deploy out/news-training-sharedfolder -n news --runs 500 --rate 5
              kubeprint deploy blueprints/sudoku-tutorial.json --cluster scenarios/edge-demo.yaml
            """)

    @Argument(help: ArgumentHelp("A solution folder from kubeprint convert, or a blueprint.json.", valueName: "solution"))
    var solution: String

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("Namespace on the playground (default: the pipeline's name).", valueName: "name"))
    var namespace: String?

    @Option(help: ArgumentHelp("A scenario file whose cluster (nodes, registries, storage, scheduler) to deploy on.", valueName: "file"))
    var cluster: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Size of each container image.", valueName: "size"))
    var imageSize: String = "500MB"

    @Option(parsing: .unconditional, help: ArgumentHelp("Median time a model takes per call (lognormal around it).", valueName: "duration"))
    var execTime: String = "50ms"

    @Option(parsing: .unconditional, help: ArgumentHelp("Setup time of each model replica before it is ready (e.g. loading the model).", valueName: "duration"))
    var setup: String = "2s"

    @Option(parsing: .unconditional, help: "Pipeline runs to send (requests, for a single model).")
    var runs: Int = 100

    @Option(parsing: .unconditional, help: "Runs per second (Poisson).")
    var rate: Double = 2

    @Option(parsing: .unconditional, help: ArgumentHelp("When the first run may arrive (default: once every Deployment is available; earlier runs that find no ready replica wait, so their latency includes the rollout).", valueName: "duration"))
    var start: String?

    @Option(parsing: .unconditional, help: "Seed.")
    var seed: UInt64 = 1

    @Option(name: [.short, .long], help: ArgumentHelp("Write summary.json, the metrics CSV files and report.html (as simulate --output does) to DIR.", valueName: "dir"))
    var output: String?

    @Flag(name: .shortAndLong, help: "No progress display.")
    var quiet = false

    init() {}

    func validate() throws {
        for (flag, value) in [("--exec-time", execTime), ("--setup", setup), ("--start", start ?? "0s")] {
            if value.trimmingCharacters(in: .whitespaces).hasPrefix("-") { throw ValidationError("\(flag) must be 0 or more, not \(value)") }
            guard QuantityParser.seconds(.string(value)) != nil else {
                throw ValidationError("\(flag) '\(value)' is not a duration of at most \(Limits.secondsText) (examples: 50ms, 2s, 1m)")
            }
        }
        if QuantityParser.bytes(.string(imageSize)) == nil {
            throw ValidationError("--image-size '\(imageSize)' is not a size of at most \(Limits.bytesText) (examples: 500MB, 2GB)")
        }
        guard runs >= 0 else { throw ValidationError("--runs must be 0 or more, not \(runs)") }
        guard runs <= Limits.maxRequests else { throw ValidationError("--runs is at most \(Limits.maxRequests), not \(runs)") }
        guard rate > 0, rate.isFinite, rate <= Limits.maxRate else {
            throw ValidationError("--rate must be a positive number of runs per second, at most \(Int(Limits.maxRate)), not \(rate)")
        }
        if let namespace, !KubernetesName.isValid(namespace) {
            throw ValidationError("--namespace '\(namespace)' is not a valid namespace name; try '\(KubernetesName.make(from: namespace))'")
        }
        if output == OutputPaths.standardOutput {
            throw ValidationError("--output cannot be standard output ('-'): it writes several files; give a folder")
        }
    }

    func run() async throws {
        let console = Console()
        let manifests: SolutionManifests
        var inputs = [solution]
        if let cluster { inputs += [cluster] + Simulate.referencedFiles(of: cluster) }
        if OutputPaths.kind(of: solution) == .missing {
            throw CommandFailure("'\(solution)' does not exist",
                                 hint: "give a solution folder written by kubeprint convert, or a blueprint.json (converted on the fly)")
        }
        if OutputPaths.kind(of: solution) == .folder {
            manifests = try SolutionManifests.load(directory: solution)
            let folder = URL(fileURLWithPath: solution)
            if manifests.graph == nil, !FileManager.default.fileExists(atPath: folder.appendingPathComponent("modelname.txt").path) {
                console.warning("'\(solution)' has no blueprint.json: its Deployments are deployed, but without the pipeline's links "
                                + "runs go to one model (\(manifests.workloads.last?.name ?? "-")) only")
            }
        } else {
            let loaded = try BlueprintLoader.load(contentsOf: solution)
            loaded.warnings.forEach { console.diagnostic($0) }
            manifests = try SolutionManifests.from(ManifestGenerator(options: ManifestOptions()).generate(loaded.graph), graph: loaded.graph)
        }
        var base = Playground.defaultCluster(seed: seed)
        if let cluster {
            base = try ScenarioFile.load(path: cluster).cluster
            try Serve.refuseCompatibility(base, file: cluster)
            base.seed = seed
        }
        // The output is checked before anything runs, so a bad path costs no simulation.
        if let output { try ClusterReport.checkMetricsFolder(output, inputs: inputs) }
        var options = PlaygroundOptions(namespace: namespace ?? KubernetesName.make(from: manifests.pipelineName))
        options.imageSize = QuantityParser.bytes(.string(imageSize)) ?? options.imageSize
        let median = QuantityParser.seconds(.string(execTime)) ?? 0.05
        options.executionTime = .lognormal(median: median, sigma: 0.3, min: median / 10, max: median * 40)
        options.setup = .constant(QuantityParser.seconds(.string(setup)) ?? 2)
        options.runs = runs
        options.rate = rate
        var notes: [String] = []
        if let start {
            options.start = QuantityParser.seconds(.string(start)) ?? 0
        } else if let rollout = try Playground.rolloutTime(of: manifests, on: base, options: options) {
            // Runs start once every Deployment is available, so latency measures the pipeline, not the rollout.
            options.start = rollout
            notes.append("runs start at \(rollout.fixed(2)) s, when every Deployment is available (--start sends them earlier)")
        } else {
            options.runs = 0
            notes.append("no runs were sent: not every Deployment became available")
        }
        let (scenario, _) = Playground.deploy(manifests, on: base, options: options)
        var sim = try ClusterSimulator(scenario: scenario)
        let collector = output.map { _ in ReportCollector(scenario: scenario) }
        if let collector { collector.attach(to: &sim) }
        let progress = Progress(enabled: !quiet && isatty(STDERR_FILENO) == 1, limit: .infinity)
        sim.run(every: 200_000) { now in
            progress.update(now)
            return true
        }
        progress.finish()
        console.out(Playground.report(solution: manifests, simulator: sim, namespace: options.namespace))
        notes.forEach { console.out("  " + $0) }
        let summary = sim.summary()
        let faas = sim.faasSummary()
        console.out(ClusterReport.text(summary, scenario: "playground", seed: seed,
                                       pending: sim.notRunning().filter { !$0.reason.contains("waiting") }))
        if let faas { console.out(FaaSReport.text(faas)) }
        if let output {
            var command = ["kubeprint", "deploy", Simulate.shellQuoted(solution), "--seed", String(seed), "--runs", String(runs), "--rate", String(rate),
                           "--image-size", Simulate.shellQuoted(imageSize), "--exec-time", Simulate.shellQuoted(execTime), "--setup", Simulate.shellQuoted(setup)]
            if let namespace { command += ["-n", namespace] }
            if let cluster { command += ["--cluster", Simulate.shellQuoted(cluster)] }
            if let start { command += ["--start", Simulate.shellQuoted(start)] }
            let context = ReportPage.Context(
                scenario: "playground: \(manifests.pipelineName)", seed: seed, command: command.joined(separator: " "),
                parameters: [("solution", solution), ("namespace", options.namespace), ("cluster", cluster ?? "the default four-node playground"),
                             ("nodes", "\(scenario.nodes.count)"), ("deployments", "\(manifests.workloads.count)"),
                             ("runs", "\(options.runs) at \(rate) per second from \(options.start.fixed(2)) s"), ("image size", imageSize),
                             ("execution time", "lognormal around \(execTime)"), ("setup", setup)] + notes.map { ("note", $0) })
            try ClusterReport.writeMetrics(of: sim, to: output, scenario: "playground", seed: seed, inputs: inputs, collector: collector, context: context)
        }
        var problems = Playground.problems(solution: manifests, simulator: sim, options: options)
        if options.runs == 0 && runs > 0 && problems.isEmpty { problems.append("not every Deployment became available, so no run was sent") }
        if !problems.isEmpty {
            throw CommandFailure("the deployment did not work:\n" + problems.prefix(10).map { "    " + $0 }.joined(separator: "\n")
                                 + (problems.count > 10 ? "\n    … and \(problems.count - 10) more" : ""),
                                 hint: "give the cluster more capacity (--cluster), lower the requests (convert --cpu-request, --memory-request), or check the reasons above")
        }
    }
}
