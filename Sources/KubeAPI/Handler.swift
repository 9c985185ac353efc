import Blueprint
import Cluster
import Foundation
import Simulation

/// An HTTP request as the API sees it (the server turns its own request type into this).
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var accept: String
    public var contentType: String
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], accept: String = "application/json",
                contentType: String = "application/json", body: [UInt8] = [])
    {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.accept = accept
        self.contentType = contentType
        self.body = body
    }

    /// Parses a `?a=b&c=d` query (percent-decoded, `+` as space).
    public static func parseQuery(_ text: Substring) -> [String: String] {
        var query: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            guard let key = parts.first else { continue }
            let k = decode(key)
            if query[k] == nil { query[k] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return query
    }

    /// Whether this request changes state (and so goes into a session recording).
    public var isMutation: Bool { method != "GET" && method != "HEAD" }
}

/// A reply: a body with its status, or the start of a watch.
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: String
    /// `Warning:` header values (`299 - "…"`), which kubectl prints.
    public var warnings: [String]

    public init(status: Int, contentType: String = "application/json", body: String, warnings: [String] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.warnings = warnings
    }
}

/// What a watch asks for.
struct WatchSpec {
    var type: ResourceType
    var namespace: String?
    var labels: LabelSelector
    var fields: FieldSelector
    var resourceVersion: Int?
    var timeoutSeconds: Int
    /// `kubectl get -w` asks for Table rows in its watch events.
    var table = false

    func matches(_ event: WatchEvent) -> Bool {
        guard event.resource == type.qualifiedPlural else { return false }
        if let namespace, type.namespaced, event.namespace != namespace { return false }
        return labels.matches(event.object.labels) && fields.matches(event.object)
    }
}

enum HandlerResult {
    case response(APIResponse)
    case watch(WatchSpec)
}

/// An address inside the resource API.
struct ResourcePath {
    var type: ResourceType
    var namespace: String?
    var name: String?
    var subresource: String?
}

extension APIState {
    func respond(_ status: Int, _ value: JSONValue) -> HandlerResult {
        .response(APIResponse(status: status, body: JSONWriter(pretty: false).write(value), warnings: warnings))
    }

    func fail(_ error: APIError) -> HandlerResult { respond(error.code, error.status) }

    func handle(_ request: APIRequest) -> HandlerResult {
        warnings = []
        let segments = request.path.split(separator: "/").map(String.init)
        do throws(APIError) {
            switch segments.first {
            case "version"?: return respond(200, Discovery.version())
            case "healthz"?, "readyz"?, "livez"?:
                return .response(APIResponse(status: 200, contentType: "text/plain; charset=utf-8", body: "ok"))
            case "openapi"?:
                return try openAPI(Array(segments.dropFirst()))
            case "api"?:
                if segments.count == 1 { return respond(200, Discovery.apiVersions()) }
                guard segments[1] == "v1" else { throw APIError.noSuchPath }
                if segments.count == 2 { return try discoveryList("v1") }
                return try resource(groupVersion: "v1", Array(segments.dropFirst(2)), request)
            case "apis"?:
                if segments.count == 1 { return respond(200, Discovery.groupList()) }
                if segments.count == 2 {
                    guard let g = Discovery.group(segments[1]) else { throw APIError.noSuchPath }
                    return respond(200, g)
                }
                let gv = "\(segments[1])/\(segments[2])"
                if segments.count == 3 { return try discoveryList(gv) }
                return try resource(groupVersion: gv, Array(segments.dropFirst(3)), request)
            default:
                throw APIError.noSuchPath
            }
        } catch {
            return fail(error)
        }
    }

    func discoveryList(_ gv: String) throws(APIError) -> HandlerResult {
        guard let list = Discovery.resourceList(groupVersion: gv) else { throw APIError.noSuchPath }
        return respond(200, list)
    }

