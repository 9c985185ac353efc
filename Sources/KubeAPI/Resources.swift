import Blueprint

/// An API error, answered as a `Status` object the way kube-apiserver writes them, so kubectl
/// prints `Error from server (NotFound): …`.
public struct APIError: Error, Sendable, Equatable {
    public var code: Int
    public var reason: String
    public var message: String
    /// `details` of the Status: the object's name and kind, when known.
    public var name: String?
    public var kind: String?
    public var group: String?

    public init(code: Int, reason: String, message: String, name: String? = nil, kind: String? = nil, group: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.kind = kind
        self.group = group
    }

    static func badRequest(_ message: String) -> APIError { APIError(code: 400, reason: "BadRequest", message: message) }
    static func invalid(_ message: String) -> APIError { APIError(code: 422, reason: "Invalid", message: message) }

    static func notFound(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(type.qualifiedPlural) \"\(name)\" not found", name: name, kind: type.plural,
                 group: type.group)
    }

    static func alreadyExists(_ type: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedPlural) \"\(name)\" already exists", name: name,
                 kind: type.plural, group: type.group)
    }

    /// The 404 kube-apiserver gives a path it does not serve.
    static let noSuchPath = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }

    var status: JSONValue {
        var o: JSONObject = ["kind": "Status", "apiVersion": "v1", "metadata": .object(JSONObject()), "status": "Failure",
                             "message": .string(message), "reason": .string(reason)]
        if name != nil || kind != nil {
            var details = JSONObject()
            if let name { details["name"] = .string(name) }
            if let group, !group.isEmpty { details["group"] = .string(group) }
            if let kind { details["kind"] = .string(kind) }
            o["details"] = .object(details)
        }
        o["code"] = .int(code)
        return .object(o)
    }
}

/// One kind of object the playground serves, with what discovery says of it.
public struct ResourceType: Sendable, Hashable {
    public var group: String
    public var version: String
    public var plural: String
    public var singular: String
    public var kind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Served from the simulation, not stored (metrics.k8s.io).
    public var readOnly = false

    var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `deployments.apps`, as error messages name it; core types have no group.
    var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }
    var listKind: String { kind + "List" }

    var verbs: [String] {
        readOnly ? ["get", "list"] : ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    }

    static func core(_ plural: String, _ kind: String, namespaced: Bool = true, short: [String] = [], all: Bool = false) -> ResourceType {
        ResourceType(group: "", version: "v1", plural: plural, singular: kind.lowercased(), kind: kind, namespaced: namespaced,
                     shortNames: short, categories: all ? ["all"] : [])
    }

    static let namespaces = core("namespaces", "Namespace", namespaced: false, short: ["ns"])
    static let nodes = core("nodes", "Node", namespaced: false, short: ["no"])
    static let pods = core("pods", "Pod", short: ["po"], all: true)
    static let services = core("services", "Service", short: ["svc"], all: true)
    static let endpoints = core("endpoints", "Endpoints", short: ["ep"])
    static let pvcs = core("persistentvolumeclaims", "PersistentVolumeClaim", short: ["pvc"])
    static let events = core("events", "Event", short: ["ev"])
    static let configMaps = core("configmaps", "ConfigMap", short: ["cm"])
    static let secrets = core("secrets", "Secret")
    static let serviceAccounts = core("serviceaccounts", "ServiceAccount", short: ["sa"])
    static let deployments = ResourceType(group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment",
                                          namespaced: true, shortNames: ["deploy"], categories: ["all"])
    static let replicaSets = ResourceType(group: "apps", version: "v1", plural: "replicasets", singular: "replicaset", kind: "ReplicaSet",
                                          namespaced: true, shortNames: ["rs"], categories: ["all"])
    static let hpas = ResourceType(group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", singular: "horizontalpodautoscaler",
                                   kind: "HorizontalPodAutoscaler", namespaced: true, shortNames: ["hpa"], categories: ["all"])
    static let storageClasses = ResourceType(group: "storage.k8s.io", version: "v1", plural: "storageclasses", singular: "storageclass",
                                             kind: "StorageClass", namespaced: false, shortNames: ["sc"], categories: [])
    /// Listed (always empty) because kubectl looks for a definition of a kind it does not know;
    /// creating one is refused.
    static let crds = ResourceType(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
                                   singular: "customresourcedefinition", kind: "CustomResourceDefinition", namespaced: false,
                                   shortNames: ["crd", "crds"], categories: [])
    static let nodeMetrics = ResourceType(group: "metrics.k8s.io", version: "v1beta1", plural: "nodes", singular: "", kind: "NodeMetrics",
                                          namespaced: false, shortNames: [], categories: [], readOnly: true)
    static let podMetrics = ResourceType(group: "metrics.k8s.io", version: "v1beta1", plural: "pods", singular: "", kind: "PodMetrics",
                                         namespaced: true, shortNames: [], categories: [], readOnly: true)

    /// Everything served, in discovery order.
    public static let all: [ResourceType] = [
        namespaces, nodes, pods, services, endpoints, pvcs, events, configMaps, secrets, serviceAccounts,
        deployments, replicaSets, hpas, storageClasses, crds, nodeMetrics, podMetrics,
    ]

    static let groupVersions: [(group: String, version: String)] = [
        ("apps", "v1"), ("autoscaling", "v2"), ("storage.k8s.io", "v1"), ("apiextensions.k8s.io", "v1"), ("metrics.k8s.io", "v1beta1"),
    ]

    static func find(groupVersion: String, plural: String) -> ResourceType? {
        all.first { $0.groupVersion == groupVersion && $0.plural == plural }
    }

    static func find(kind: String, apiVersion: String) -> ResourceType? {
        all.first { $0.kind == kind && $0.groupVersion == apiVersion && !$0.readOnly }
    }
}

