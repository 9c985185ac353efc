import ArgumentParser
import Blueprint
import Cluster
import Foundation
import KubeAPI
import Manifests
import Playground
import PlaygroundServer
import Simulation

struct BenchServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Time the live playground: a large rollout, list requests, an HTTP load test and a pipeline's deploy.sh.",
        discussion: """
            On a generated cluster of --nodes nodes (three sizes, as bench cluster): \
            (1) a Deployment of --pods replicas rolled out in manual time, one virtual second at a \
            time, with the ReplicaSet controller's default client limit (20 pods/s, burst 30): wall \
            time, virtual seconds per wall second, the median and busiest second and the --speed \
            those seconds can follow within 1 and 2 virtual seconds of the clock; the same with no \
            limit (every pod created at once); (2) the same at --speed 100 on the clock: how far \
            virtual time fell behind at worst; (3) server time of `kubectl get pods -A` (a Table of every \
            pod); (4) with wrk on PATH (Debian package wrk), --duration of GET load on a pod and \
            on a small namespace's pod list over HTTP: requests per second and p99 latency; \
            (5) with kubectl on PATH, a converted --pipeline-nodes blueprint deployed by its own \
            deploy.sh until every rollout succeeds.
            """)

    @Option(parsing: .unconditional, help: "Nodes in the generated cluster.")
    var nodes = 1000

    @Option(parsing: .unconditional, help: "Replicas of the large Deployment.")
    var pods = 10_000

    @Option(parsing: .unconditional, help: "Seconds of HTTP load per request kind (wrk).")
    var duration = 10

    @Option(parsing: .unconditional, help: "Model nodes of the blueprint deployed with deploy.sh (0 skips it).")
    var pipelineNodes = 400

    init() {}

    func validate() throws {
        guard (1...10_000).contains(nodes) else { throw ValidationError("--nodes must be 1–10000") }
        guard (1...Limits.maxPods).contains(pods) else { throw ValidationError("--pods must be 1–\(Limits.maxPods)") }
        guard (1...600).contains(duration) else { throw ValidationError("--duration must be 1–600 seconds") }
        guard (0...2000).contains(pipelineNodes) else { throw ValidationError("--pipeline-nodes must be 0–2000") }
    }

    static func cluster(nodes: Int) -> ClusterScenario {
        var scenario = BuiltInScenarios.scale(nodes: nodes, pods: 0)
        scenario.pods = []
        return scenario
    }

    static func deployment(_ name: String, replicas: Int) -> String {
        JSONWriter(pretty: false).write(.object([
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": .object(["name": .string(name)]),
            "spec": .object([
                "replicas": .number(String(replicas)), "selector": .object(["matchLabels": .object(["app": .string(name)])]),
                "template": .object([
                    "metadata": .object(["labels": .object(["app": .string(name)])]),
                    "spec": .object(["containers": .array([.object([
                        "name": .string(name), "image": "fn-1",
                        "resources": .object(["requests": .object(["cpu": "100m", "memory": "128Mi"])]),
                    ])])]),
                ]),
            ]),
        ]))
    }

    static func post(_ p: LivePlayground, _ path: String, _ body: String) async -> Int {
        if case .response(let r) = await p.handle(APIRequest(method: "POST", path: path, body: Array(body.utf8))) { return r.status }
        return 0
    }

    func run() async throws {
        MemoryTuning.forLiveServer()
        let console = Console()
        let epoch = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = ContinuousClock()
        console.out("bench serve: \(nodes) nodes, a Deployment of \(pods) replicas")
        // (1) Manual time: how fast the simulation runs the rollout, with the controller
        // manager's default client limit and without it (every pod at once).
        var unlimited = PlaygroundConfig(scenario: Self.cluster(nodes: nodes), epoch: epoch)
        unlimited.controllerQPS = 0
        let burst = try LivePlayground(config: unlimited, speed: .manual)
        _ = await Self.post(burst, "/api/v1/namespaces", #"{"metadata":{"name":"bench"}}"#)
        let b0 = clock.now
        _ = await Self.post(burst, "/apis/apps/v1/namespaces/bench/deployments", Self.deployment("big", replicas: pods))
        let burstCreate = clock.now - b0
        await burst.advanceUntilIdle(limit: 3600)
        let burstWall = clock.now - b0
        let burstVirtual = await burst.now.seconds

        let manual = try LivePlayground(config: PlaygroundConfig(scenario: Self.cluster(nodes: nodes), epoch: epoch), speed: .manual)
        _ = await Self.post(manual, "/api/v1/namespaces", #"{"metadata":{"name":"bench"}}"#)
        let t0 = clock.now
        _ = await Self.post(manual, "/apis/apps/v1/namespaces/bench/deployments", Self.deployment("big", replicas: pods))
        // One virtual second at a time: the busiest one bounds the --speed that keeps up.
        var seconds: [Double] = []
        while seconds.count < 3600 {
            let s = clock.now
            await manual.advance(by: 1)
            seconds.append((clock.now - s).seconds)
            if await manual.isIdle { break }
        }
        let wall = clock.now - t0
        let virtual = await manual.now.seconds
        let busiest = seconds.max() ?? 0
        let busiestAt = seconds.firstIndex(of: busiest) ?? 0
        console.out(String(format: "  rollout (manual time)   %.2f s wall for %.1f s virtual: %.0f virtual s per wall s (controller client 20/s, burst 30)",
                           wall.seconds, virtual, virtual / max(wall.seconds, 1e-9)))
        console.out(String(format: "  busiest virtual second  %.1f ms wall (second %d; median %.1f ms, %d seconds over 10 ms)",
                           busiest * 1000, busiestAt, Percentiles(seconds).p50 * 1000, seconds.filter { $0 > 0.01 }.count))
        let within1 = ClockBudget.sustainedSpeed(wallSeconds: seconds, lag: 1), within2 = ClockBudget.sustainedSpeed(wallSeconds: seconds, lag: 2)
        if within1.isFinite && within2.isFinite {
            console.out(String(format: "  keeps up to --speed %.0f with virtual time less than 1 s behind the clock, --speed %.0f less than 2 s",
                               within1, within2))
        }
        console.out(String(format: "  all at once (--controller-qps 0)  %.2f s wall (create %.2f s) for %.1f s virtual: %.0f virtual s per wall s",
                           burstWall.seconds, burstCreate.seconds, burstVirtual, burstVirtual / max(burstWall.seconds, 1e-9)))

        // (3) Server time of `kubectl get pods -A` against every pod.
        let table = APIRequest(method: "GET", path: "/api/v1/pods", query: ["limit": "500"],
                               accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        var times: [Double] = []
        var bytes = 0
        for _ in 0..<5 {
            let s = clock.now
            if case .response(let r) = await manual.handle(table) { bytes = r.body.utf8.count }
            times.append((clock.now - s).seconds * 1000)
        }
        let plain = APIRequest(method: "GET", path: "/api/v1/pods")
        var listTimes: [Double] = []
        for _ in 0..<5 {
            let s = clock.now
            _ = await manual.handle(plain)
            listTimes.append((clock.now - s).seconds * 1000)
        }
        console.out(String(format: "  get pods -A (Table)     median %.0f ms server time (%d pods, %d KB); JSON list median %.0f ms",
                           Percentiles(times).p50, pods, bytes / 1024, Percentiles(listTimes).p50))

        // (2) On the clock at --speed 100: the same rollout, watching the lag.
        let live = try LivePlayground(config: PlaygroundConfig(scenario: Self.cluster(nodes: nodes), epoch: epoch), speed: .realtime(100))
        _ = await Self.post(live, "/api/v1/namespaces", #"{"metadata":{"name":"bench"}}"#)
        _ = await Self.post(live, "/apis/apps/v1/namespaces/bench/deployments", Self.deployment("big", replicas: pods))
        let l0 = clock.now
        await live.followClock(while: {
            if clock.now - l0 > .seconds(120) { return false }
            return await !live.isIdle
        })
        let lag = await live.worstLag
        console.out(String(format: "  --speed 100             rollout done in %.1f s wall; worst lag %.2f virtual s (%@)",
                           (clock.now - l0).seconds, lag, lag < 2 ? "keeps up" : "falls behind"))

        // (4) HTTP load with wrk.
        let served = try LivePlayground(config: PlaygroundConfig(scenario: Self.cluster(nodes: nodes), epoch: epoch), speed: .manual)
        _ = await Self.post(served, "/api/v1/namespaces", #"{"metadata":{"name":"bench"}}"#)
        _ = await Self.post(served, "/api/v1/namespaces", #"{"metadata":{"name":"small"}}"#)
        _ = await Self.post(served, "/apis/apps/v1/namespaces/bench/deployments", Self.deployment("big", replicas: pods))
        _ = await Self.post(served, "/apis/apps/v1/namespaces/small/deployments", Self.deployment("web", replicas: 3))
        await served.advanceUntilIdle(limit: 3600)
        var podName = ""
        if case .response(let r) = await served.handle(APIRequest(method: "GET", path: "/api/v1/namespaces/small/pods")),
           let first = (try? JSONParser(recordsPositions: false).parse(r.body).root)?["items"]?.array?.first {
            podName = first["metadata"]?["name"]?.string ?? ""
        }
        let port = PortBox()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kubeprint-bench-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var options = ServerOptions()
        options.port = 0
        options.kubeconfig = work.appendingPathComponent("kubeconfig").path
        options.logLevel = .error
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let stopper = ServerStopper()
        options.stopper = stopper
        let firstOptions = options
        let server = Task { try await PlaygroundServer.run(served, options: firstOptions) { readyContinuation.yield($0) } }
        for await p in ready { port.value = p; break }
        let base = "http://127.0.0.1:\(port.value)"
        if let wrk = Self.onPath("wrk") {
            for (label, path) in [("GET one pod", "/api/v1/namespaces/small/pods/\(podName)"), ("LIST a namespace", "/api/v1/namespaces/small/pods")] {
                let r = try await Self.captureOffPool(wrk, ["-t2", "-c32", "-d\(duration)s", "--latency", base + path])
                let rps = r.split(separator: "\n").first { $0.contains("Requests/sec") }?.split(separator: " ").last.map(String.init) ?? "?"
                let p99 = r.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }?
                    .split(separator: " ").last.map(String.init) ?? "?"
                console.out("  wrk \(label.padded(to: 17)) \(rps) requests/s, p99 \(p99) (2 threads, 32 connections, \(duration) s)")
            }
        } else {
            console.out("  wrk not on PATH (apt-get install wrk): HTTP load test skipped")
        }
        await stopper.stop()
        _ = try? await server.value

        // (5) A converted pipeline deployed by its own deploy.sh.
        guard pipelineNodes > 0 else { return }
        guard let kubectl = Self.onPath("kubectl") else {
            console.out("  kubectl not on PATH: deploy.sh of a \(pipelineNodes)-node pipeline skipped")
            return
        }
        let pipeline = try LivePlayground(config: PlaygroundConfig(scenario: Self.cluster(nodes: nodes), epoch: epoch), speed: .realtime(100))
        options.kubeconfig = work.appendingPathComponent("pipeline.kubeconfig").path
        let (ready2, ready2Continuation) = AsyncStream<Int>.makeStream()
        let stopper2 = ServerStopper()
        options.stopper = stopper2
        let secondOptions = options
        let server2 = Task { try await PlaygroundServer.run(pipeline, options: secondOptions) { ready2Continuation.yield($0) } }
        for await _ in ready2 { break }
        let blueprint = work.appendingPathComponent("pipeline.json").path
        try JSONWriter().write(BenchConvert.syntheticBlueprint(nodes: pipelineNodes)).write(toFile: blueprint, atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("solution").path
        let loaded = try BlueprintLoader.load(contentsOf: blueprint)
        let generator = ManifestGenerator(options: ManifestOptions())
        try SolutionBundle.pipeline(loaded, manifests: generator.generate(loaded.graph), options: generator.options, protos: ProtoCollection())
            .write(to: out, overwrite: false)
        let d0 = clock.now
        let result = try Self.capture("/bin/sh", ["\(out)/deploy.sh", "-n", "pipeline", "--create-namespace"],
                                      environment: ["KUBECONFIG": options.kubeconfig ?? "", "KUBECTL": kubectl, "HOME": work.path])
        let took = clock.now - d0
        let rolled = result.components(separatedBy: "successfully rolled out").count - 1
        console.out(String(format: "  deploy.sh, %d-node pipeline  %.1f s wall from start to finish (%d of %d rollouts reported success, --speed 100)",
                           pipelineNodes, took.seconds, rolled, pipelineNodes + 1))
        await stopper2.stop()
        _ = try? await server2.value
    }

    final class PortBox: @unchecked Sendable { var value = 0 }

    static func onPath(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `capture` on a thread of its own, so waiting for the program holds none of the few
    /// threads Swift's tasks run on (the server under test needs them).
    static func captureOffPool(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try capture(executable, arguments) }) }.start()
        }
    }

    /// Runs a program and returns its standard output (standard error is dropped).
    static func capture(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