    func openAPI(_ segments: [String]) throws(APIError) -> HandlerResult {
        if segments == ["v2"] {
            // kubectl reads v2 (as protobuf) only to validate a kind v3 does not list: a document
            // with no definitions lets it answer `no matches for kind` as with a real server.
            return .response(APIResponse(status: 200, contentType: "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
                                         body: Discovery.openAPIv2Protobuf))
        }
        guard segments.first == "v3" else { throw APIError.noSuchPath }
        if segments.count == 1 { return respond(200, Discovery.openAPIRoot()) }
        let gv = segments.dropFirst().joined(separator: "/")
        let groupVersion = gv == "api/v1" ? "v1" : gv.hasPrefix("apis/") ? String(gv.dropFirst(5)) : gv
        guard let doc = Discovery.openAPI(groupVersion: groupVersion) else { throw APIError.noSuchPath }
        return respond(200, doc)
    }

    func parsePath(groupVersion: String, _ s: [String]) throws(APIError) -> ResourcePath {
        func type(_ plural: String) throws(APIError) -> ResourceType {
            guard let t = ResourceType.find(groupVersion: groupVersion, plural: plural) else { throw APIError.noSuchPath }
            return t
        }
        if s.count >= 3, s[0] == "namespaces", let t = ResourceType.find(groupVersion: groupVersion, plural: s[2]), t.namespaced {
            guard s.count <= 5 else { throw APIError.noSuchPath }
            return ResourcePath(type: t, namespace: s[1], name: s.count > 3 ? s[3] : nil, subresource: s.count > 4 ? s[4] : nil)
        }
        guard !s.isEmpty, s.count <= 3 else { throw APIError.noSuchPath }
        let t = try type(s[0])
        return ResourcePath(type: t, namespace: nil, name: s.count > 1 ? s[1] : nil, subresource: s.count > 2 ? s[2] : nil)
    }

