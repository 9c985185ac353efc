import Blueprint
import Cluster
import Foundation
@testable import KubeAPI
import Simulation
import Testing

/// A playground in manual time, and a small client for it.
struct TestPlayground {
    let playground: LivePlayground

    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func config(nodes: Int = 4, cpu: Int64 = 4000, seed: UInt64 = 1) -> PlaygroundConfig {
        let specs = (0..<nodes).map { NodeSpec(name: "node-\($0)", capacity: Resources(cpuMillis: cpu, memoryBytes: 8 << 30)) }
        let scenario = ClusterScenario(nodes: specs, registries: [RegistrySpec(name: "registry", bandwidth: 125_000_000, roundTrip: 0.05)],
                                       images: [], pods: [], seed: seed)
        var config = PlaygroundConfig(scenario: scenario, epoch: epoch)
        config.defaultImageSize = 250_000_000
        return config
    }

    init(nodes: Int = 4, cpu: Int64 = 4000, record: SessionRecorder? = nil) throws {
        playground = try LivePlayground(config: Self.config(nodes: nodes, cpu: cpu), speed: .manual, record: record)
    }

    init(config: PlaygroundConfig) throws {
        playground = try LivePlayground(config: config, speed: .manual)
    }

    struct Reply {
        var status: Int
        var body: String
        var warnings: [String]
        var json: JSONValue { (try? JSONParser(recordsPositions: false).parse(body).root) ?? .null }
    }

    @discardableResult
    func request(_ method: String, _ path: String, _ body: String? = nil, query: [String: String] = [:],
                 contentType: String = "application/json", accept: String = "application/json") async -> Reply
    {
        let r = APIRequest(method: method, path: path, query: query, accept: accept, contentType: contentType, body: Array((body ?? "").utf8))
        switch await playground.handle(r) {
        case .response(let response): return Reply(status: response.status, body: response.body, warnings: response.warnings)
        case .watch(let initial, _, _, let stop):
            stop()
            return Reply(status: 200, body: initial.joined(), warnings: [])
        }
    }

    func get(_ path: String, query: [String: String] = [:]) async -> JSONValue { await request("GET", path, query: query).json }

    func items(_ path: String, query: [String: String] = [:]) async -> [JSONValue] { await get(path, query: query)["items"]?.array ?? [] }

    func settle(_ seconds: Double = 600) async { await playground.advanceUntilIdle(limit: seconds) }

    @discardableResult
    func create(_ path: String, _ body: String) async -> Reply {
        let r = await request("POST", path, body)
        #expect(r.status == 201, "POST \(path): \(r.status) \(r.body)")
        return r
    }

    func namespace(_ name: String) async {
        await create("/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)"}}"#)
    }

    static func deployment(_ name: String, replicas: Int = 1, image: String = "registry.example/app:1", cpu: String = "250m",
                           extraSpec: String = "", volumes: String = "") -> String
    {
        #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"\#(name)","labels":{"app":"\#(name)"}},
         "spec":{"replicas":\#(replicas),"selector":{"matchLabels":{"app":"\#(name)"}},\#(extraSpec)
          "template":{"metadata":{"labels":{"app":"\#(name)"}},
           "spec":{"containers":[{"name":"\#(name)","image":"\#(image)","ports":[{"containerPort":8061}],
                   "resources":{"requests":{"cpu":"\#(cpu)","memory":"256Mi"}}\#(volumes.isEmpty ? "" : #","volumeMounts":[{"name":"data","mountPath":"/data"}]"#)}]\#(volumes)}}}}
        """#
    }

    func pods(_ ns: String) async -> [JSONValue] { await items("/api/v1/namespaces/\(ns)/pods") }

    func readyPods(_ ns: String) async -> [JSONValue] {
        await pods(ns).filter { pod in
            (pod.at("status", "conditions")?.array ?? []).contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" }
        }
    }

    func events(_ ns: String) async -> [JSONValue] { await items("/api/v1/namespaces/\(ns)/events") }
}
