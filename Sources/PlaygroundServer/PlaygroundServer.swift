import Blueprint
import Foundation
import HTTPTypes
import Hummingbird
import KubeAPI
import Logging
import NIOCore
import ServiceLifecycle
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

    public init() {}
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
            try await respond(request, context: context, playground: playground, maxBody: options.maxBody)
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

    static func respond(_ request: Request, context: BasicRequestContext, playground: LivePlayground, maxBody: Int) async throws -> Response {
        let path = request.uri.path
        if request.method == .get, path == "/" || path == "/dashboard" {
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: DashboardPage.html)))
        }
        if request.method == .get, path == "/metrics" {
            let text = await playground.metricsText()
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
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await playground.catchUp()
                try? await Task.sleep(for: .milliseconds(20))
            }
        } onGracefulShutdown: {
            Task { await playground.finish() }
        }
        await playground.finish()
    }
}