/// The discovery and OpenAPI documents kubectl reads before it acts.
enum Discovery {
    static func version() -> JSONValue {
        .object(["major": "1", "minor": "32", "gitVersion": "v1.32.0-kubeprint", "gitCommit": "", "gitTreeState": "clean",
                 "buildDate": "2026-01-01T00:00:00Z", "goVersion": "", "compiler": "kubeprint", "platform": "linux/amd64"])
    }

    static func apiVersions() -> JSONValue {
        .object(["kind": "APIVersions", "versions": .array(["v1"]),
                 "serverAddressByClientCIDRs": .array([.object(["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"])])])
    }

    static func groupList() -> JSONValue {
        let groups: [JSONValue] = ResourceType.groupVersions.map { g in
            let gv: JSONValue = .object(["groupVersion": .string("\(g.group)/\(g.version)"), "version": .string(g.version)])
            return .object(["name": .string(g.group), "versions": .array([gv]), "preferredVersion": gv])
        }
        return .object(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)])
    }

    static func group(_ name: String) -> JSONValue? {
        guard let g = ResourceType.groupVersions.first(where: { $0.group == name }) else { return nil }
        let gv: JSONValue = .object(["groupVersion": .string("\(g.group)/\(g.version)"), "version": .string(g.version)])
        return .object(["kind": "APIGroup", "apiVersion": "v1", "name": .string(g.group), "versions": .array([gv]), "preferredVersion": gv])
    }

    static func resourceList(groupVersion: String) -> JSONValue? {
        let types = ResourceType.all.filter { $0.groupVersion == groupVersion }
        guard !types.isEmpty else { return nil }
        var resources: [JSONValue] = []
        for t in types {
            var r: JSONObject = ["name": .string(t.plural), "singularName": .string(t.singular), "namespaced": .bool(t.namespaced),
                                 "kind": .string(t.kind), "verbs": .array(t.verbs.map { .string($0) })]
            if !t.shortNames.isEmpty { r["shortNames"] = .array(t.shortNames.map { .string($0) }) }
            if !t.categories.isEmpty { r["categories"] = .array(t.categories.map { .string($0) }) }
            resources.append(.object(r))
            if t == .deployments || t == .replicaSets {
                resources.append(.object(["name": .string("\(t.plural)/scale"), "singularName": "", "namespaced": true,
                                          "group": "autoscaling", "version": "v1", "kind": "Scale",
                                          "verbs": .array(["get", "patch", "update"])]))
            }
            if t == .deployments || t == .pods || t == .namespaces || t == .services {
                resources.append(.object(["name": .string("\(t.plural)/status"), "singularName": "", "namespaced": .bool(t.namespaced),
                                          "kind": .string(t.kind), "verbs": .array(["get", "patch", "update"])]))
            }
            if t == .pods {
                resources.append(.object(["name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": .array(["get"])]))
            }
        }
        return .object(["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)])
    }

    /// An OpenAPI v2 `Document` in protobuf with only `swagger: "2.0"` and its info (all bytes
    /// are ASCII, so it travels as text).
    static let openAPIv2Protobuf: String = {
        func field(_ number: UInt8, _ text: String) -> [UInt8] { [number << 3 | 2, UInt8(text.utf8.count)] + Array(text.utf8) }
        let info = field(1, "Kubernetes") + field(2, "v1.32.0")
        let bytes = field(1, "2.0") + [2 << 3 | 2, UInt8(info.count)] + info
        return String(decoding: bytes, as: UTF8.self)
    }()

    /// `/openapi/v3`: one document per group-version.
    static func openAPIRoot() -> JSONValue {
        var paths = JSONObject()
        paths["api/v1"] = .object(["serverRelativeURL": "/openapi/v3/api/v1"])
        for g in ResourceType.groupVersions where g.group != "metrics.k8s.io" {
            paths["apis/\(g.group)/\(g.version)"] = .object(["serverRelativeURL": .string("/openapi/v3/apis/\(g.group)/\(g.version)")])
        }
        return .object(["paths": .object(paths)])
    }

    /// A group-version's document: a PATCH operation per kind that declares `fieldValidation`,
    /// so `kubectl apply` leaves validation to the server.
    static func openAPI(groupVersion: String) -> JSONValue? {
        let types = ResourceType.all.filter { $0.groupVersion == groupVersion && !$0.readOnly }
        guard !types.isEmpty else { return nil }
        var paths = JSONObject()
        for t in types {
            let prefix = t.group.isEmpty ? "/api/v1" : "/apis/\(t.groupVersion)"
            let path = t.namespaced ? "\(prefix)/namespaces/{namespace}/\(t.plural)/{name}" : "\(prefix)/\(t.plural)/{name}"
            let gvk: JSONValue = .object(["group": .string(t.group), "version": .string(t.version), "kind": .string(t.kind)])
            let parameters: JSONValue = .array([
                .object(["name": "fieldValidation", "in": "query", "schema": .object(["type": "string"])]),
                .object(["name": "fieldManager", "in": "query", "schema": .object(["type": "string"])]),
                .object(["name": "dryRun", "in": "query", "schema": .object(["type": "string"])]),
            ])
            let op: JSONValue = .object(["x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": "patch", "parameters": parameters,
                                         "responses": .object(["200": .object(["description": "OK"])])])
            paths[path] = .object(["patch": op])
        }
        return .object(["openapi": "3.0.0", "info": .object(["title": "Kubernetes", "version": "v1.32.0"]), "paths": .object(paths)])
    }
}
