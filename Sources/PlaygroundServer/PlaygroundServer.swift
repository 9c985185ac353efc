import Blueprint
import Deployer
import Foundation
import HTTPTypes
import Hummingbird
import KubeAPI
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import YAML

/// How `kubeprint serve` listens.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8080
    /// Where to write a kubeconfig once the server listens (nil: none).
    public var kubeconfig: String?
    /// Largest request body accepted.
    public var maxBody = 16 << 20
    public var logLevel: Logger.Level = .info
    /// The AI4EU deployer endpoints (nil: off, answered with a 404 saying how to turn them on).
    public var deployer: DeployerService?
    /// Lets the caller stop the server gracefully, as SIGTERM would (tests, benchmarks).
    public var stopper: ServerStopper?

    public init() {}
}

/// Stops a running server gracefully (open connections finish, watches end), instead of
/// cancelling its task, which tears the listener down mid-flight.
public final class ServerStopper: Sendable {
    private let group = Mutex<ServiceGroup?>(nil)
    private let requested = Mutex(false)

    public init() {}

    func attach(_ g: ServiceGroup) async {
        group.withLock { $0 = g }
        if requested.withLock({ $0 }) { await g.triggerGracefulShutdown() }
    }

    /// Asks the server to stop; `run` returns once it has.
    public func stop() async {
        requested.withLock { $0 = true }
        if let g = group.withLock({ $0 }) { await g.triggerGracefulShutdown() }
    }
}

/// The live playground over HTTP: the Kubernetes API kubectl uses, the dashboard at `/`,
/// Prometheus metrics at `/metrics`.
public enum PlaygroundServer {
    /// Serves until SIGINT or SIGTERM; `onListening` gets the bound port once the server
    /// accepts connections (and after the kubeconfig is written).
    public static func run(_ playground: LivePlayground, options: ServerOptions,
                           onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws
    {
        let logger = {
            var l = Logger(label: "kubeprint.serve")
            l.logLevel = options.logLevel
            return l
        }()
        let responder = CallbackResponder<BasicRequestContext> { request, context in
            if DeployerService.handles(path: request.uri.path) {
                return await respondDeployer(request, deployer: options.deployer, logger: logger)
            }
            return try await respond(request, context: context, playground: playground, maxBody: options.maxBody,
                                     extraMetrics: options.deployer)
        }
        let host = options.host
        let kubeconfig = options.kubeconfig
        // A kubeconfig left by an earlier run would point a waiting script at a dead port.
        if let kubeconfig, let old = try? String(contentsOfFile: kubeconfig, encoding: .utf8), old.contains("kubeprint-playground") {
            try? FileManager.default.removeItem(atPath: kubeconfig)
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: options.port), serverName: "kubeprint"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                if let kubeconfig {
                    do {
                        try writeKubeconfig(kubeconfig, server: "http://\(urlHost(host)):\(port)")
                    } catch {
                        logger.error("cannot write the kubeconfig '\(kubeconfig)': \(error)")
                    }
                }
                onListening(port)
            },
            logger: logger)
        let clock = ClockService(playground: playground)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: clock)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        await options.stopper?.attach(group)
        try await group.run()
    }

    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// A kubeconfig naming the playground (written aside and renamed, so it appears whole).
    public static func writeKubeconfig(_ path: String, server: String) throws {
        let cluster: YAMLNode = ["name": "kubeprint-playground", "cluster": ["server": .string(server)]]
        let user: YAMLNode = ["name": "kubeprint", "user": YAMLNode.mapping(YAMLMapping())]
        let context: YAMLNode = ["name": "kubeprint-playground",
                                 "context": ["cluster": "kubeprint-playground", "user": "kubeprint", "namespace": "default"]]
        let config: YAMLNode = ["apiVersion": "v1", "kind": "Config", "clusters": [cluster], "users": [user], "contexts": [context],
                                "current-context": "kubeprint-playground", "preferences": YAMLNode.mapping(YAMLMapping())]
        let text = try YAMLEmitter().emit(config)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).kubeprint-tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw PlaygroundServerError("cannot write the kubeconfig '\(path)': \(reason)")
        }
    }

    static func respond(_ request: Request, context: BasicRequestContext, playground: LivePlayground, maxBody: Int,
                        extraMetrics deployer: DeployerService?) async throws -> Response
    {
        let path = request.uri.path
        if request.method == .get, path == "/" || path == "/dashboard" {
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
        if request.method == .get, path == "/metrics" {
            let text = await playground.metricsText() + (deployer?.metricsText() ?? "")
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                             body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        var body: [UInt8] = []
        if request.method != .get && request.method != .head {
            var r = request
            do {
                let buffer = try await r.collectBody(upTo: maxBody)
                body = Array(buffer.readableBytesView)
            } catch {
                let e = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"the request body is larger than \(maxBody) bytes\",\"reason\":\"RequestEntityTooLarge\",\"code\":413}"
                return Response(status: .contentTooLarge, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: e)))
            }
        }
        let query = APIRequest.parseQuery(Substring(request.uri.query ?? ""))
        let api = APIRequest(method: request.method.rawValue, path: path, query: query,
                             accept: request.headers[.accept] ?? "application/json",
                             contentType: request.headers[.contentType] ?? "application/json", body: body)
        switch await playground.handle(api) {
        case .response(let r):
            var headers: HTTPFields = [.contentType: r.contentType]
            if let warning = HTTPField.Name("Warning") {
                for w in r.warnings { headers.append(HTTPField(name: warning, value: "299 - \"\(w.replacingOccurrences(of: "\"", with: "'"))\"")) }
            }
            return Response(status: HTTPResponse.Status(code: r.status), headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: r.body)))
        case .watch(let initial, let stream, let timeout, let stop):
            let body = ResponseBody { writer in
                let timer = Task {
                    try? await Task.sleep(for: .seconds(timeout))
                    stop()
                }
                // However the stream ends (timeout, shutdown, the client going away), the watch goes.
                defer {
                    timer.cancel()
                    stop()
                }
                for line in initial { try await writer.write(ByteBuffer(string: line)) }
                if timeout > 0 {
                    for await line in stream { try await writer.write(ByteBuffer(string: line)) }
                }
                stop()
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
        }
    }
}

