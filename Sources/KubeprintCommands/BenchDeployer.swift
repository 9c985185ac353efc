import ArgumentParser
import Blueprint
import Deployer
import Foundation
import KubeAPI
import Playground
import PlaygroundServer
import Synchronization

struct BenchDeployer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployer",
        abstract: "Time the deployer: server time to build and deploy a pipeline, and status requests under load while deploys run.",
        discussion: """
            With a store in a temporary folder and a playground in manual time: (1) --deploys \
            uploads and deploys of a generated --pipeline-nodes blueprint through the deployer's \
            handler (server time: token check, build, solution.zip, apply); median and worst; \
            (2) with wrk on PATH (Debian package wrk), --duration of GET /deployments/{id} over \
            HTTP with a token, while further deploys run beside it: requests per second and p99.
            """)

    @Option(parsing: .unconditional, help: "Model nodes of the generated pipeline.")
    var pipelineNodes = 10

    @Option(parsing: .unconditional, help: "Deploys timed in-process.")
    var deploys = 20

    @Option(parsing: .unconditional, help: "Seconds of HTTP load (wrk).")
    var duration = 10

    init() {}

    func validate() throws {
        guard (1...2000).contains(pipelineNodes) else { throw ValidationError("--pipeline-nodes must be 1–2000") }
        guard (1...1000).contains(deploys) else { throw ValidationError("--deploys must be 1–1000") }
        guard (1...600).contains(duration) else { throw ValidationError("--duration must be 1–600 seconds") }
    }

    func run() async throws {
        MemoryTuning.forLiveServer()
        let console = Console()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kubeprint-bench-deployer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let secret = Data((0..<64).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let store = try DeployerStore(path: work.appendingPathComponent("store.sqlite").path)
        let playground = try LivePlayground(config: PlaygroundConfig(scenario: BenchServe.cluster(nodes: 100), epoch: Date(timeIntervalSince1970: 1_800_000_000)),
                                            speed: .manual)
        let service = DeployerService(store: store, playground: playground, verifier: try TokenVerifier(secretBase64: secret))
        _ = try await service.start()
        let token = try TokenSigner(secretBase64: secret).sign(email: "bench@example.org", lifetime: 86_400)
        let blueprint = Array(JSONWriter().write(BenchConvert.syntheticBlueprint(nodes: pipelineNodes)).utf8)
        let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        console.out("bench deployer: a \(pipelineNodes)-node pipeline, store \(store.path)")

        // (1) Server time of a deploy.
        var times: [Double] = []
        var lastID = ""
        let clock = ContinuousClock()
        for i in 0..<deploys {
            let up = await service.handle(DeployerRequest(method: "PUT", path: "/solutions/bench/revisions/r\(i)", headers: headers, body: blueprint))
            guard up.status == 201 else { throw CommandFailure("upload failed: \(up.text)") }
            let t0 = clock.now
            let r = await service.handle(DeployerRequest(method: "GET", path: "/deploy/bench/r\(i)", headers: headers))
            times.append((clock.now - t0).seconds * 1000)
            guard r.status == 201 else { throw CommandFailure("deploy failed: \(r.text)") }
            lastID = (try? JSONParser(recordsPositions: false).parse(r.text).root["id"]?.string) ?? lastID
        }
        times.sort()
        console.out(String(format: "  deploy (build + zip + apply %d objects' worth)  median %.1f ms, worst %.1f ms over %d deploys",
                           pipelineNodes * 2 + 2, times[times.count / 2], times.last ?? 0, deploys))

        // (2) Status requests over HTTP while deploys run.
        guard let wrk = BenchServe.onPath("wrk") else {
            console.out("  wrk not on PATH (apt-get install wrk): HTTP load test skipped")
            return
        }
        var options = ServerOptions()
        options.port = 0
        options.kubeconfig = work.appendingPathComponent("kubeconfig").path
        options.logLevel = .error
        options.deployer = service
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let stopper = ServerStopper()
        options.stopper = stopper
        let serverOptions = options
        let server = Task { try await PlaygroundServer.run(playground, options: serverOptions) { readyContinuation.yield($0) } }
        var port = 0
        for await p in ready { port = p; break }
        let url = "http://127.0.0.1:\(port)/deployments/\(lastID)"
        func load(_ label: String) async throws -> String {
            let out = try await BenchServe.captureOffPool(wrk, ["-t2", "-c32", "-d\(duration)s", "--latency", "-H", "Authorization: Bearer \(token)", url])
            let lines = out.split(separator: "\n")
            let rps = lines.first { $0.contains("Requests/sec") }?.split(separator: " ").last.map(String.init) ?? "?"
            let p99 = lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%") }?.split(separator: " ").last.map(String.init) ?? "?"
            let non2xx = lines.first { $0.contains("Non-2xx") }.map { " (\($0.trimmingCharacters(in: .whitespaces)))" } ?? ""
            return "  wrk GET /deployments/{id} \(label.padded(to: 22)) \(rps) requests/s, p99 \(p99)\(non2xx)"
        }
        console.out(try await load("alone") + " (2 threads, 32 connections, \(duration) s)")
        let stop = StopFlag()
        let deploysBeside = Task {
            var n = 0
            while !stop.isSet {
                let rev = "load\(n)"
                _ = await service.handle(DeployerRequest(method: "PUT", path: "/solutions/bench/revisions/\(rev)", headers: headers, body: blueprint))
                _ = await service.handle(DeployerRequest(method: "GET", path: "/deploy/bench/\(rev)", headers: headers))
                n += 1
            }
            return n
        }
        let beside = try await load("with deploys running")
        stop.set()
        let count = await deploysBeside.value
        console.out(beside + " (\(count) deploys one after another meanwhile)")
        await stopper.stop()
        _ = try? await server.value
    }

    final class StopFlag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }
}
