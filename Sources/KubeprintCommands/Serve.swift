import ArgumentParser
import Cluster
import Deployer
import Foundation
import KubeAPI
import Manifests
import Playground
import PlaygroundServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the simulated playground cluster behind the Kubernetes API, for kubectl and a solution's deploy.sh.",
        discussion: """
            Starts a live playground: a Kubernetes API server (the subset kubectl needs) whose \
            scheduler, kubelets, image pulls and controllers are kubeprint's simulator. Virtual \
            time follows the wall clock times --speed (default 20: a 2 s image pull shows in \
            0.1 s); with --speed manual it moves only through POST /playground/v1/advance?by=30s \
            (or ?until=idle). The server binds the loopback address, prints its URL and writes a \
            kubeconfig for kubectl (once it listens, so a script can wait for the file).

            Then, unchanged:
              KUBECONFIG=playground.kubeconfig sh out/deploy.sh -n news --create-namespace
              KUBECONFIG=playground.kubeconfig kubectl get pods -n news -o wide

            GET / is a dashboard of nodes, pods, deployments, pulls and events; GET /metrics is \
            Prometheus text. --record FILE writes every change with its virtual time, and \
            `kubeprint simulate --replay FILE` reproduces the session's final state.

            With --jwt-secret-file FILE the AI4EU deployer endpoints are on (GET /deploy/{solution}/{revision}, \
            PUT /solutions/{solution}/revisions/{revision}, POST /deploy_solution, /deployments…; their \
            OpenAPI document is GET /deployer/openapi.yaml): each request needs a portal JWT (HS512 or \
            HS256 over the base64-decoded secret; `kubeprint token` makes one). They keep solutions, \
            deployments and the playground's applied objects in an SQLite store (--db, default \
            kubeprint-playground.sqlite), so after a restart — clean or kill -9 — the cluster comes back \
            with the same objects and re-created pods. --db without a secret keeps only the cluster.

            Examples:
              kubeprint serve
              kubeprint serve --jwt-secret-file secret.txt --db playground.sqlite
              kubeprint serve --port 0 --kubeconfig /tmp/pg.kubeconfig --speed manual
              kubeprint serve --cluster scenarios/edge-demo.yaml --record session.jsonl
            """)

    @Option(help: ArgumentHelp("Address to bind (the API has no authentication: keep it on the loopback address).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port = 8080

    @Option(help: ArgumentHelp("A scenario file whose cluster (nodes, registries, images, kubelet settings) to run (default: four 4-CPU / 8 GiB nodes, a 1 Gbit/s registry).", valueName: "file"))
    var cluster: String?

    @Option(help: ArgumentHelp("Virtual seconds per wall-clock second, or 'manual'.", valueName: "N|manual"))
    var speed = "20"

    @Option(help: ArgumentHelp("Where to write the kubeconfig for kubectl.", valueName: "file"))
    var kubeconfig = "playground.kubeconfig"

    @Option(help: ArgumentHelp("Write the session (every change with its virtual time) to FILE, for `simulate --replay`.", valueName: "file"))
    var record: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Size of an image the cluster scenario does not declare.", valueName: "size"))
    var imageSize = "500MB"

    @Option(help: ArgumentHelp("Pod creations and deletions per second the ReplicaSet controller may make (kube-controller-manager's --kube-api-qps; 0: no limit).", valueName: "rate"))
    var controllerQPS: Double = 20

    @Option(help: ArgumentHelp("How many of them it may make at once (--kube-api-burst).", valueName: "count"))
    var controllerBurst = 30

    @Option(help: "Seed (names, UIDs, node ports, start-up times).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The portal's jwt.auth.secret.key (base64 text) in a file: turns the deployer endpoints on.", valueName: "file"))
    var jwtSecretFile: String?

    @Option(help: ArgumentHelp("SQLite store of solutions, deployments and the cluster's applied objects (default with --jwt-secret-file: kubeprint-playground.sqlite).", valueName: "path"))
    var db: String?

    @Flag(help: "Log every request.")
    var verbose = false

    init() {}

    func validate() throws {
        guard PlaygroundSpeed(speed) != nil else {
            throw ValidationError("--speed must be a positive number of virtual seconds per second (at most 100000) or 'manual', not '\(speed)'")
        }
        guard controllerQPS.isFinite, controllerQPS == 0 || (0.001...100_000).contains(controllerQPS) else {
            throw ValidationError("--controller-qps must be 0.001–100000 calls per second (0: no limit), not \(controllerQPS)")
        }
        guard (1...100_000).contains(controllerBurst) else { throw ValidationError("--controller-burst must be 1–100000, not \(controllerBurst)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535, not \(port)") }
        if QuantityParser.bytes(.string(imageSize)) == nil {
            throw ValidationError("--image-size '\(imageSize)' is not a size of at most \(Limits.bytesText) (examples: 500MB, 2GB)")
        }
    }

    func run() async throws {
        MemoryTuning.forLiveServer()
        let console = Console()
        let (config, clusterText) = try Self.config(cluster: cluster, seed: seed, epoch: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        var c = config
        c.defaultImageSize = QuantityParser.bytes(.string(imageSize)) ?? c.defaultImageSize
        c.controllerQPS = controllerQPS
        c.controllerBurst = controllerBurst
        let recorder = try record.map { try SessionRecorder(path: $0, cluster: clusterText) }
        let speedValue = PlaygroundSpeed(speed) ?? .realtime(20)
        let playground = try LivePlayground(config: c, speed: speedValue, record: recorder)
        var options = ServerOptions()
        let (deployer, notes) = try await Self.deployer(secretFile: jwtSecretFile, db: db, playground: playground, console: console)
        options.deployer = deployer
        options.host = host
        options.port = port
        options.kubeconfig = kubeconfig
        options.logLevel = verbose ? .debug : .warning
        let host = self.host
        let kubeconfig = self.kubeconfig
        let nodes = c.scenario.nodes.count
        try await PlaygroundServer.run(playground, options: options) { port in
            let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            console.out("kubeprint playground: \(url)  (\(nodes) nodes, virtual time \(speedValue == .manual ? "manual" : "×\(speedValue)"))")
            console.out("  kubeconfig: \(kubeconfig)    export KUBECONFIG=\(kubeconfig)")
            console.out("  dashboard:  \(url)/    metrics: \(url)/metrics")
            notes.forEach { console.out("  " + $0) }
        }
    }

    /// The deployer over its store, brought back to the stored state (nil: neither a secret nor --db),
    /// and what to say of it once the server listens.
    static func deployer(secretFile: String?, db: String?, playground: LivePlayground, console: Console) async throws -> (DeployerService?, [String]) {
        var verifier: TokenVerifier?
        if let secretFile {
            guard let data = FileManager.default.contents(atPath: secretFile), let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure("cannot read the JWT secret file '\(secretFile)'", hint: "give a file holding the base64 text of the portal's jwt.auth.secret.key")
            }
            do {
                verifier = try TokenVerifier(secretBase64: text)
            } catch {
                throw CommandFailure("--jwt-secret-file '\(secretFile)': \(error.message)", hint: nil)
            }
            if let v = verifier, !v.algorithms.contains(.hs512) {
                console.warning("the JWT secret is shorter than 64 bytes: HS512 tokens (the portal's) are refused, HS256 ones accepted")
            }
        }
        let off = "deployer:   off (start with --jwt-secret-file FILE to turn it on)"
        guard verifier != nil || db != nil else { return (nil, [off]) }
        let path = db ?? "kubeprint-playground.sqlite"
        let store: DeployerStore
        do {
            store = try DeployerStore(path: path)
        } catch {
            throw CommandFailure(error.message, hint: "choose another --db path")
        }
        let service = DeployerService(store: store, playground: playground, verifier: verifier)
        let report: DeployerStartReport
        do {
            report = try await service.start { message in FileHandle.standardError.write(Data("kubeprint: error: \(message)\n".utf8)) }
        } catch {
            throw CommandFailure(error.message, hint: "the store '\(path)' may be damaged; move it away to start empty")
        }
        for id in report.interrupted { console.warning("deployment \(id) was interrupted by the last stop; it is marked failed") }
        for p in report.problems { console.warning("not restored: \(p)") }
        var notes = ["store:      \(path)" + (report.restoredObjects > 0 ? " (\(report.restoredObjects) objects restored)" : "")]
        notes.append(verifier == nil ? off : "deployer:   on (portal JWTs; OpenAPI document at /deployer/openapi.yaml)")
        return (service, notes)
    }

    /// The playground's configuration: the cluster scenario (or the built-in cluster), and the
    /// scenario's text for recordings.
    static func config(cluster: String?, seed: UInt64, epoch: Date) throws -> (PlaygroundConfig, String?) {
        var text: String?
        if let cluster {
            guard let data = FileManager.default.contents(atPath: cluster), let t = String(data: data, encoding: .utf8) else {
                throw CommandFailure("cannot read the cluster scenario '\(cluster)'", hint: "give the path of a scenario YAML file")
            }
            text = t
        }
        return try config(clusterText: text, seed: seed, epoch: epoch, file: cluster ?? "")
    }

    /// The same from the scenario's text (nil: the built-in cluster); `file` names it in errors.
    static func config(clusterText: String?, seed: UInt64, epoch: Date, file: String) throws -> (PlaygroundConfig, String?) {
        var scenario = Playground.defaultCluster(seed: seed)
        if let clusterText {
            scenario = try ScenarioFile.parse(clusterText, file: file).cluster
            scenario.seed = seed
            try Self.refuseCompatibility(scenario, file: file)
        }
        return (PlaygroundConfig(scenario: scenario, epoch: epoch), clusterText)
    }
}

extension Serve {
    /// The playground is a Kubernetes cluster: a cluster file written for the faas-sim profile
    /// (which changes placement, pulls and when load starts) is refused rather than half-applied.
    static func refuseCompatibility(_ scenario: ClusterScenario, file: String) throws {
        guard scenario.compatibility != .kubernetes else { return }
        throw CommandFailure("\(file): compatibility: \(scenario.compatibility.rawValue) is for kubeprint simulate; the playground is Kubernetes-faithful",
                             hint: "remove the compatibility line (or use another cluster file) for serve and deploy --cluster")
    }
}