extension PlaygroundServer {
    /// The deployer's endpoints: every request gets an id (logged, and sent back as `X-Request-Id`).
    static func respondDeployer(_ request: Request, deployer: DeployerService?, logger: Logger) async -> Response {
        let id = RequestIDs.next()
        guard let deployer else {
            return json(404, "{\"error\":{\"message\":\"the deployer endpoints are off: start kubeprint serve with --jwt-secret-file FILE\",\"status\":404}}", id: id)
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let query = APIRequest.parseQuery(Substring(request.uri.query ?? ""))
        // The token first: a bad one is refused before a byte of the body is read.
        let (refused, limit) = deployer.preflight(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers)
        if let refused {
            logger.info("deployer request refused", metadata: ["request": .string(id), "path": .string(request.uri.path), "status": .stringConvertible(refused.status)])
            return response(refused, id: id)
        }
        var body: [UInt8] = []
        if request.method != .get && request.method != .head {
            var r = request
            do {
                body = Array(try await r.collectBody(upTo: limit).readableBytesView)
            } catch {
                logger.info("deployer request refused: body over \(limit) bytes", metadata: ["request": .string(id), "path": .string(request.uri.path)])
                return json(413, "{\"error\":{\"message\":\"the request body is larger than \(limit) bytes, the limit of \(request.uri.path)\",\"status\":413}}", id: id)
            }
        }
        let started = ContinuousClock.now
        let reply = await deployer.handle(DeployerRequest(method: request.method.rawValue, path: request.uri.path, query: query,
                                                          headers: headers, body: body, requestID: id))
        let took = ContinuousClock.now - started
        var metadata: Logger.Metadata = ["request": .string(id), "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                                         "status": .stringConvertible(reply.status), "ms": .string(String(format: "%.1f", Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000))]
        if let detail = reply.logDetail {
            metadata["detail"] = .string(detail)
            logger.error("deployer request failed", metadata: metadata)
        } else {
            logger.info("deployer request", metadata: metadata)
        }
        return response(reply, id: id)
    }

    static func response(_ reply: DeployerResponse, id: String) -> Response {
        var fields: HTTPFields = [.contentType: reply.contentType]
        if let name = HTTPField.Name("X-Request-Id") { fields[name] = id }
        for (k, v) in reply.headers.sorted(by: { $0.key < $1.key }) {
            if let name = HTTPField.Name(k) { fields[name] = v }
        }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    static func json(_ status: Int, _ text: String, id: String) -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let name = HTTPField.Name("X-Request-Id") { fields[name] = id }
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}

/// Request ids: a per-process random prefix and a counter (`3f9a1c-000042`).
enum RequestIDs {
    static let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    static let counter = Counter()

    static func next() -> String {
        let n = counter.increment()
        let digits = String(n)
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}

public struct PlaygroundServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Moves virtual time with the clock while the server runs; on shutdown closes the watches
/// and ends the recording.
struct ClockService: Service {
    let playground: LivePlayground

    func run() async throws {
        await withGracefulShutdownHandler {
            await playground.followClock(while: { !Task.isShuttingDownGracefully })
        } onGracefulShutdown: {
            Task { await playground.finish() }
        }
        await playground.finish()
    }
}