    func resource(groupVersion: String, _ segments: [String], _ request: APIRequest) throws(APIError) -> HandlerResult {
        let path = try parsePath(groupVersion: groupVersion, segments)
        let type = path.type
        if path.type.readOnly {
            guard request.method == "GET" else { throw APIError.methodNotAllowed(request.method) }
            return try metricsResource(path, request)
        }
        if let sub = path.subresource, let name = path.name {
            return try subresource(sub, path: path, name: name, request)
        }
        if type.namespaced, path.name != nil, path.namespace == nil { throw APIError.noSuchPath }
        switch (request.method, path.name) {
        case ("GET", nil):
            let labels = try LabelSelector(parsing: request.query["labelSelector"] ?? "")
            let fields = try FieldSelector(parsing: request.query["fieldSelector"] ?? "")
            if let w = request.query["watch"], w == "true" || w == "1" {
                let rv = request.query["resourceVersion"].flatMap(Int.init)
                let timeout = request.query["timeoutSeconds"].flatMap(Int.init) ?? 1800
                return .watch(WatchSpec(type: type, namespace: path.namespace, labels: labels, fields: fields,
                                        resourceVersion: rv == 0 ? nil : rv, timeoutSeconds: max(1, min(timeout, 3600)),
                                        table: wantsTable(request)))
            }
            let items = store.list(type, namespace: path.namespace).filter {
                (labels.isEmpty || labels.matches($0.object.labels)) && (fields.isEmpty || fields.matches($0.object))
            }
            return list(type, items, request)
        case ("GET", let name?):
            guard let o = store.get(type, path.namespace ?? "", name) else { throw APIError.notFound(type, name) }
            if wantsTable(request) { return table(type, [o]) }
            return .response(APIResponse(status: 200, body: o.encoded, warnings: warnings))
        case ("POST", nil):
            return try create(type, namespace: path.namespace, request)
        case ("PUT", let name?):
            let body = try decodeBody(request)
            return try update(type, namespace: path.namespace, name: name, with: body, request: request)
        case ("PATCH", let name?):
            guard let current = store.get(type, path.namespace ?? "", name) else { throw APIError.notFound(type, name) }
            let patched = try applyPatch(request, to: current.object, kind: type.kind)
            return try update(type, namespace: path.namespace, name: name, with: patched, request: request)
        case ("DELETE", let name?):
            return try delete(type, namespace: path.namespace, name: name, request)
        case ("DELETE", nil):
            let labels = try LabelSelector(parsing: request.query["labelSelector"] ?? "")
            let fields = try FieldSelector(parsing: request.query["fieldSelector"] ?? "")
            let items = store.list(type, namespace: path.namespace).filter { labels.matches($0.object.labels) && fields.matches($0.object) }
            // Each item goes through the same checks as a single delete (nodes, system namespaces, dryRun).
            for o in items { _ = try delete(type, namespace: o.object.namespace ?? path.namespace, name: o.object.name, request) }
            return list(type, items, APIRequest(method: "GET", path: request.path))
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    func wantsTable(_ request: APIRequest) -> Bool { request.accept.contains("as=Table") }

    func list(_ type: ResourceType, _ items: [StoredObject], _ request: APIRequest) -> HandlerResult {
        if wantsTable(request) { return table(type, items) }
        var body = "{\"kind\":\"\(type.listKind)\",\"apiVersion\":\"\(type.groupVersion)\",\"metadata\":{\"resourceVersion\":\"\(store.resourceVersion)\"},\"items\":["
        for (i, item) in items.enumerated() {
            if i > 0 { body += "," }
            body += item.encoded
        }
        body += "]}"
        return .response(APIResponse(status: 200, body: body, warnings: warnings))
    }

    /// A watch line whose object is a one-row Table (for `kubectl get -w`).
    func tableLine(_ event: WatchEvent, type: ResourceType) -> String {
        let table = Tables.table(resource: type.plural, objects: [event.object], now: wallNow, resourceVersion: String(event.resourceVersion))
        return "{\"type\":\"\(event.type)\",\"object\":\(JSONWriter(pretty: false).write(table))}\n"
    }

    func table(_ type: ResourceType, _ items: [StoredObject]) -> HandlerResult {
        respond(200, Tables.table(resource: type.plural, objects: items.map(\.object), now: wallNow,
                                  resourceVersion: String(store.resourceVersion)))
    }

    // MARK: Bodies

    func decodeBody(_ request: APIRequest) throws(APIError) -> JSONObject {
        if request.contentType.hasPrefix("application/vnd.kubernetes.protobuf") {
            do {
                guard let o = try KubeProtobuf.decode(request.body).object else { throw APIError.badRequest("the protobuf body is not an object") }
                guard o["kind"]?.string == "Namespace" else {
                    throw APIError(code: 415, reason: "UnsupportedMediaType",
                                   message: "the playground reads protobuf bodies only for a Namespace (kubectl create namespace); for \(o["kind"]?.string ?? "this kind"), write a manifest and use kubectl apply -f")
                }
                return o
            } catch let e as APIError {
                throw e
            } catch {
                throw APIError.badRequest("the protobuf body cannot be decoded: \(error)")
            }
        }
        let value = try parseJSON(request.body)
        guard let o = value.object else { throw APIError.badRequest("the request body must be a JSON object, not \(value.kindDescription)") }
        return o
    }

    func parseJSON(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw APIError.badRequest("the request body is not UTF-8") }
        do {
            return try JSONParser(recordsPositions: false).parse(text).root
        } catch {
            throw APIError.badRequest("the request body is not valid JSON: \(error)")
        }
    }

    func applyPatch(_ request: APIRequest, to current: JSONObject, kind: String) throws(APIError) -> JSONObject {
        let patch = try parseJSON(request.body)
        let result: JSONValue
        do {
            switch request.contentType.split(separator: ";").first.map(String.init) ?? "" {
            case "application/json-patch+json": result = try Patch.json(.object(current), patch)
            case "application/merge-patch+json": result = Patch.merge(.object(current), patch)
            case "application/strategic-merge-patch+json": result = try Patch.strategicMerge(.object(current), patch, kind: kind)
            case "application/apply-patch+yaml":
                throw APIError(code: 415, reason: "UnsupportedMediaType",
                               message: "server-side apply is not served by the playground; use client-side kubectl apply")
            default:
                throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json")
            }
        } catch let e as APIError {
            throw e
        } catch let e as PatchError {
            throw APIError.invalid(e.message)
        } catch {
            throw APIError.invalid("\(error)")
        }
        guard let o = result.object else { throw APIError.invalid("the patched object is not an object") }
        return o
    }

    // MARK: Writes

    static let nameRule = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

    func validName(_ name: String, label: Bool) -> Bool {
        guard !name.isEmpty, name.count <= (label ? 63 : 253) else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-" + (label ? "" : "."))
        guard name.allSatisfy(allowed.contains), let f = name.first, let l = name.last else { return false }
        return f.isLetter || f.isNumber ? (l.isLetter || l.isNumber) : false
    }

    func invalid(_ type: ResourceType, _ name: String, _ field: String, _ value: String, _ why: String) -> APIError {
        let kind = type.group.isEmpty ? type.kind : "\(type.kind).\(type.group)"
        return APIError(code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(field): Invalid value: \"\(value)\": \(why)",
                        name: name, kind: type.kind, group: type.group)
    }

    func create(_ type: ResourceType, namespace: String?, _ request: APIRequest) throws(APIError) -> HandlerResult {
        var o = try decodeBody(request)
        try checkKind(o, type)
        var name = o.name
        if name.isEmpty, let prefix = o.at("metadata", "generateName")?.string, !prefix.isEmpty {
            name = prefix + randomSuffix(5)
            o.set(["metadata", "name"], .string(name))
        }
        guard !name.isEmpty else {
            throw APIError(code: 422, reason: "Invalid", message: "\(type.kind) \"\" is invalid: metadata.name: Required value: name or generateName is required")
        }
        let label = type == .namespaces || type == .services
        guard validName(name, label: label) else {
            throw invalid(type, name, "metadata.name", name, label ? Self.nameRule.replacingOccurrences(of: "subdomain", with: "label") : Self.nameRule)
        }
        if type.namespaced {
            let ns = namespace ?? "default"
            if let bodyNS = o.namespace, bodyNS != ns {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let nsObject = store.get(.namespaces, "", ns)?.object else {
                throw APIError.notFound(.namespaces, ns)
            }
            if nsObject.at("metadata", "deletionTimestamp") != nil {
                throw APIError(code: 403, reason: "Forbidden",
                               message: "\(type.plural) \"\(name)\" is forbidden: unable to create new content in namespace \(ns) because it is being terminated",
                               name: name, kind: type.plural)
            }
            o.set(["metadata", "namespace"], .string(ns))
        } else {
            o.set(["metadata", "namespace"], nil)
        }
        guard store.get(type, namespace ?? "", name) == nil else { throw APIError.alreadyExists(type, name) }
        if type == .nodes { throw APIError(code: 403, reason: "Forbidden", message: "nodes are the playground's cluster scenario's; start `kubeprint serve --cluster FILE` with more nodes") }
        if type == .crds {
            throw APIError(code: 403, reason: "Forbidden", message: "customresourcedefinitions.apiextensions.k8s.io \"\(name)\" is forbidden: the playground serves the built-in kinds only (see `kubectl api-resources`)")
        }
        o["apiVersion"] = .string(type.groupVersion)
        o["kind"] = .string(type.kind)
        o.set(["metadata", "uid"], .string(newUID()))
        o.set(["metadata", "creationTimestamp"], .string(timestamp))
        o.set(["metadata", "resourceVersion"], nil)
        o.set(["metadata", "deletionTimestamp"], nil)
        if [ResourceType.deployments, .replicaSets, .hpas].contains(type) { o.set(["metadata", "generation"], 1) }
        try admit(type, &o, old: nil)
        warnUnmodelled(type, o)
        if request.query["dryRun"] == "All" { return respond(201, .object(o)) }
        let stored = store.put(type, o, added: true)
        afterWrite(type, stored.object, created: true)
        reconcile()
        let final = store.get(type, namespace ?? "", name) ?? stored
        return .response(APIResponse(status: 201, body: final.encoded, warnings: warnings))
    }

    func checkKind(_ o: JSONObject, _ type: ResourceType) throws(APIError) {
        if let kind = o["kind"]?.string, kind != type.kind {
            throw APIError.badRequest("the object's kind \(kind) does not match the resource \(type.plural) (kind \(type.kind))")
        }
        if let v = o["apiVersion"]?.string, v != type.groupVersion {
            throw APIError.badRequest("the object's apiVersion \(v) does not match \(type.groupVersion)")
        }
    }

    /// Server defaults and validation per kind, on create (`old` nil) and update.
    func admit(_ type: ResourceType, _ o: inout JSONObject, old: JSONObject?) throws(APIError) {
        switch type {
        case .namespaces:
            o.set(["metadata", "labels", "kubernetes.io/metadata.name"], .string(o.name))
            o["spec"] = o["spec"] ?? .object(["finalizers": .array(["kubernetes"])])
            o["status"] = old?["status"] ?? .object(["phase": "Active"])
        case .services:
            try admitService(&o, old: old)
        case .pods:
            if old == nil { admitPod(&o) }
        case .deployments:
            var spec = o["spec"]?.object ?? JSONObject()
            spec["replicas"] = spec["replicas"] ?? 1
            spec["revisionHistoryLimit"] = spec["revisionHistoryLimit"] ?? 10
            spec["progressDeadlineSeconds"] = spec["progressDeadlineSeconds"] ?? 600
            if spec["strategy"] == nil {
                spec["strategy"] = .object(["type": "RollingUpdate", "rollingUpdate": .object(["maxUnavailable": "25%", "maxSurge": "25%"])])
            }
            guard let selector = spec["selector"]?.object, !selector.members.isEmpty else {
                throw invalid(type, o.name, "spec.selector", "null", "field is required")
            }
            let templateLabels = o.stringMap("spec", "template", "metadata", "labels")
            guard LabelSelector(object: selector).matches(templateLabels) else {
                throw invalid(type, o.name, "spec.template.metadata.labels", templateLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                              "`selector` does not match template `labels`")
            }
            if let old, let oldSelector = old.at("spec", "selector"), oldSelector != .object(selector) {
                throw invalid(type, o.name, "spec.selector", "", "field is immutable")
            }
            o["spec"] = .object(spec)
        case .pvcs:
            if let old {
                o["status"] = old["status"]
                if let v = old.at("spec", "volumeName") { o.set(["spec", "volumeName"], v) }
                if let v = old.at("spec", "storageClassName") { o.set(["spec", "storageClassName"], v) }
            } else {
                o["status"] = .object(["phase": "Pending"])
            }
            o.set(["spec", "volumeMode"], o.at("spec", "volumeMode") ?? "Filesystem")
        default:
            break
        }
    }

    func admitService(_ o: inout JSONObject, old: JSONObject?) throws(APIError) {
        var spec = o["spec"]?.object ?? JSONObject()
        let type = spec["type"]?.string ?? "ClusterIP"
        spec["type"] = .string(type)
        if let ip = old?.at("spec", "clusterIP") {
            spec["clusterIP"] = ip
            spec["clusterIPs"] = old?.at("spec", "clusterIPs") ?? .array([ip])
        } else if spec["clusterIP"]?.string != "None" {
            let ip = "10.96.\(nextClusterIP / 250).\(nextClusterIP % 250 + 1)"
            nextClusterIP += 1
            spec["clusterIP"] = .string(ip)
            spec["clusterIPs"] = .array([.string(ip)])
        }
        spec["sessionAffinity"] = spec["sessionAffinity"] ?? "None"
        spec["ipFamilies"] = spec["ipFamilies"] ?? .array(["IPv4"])
        spec["ipFamilyPolicy"] = spec["ipFamilyPolicy"] ?? "SingleStack"
        spec["internalTrafficPolicy"] = spec["internalTrafficPolicy"] ?? "Cluster"
        let oldPorts = old?.at("spec", "ports")?.array ?? []
        var ports = spec["ports"]?.array ?? []
        let oldOwn = Set(oldPorts.compactMap { $0["nodePort"]?.int })
        var seen: Set<Int> = []
        for i in ports.indices {
            guard var p = ports[i].object else { continue }
            p["protocol"] = p["protocol"] ?? "TCP"
            p["targetPort"] = p["targetPort"] ?? p["port"]
            if type == "NodePort" || type == "LoadBalancer" {
                if let requested = p["nodePort"]?.int {
                    guard (30000...32767).contains(requested) else {
                        throw invalid(.services, o.name, "spec.ports[\(i)].nodePort", String(requested), "provided port is not in the valid range. The range of valid ports is 30000-32767")
                    }
                    guard oldOwn.contains(requested) || !usedNodePorts.contains(requested), seen.insert(requested).inserted else {
                        throw invalid(.services, o.name, "spec.ports[\(i)].nodePort", String(requested), "provided port is already allocated")
                    }
                } else if let kept = oldPorts.first(where: { $0["port"] == p["port"] || $0["name"] == p["name"] && p["name"] != nil })?["nodePort"]?.int,
                          !seen.contains(kept) {
                    p["nodePort"] = .int(kept)
                    seen.insert(kept)
                } else {
                    guard let port = allocateNodePort(excluding: seen) else {
                        // As kube-apiserver answers when the service-node-port range is used up.
                        throw APIError(code: 500, reason: "InternalError",
                                       message: "Internal error occurred: failed to allocate a nodePort: range is full (30000-32767 are all allocated; delete Services of type NodePort, or use ClusterIP)")
                    }
                    p["nodePort"] = .int(port)
                    seen.insert(port)
                }
            } else {
                p["nodePort"] = nil
            }
            ports[i] = .object(p)
        }
        usedNodePorts.subtract(oldOwn)
        usedNodePorts.formUnion(seen)
        spec["ports"] = .array(ports)
        if type == "NodePort" || type == "LoadBalancer" { spec["externalTrafficPolicy"] = spec["externalTrafficPolicy"] ?? "Cluster" }
        o["spec"] = .object(spec)
        o["status"] = old?["status"] ?? .object(["loadBalancer": .object(JSONObject())])
    }

    /// A free NodePort in 30000–32767, drawn from the seeded random source as the API server
    /// draws; nil when the range is full.
    func allocateNodePort(excluding taken: Set<Int>) -> Int? {
        if usedNodePorts.count + taken.count < 2768 {
            for _ in 0..<64 {
                let p = 30000 + Int(random.next() % 2768)
                if !usedNodePorts.contains(p) && !taken.contains(p) { return p }
            }
        }
        return (30000...32767).first { !usedNodePorts.contains($0) && !taken.contains($0) }
    }

    /// Controller work after a write.
    func afterWrite(_ type: ResourceType, _ o: JSONObject, created: Bool) {
        let key = ObjectKey(namespace: o.namespace ?? "", name: o.name)
        switch type {
        case .deployments: dirtyDeployments.insert(key)
        case .replicaSets:
            dirtyReplicaSets.insert(key)
        case .services: dirtyEndpoints.insert(key.namespace)
        case .pvcs: dirtyClaims.insert(key)
        case .pods:
            if created { startPod(o) }
            dirtyEndpoints.insert(key.namespace)
        default: break
        }
    }

    func update(_ type: ResourceType, namespace: String?, name: String, with body: JSONObject, request: APIRequest,
                statusOnly: Bool = false) throws(APIError) -> HandlerResult
    {
        guard let current = store.get(type, namespace ?? "", name) else { throw APIError.notFound(type, name) }
        var o = body
        try checkKind(o, type)
        if !o.name.isEmpty, o.name != name {
            throw APIError.badRequest("the name of the object (\(o.name)) does not match the name on the URL (\(name))")
        }
        if let rv = o.at("metadata", "resourceVersion")?.string, !rv.isEmpty, rv != String(current.resourceVersion), request.method == "PUT" {
            throw APIError(code: 409, reason: "Conflict",
                           message: "Operation cannot be fulfilled on \(type.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
                           name: name, kind: type.plural, group: type.group)
        }
        let old = current.object
        if statusOnly {
            var updated = old
            updated["status"] = o["status"]
            o = updated
        } else {
            o["status"] = old["status"]
        }
        o["apiVersion"] = .string(type.groupVersion)
        o["kind"] = .string(type.kind)
        for field in ["uid", "creationTimestamp", "namespace", "deletionTimestamp", "generation", "ownerReferences", "generateName"] {
            if field == "ownerReferences", o.at("metadata", field) != nil { continue }
            o.set(["metadata", field], old.at("metadata", field))
        }
        o.set(["metadata", "name"], .string(name))
        if type == .pods {
            // A pod's spec is immutable but for images; the simulated kubelet keeps what it runs.
            o["spec"] = old["spec"]
        }
        if !statusOnly {
            try admit(type, &o, old: old)
            warnUnmodelled(type, o)
        }
        if old["spec"] != o["spec"], [ResourceType.deployments, .replicaSets, .hpas].contains(type) { bumpGeneration(&o) }
        if request.query["dryRun"] == "All" { return respond(200, .object(o)) }
        // A no-op keeps the resourceVersion (kubectl prints "patched (no change)").
        if o == old { return .response(APIResponse(status: 200, body: current.encoded, warnings: warnings)) }
        let stored = store.put(type, o, added: false)
        afterWrite(type, stored.object, created: false)
        if type == .pods || (type == .deployments && old.at("spec", "selector") != o.at("spec", "selector")) { dirtyEndpoints.insert(namespace ?? "") }
        reconcile()
        let final = store.get(type, namespace ?? "", name) ?? stored
        return .response(APIResponse(status: 200, body: final.encoded, warnings: warnings))
    }

    func delete(_ type: ResourceType, namespace: String?, name: String, _ request: APIRequest) throws(APIError) -> HandlerResult {
        guard let current = store.get(type, namespace ?? "", name) else { throw APIError.notFound(type, name) }
        if type == .nodes { throw APIError(code: 403, reason: "Forbidden", message: "nodes are the playground's cluster scenario's and cannot be deleted") }
        if type == .namespaces, ["default", "kube-system", "kube-public"].contains(name) {
            throw APIError(code: 403, reason: "Forbidden", message: "namespaces \"\(name)\" is forbidden: this namespace may not be deleted", name: name, kind: "namespaces")
        }
        var policy = request.query["propagationPolicy"]
        if policy == nil, !request.body.isEmpty, let body = try? parseJSON(request.body) { policy = body["propagationPolicy"]?.string }
        if request.query["dryRun"] == "All" { return .response(APIResponse(status: 200, body: current.encoded)) }
        deleteObject(type, current.object, cascade: policy != "Orphan")
        reconcile()
        if let remaining = store.get(type, namespace ?? "", name) {
            return .response(APIResponse(status: 200, body: remaining.encoded, warnings: warnings))
        }
        var details: JSONObject = ["name": .string(name), "kind": .string(type.plural), "uid": .string(current.object.uid)]
        if !type.group.isEmpty { details["group"] = .string(type.group) }
        return respond(200, .object(["kind": "Status", "apiVersion": "v1", "metadata": .object(JSONObject()), "status": "Success",
                                     "details": .object(details)]))
    }

    // MARK: Subresources

    func subresource(_ sub: String, path: ResourcePath, name: String, _ request: APIRequest) throws(APIError) -> HandlerResult {
        let type = path.type
        guard let current = store.get(type, path.namespace ?? "", name) else { throw APIError.notFound(type, name) }
        switch (sub, request.method) {
        case ("scale", _) where type == .deployments || type == .replicaSets:
            if request.method == "GET" { return respond(200, scale(of: current.object)) }
            let body: JSONObject
            switch request.method {
            case "PUT": body = try decodeBody(request)
            case "PATCH": body = try applyPatch(request, to: scale(of: current.object).object ?? JSONObject(), kind: "Scale")
            default: throw APIError.methodNotAllowed(request.method)
            }
            guard let replicas = body.at("spec", "replicas")?.int, replicas >= 0 else {
                throw APIError.invalid("Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0")
            }
            var o = current.object
            if o.at("spec", "replicas")?.int != replicas {
                o.set(["spec", "replicas"], .int(replicas))
                bumpGeneration(&o)
                let stored = store.put(type, o, added: false)
                afterWrite(type, stored.object, created: false)
                reconcile()
            }
            return respond(200, scale(of: store.get(type, path.namespace ?? "", name)?.object ?? o))
        case ("status", "GET"):
            return .response(APIResponse(status: 200, body: current.encoded))
        case ("status", "PUT"):
            return try update(type, namespace: path.namespace, name: name, with: try decodeBody(request), request: request, statusOnly: true)
        case ("status", "PATCH"):
            let patched = try applyPatch(request, to: current.object, kind: type.kind)
            return try update(type, namespace: path.namespace, name: name, with: patched, request: request, statusOnly: true)
        case ("log", "GET") where type == .pods:
            return .response(APIResponse(status: 200, contentType: "text/plain", body: podLog(current.object, request)))
        case ("finalize", "PUT") where type == .namespaces:
            return .response(APIResponse(status: 200, body: current.encoded))
        default:
            throw APIError.noSuchPath
        }
    }

    func scale(of o: JSONObject) -> JSONValue {
        var metadata = JSONObject()
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { metadata[key] = o.at("metadata", key) }
        let selector = LabelSelector(object: o.at("spec", "selector")?.object ?? JSONObject())
        return .object(["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(metadata),
                        "spec": .object(["replicas": o.at("spec", "replicas") ?? 1]),
                        "status": .object(["replicas": o.at("status", "replicas") ?? 0, "selector": .string(selector.text)])])
    }

    /// The container's simulated log (`kubectl logs`): scheduling, pull, start and readiness.
    func podLog(_ pod: JSONObject, _ request: APIRequest) -> String {
        var lines = metrics.logs[pod.uid] ?? []
        if let tail = request.query["tailLines"].flatMap(Int.init), tail >= 0 { lines = Array(lines.suffix(tail)) }
        return lines.map { $0 + "\n" }.joined()
    }

    // MARK: metrics.k8s.io

    func metricsResource(_ path: ResourcePath, _ request: APIRequest) throws(APIError) -> HandlerResult {
        let window = "30s"
        let stamp = timestamp
        if path.type == .nodeMetrics {
            var items: [JSONValue] = []
            let byNode = Dictionary(grouping: podRuntime.values.filter { $0.node != nil }) { $0.node ?? "" }
            for node in sim.liveNodes where path.name == nil || path.name == node.name {
                let pods = byNode[node.name] ?? []
                let cpu = node.cpuInUse + pods.reduce(0) { $0 + podCPU($1) } + 50
                let memory = pods.reduce(Int64(0)) { $0 + podMemory($1) } + 300 << 20
                items.append(.object(["metadata": .object(["name": .string(node.name), "creationTimestamp": .string(stamp)]),
                                      "timestamp": .string(stamp), "window": .string(window),
                                      "usage": .object(["cpu": .string("\(Int(cpu.rounded()))m"), "memory": .string("\(memory / 1024)Ki")])]))
            }
            if let name = path.name {
                guard let item = items.first else { throw APIError(code: 404, reason: "NotFound", message: "nodemetrics.metrics.k8s.io \"\(name)\" not found") }
                return respond(200, item)
            }
            return respond(200, .object(["kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1",
                                         "metadata": .object(JSONObject()), "items": .array(items)]))
        }
        let labels = try LabelSelector(parsing: request.query["labelSelector"] ?? "")
        var items: [JSONValue] = []
        for stored in store.list(.pods, namespace: path.namespace) where path.name == nil || stored.object.name == path.name {
            let pod = stored.object
            guard labels.matches(pod.labels), let r = podRuntime[pod.uid], r.started, !r.deleting else { continue }
            let containers: [JSONValue] = (pod.at("spec", "containers")?.array ?? []).enumerated().map { i, c in
                .object(["name": c["name"] ?? "main", "usage": .object([
                    "cpu": .string("\(i == 0 ? Int(podCPU(r).rounded()) : 0)m"), "memory": .string("\(i == 0 ? podMemory(r) / 1024 : 0)Ki"),
                ])])
            }
            items.append(.object(["metadata": .object(["name": .string(pod.name), "namespace": pod.at("metadata", "namespace") ?? "",
                                                       "creationTimestamp": .string(stamp), "labels": .object(.strings(pod.labels))]),
                                  "timestamp": .string(stamp), "window": .string(window), "containers": .array(containers)]))
        }
        if let name = path.name {
            guard let item = items.first else { throw APIError(code: 404, reason: "NotFound", message: "podmetrics.metrics.k8s.io \"\(name)\" not found") }
            return respond(200, item)
        }
        return respond(200, .object(["kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1",
                                     "metadata": .object(JSONObject()), "items": .array(items)]))
    }
}
