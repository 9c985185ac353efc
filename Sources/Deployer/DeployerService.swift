import Blueprint
import Foundation
import KubeAPI
import Manifests
import Synchronization
import YAML

/// Limits of what the deployer accepts.
public struct DeployerLimits: Sendable {
    /// solution.zip as uploaded or sent to `/deploy_solution`.
    public var archive = ArchiveLimits.default
    /// A blueprint.json uploaded as JSON.
    public var maxBlueprintBytes = ArchiveLimits.default.maxBlueprintBytes
    /// Objects one solution may create.
    public var maxObjects = 2_000
    /// Pipeline runs per request, and runs × models: a request's simulation holds the playground,
    /// so it stays short (about a second) and status requests keep being answered.
    public var maxRuns = 10_000
    public var maxRunCalls = 200_000

    public init() {}
}

/// What `start` found in the store.
public struct DeployerStartReport: Sendable {
    /// Objects of the playground's desired state created again.
    public var restoredObjects: Int
    /// Deployments that were being applied when the server stopped, now marked failed.
    public var interrupted: [String]
    /// Objects that could not be created again, in words.
    public var problems: [String]
}

/// The AI4EU-compatible deployer: uploads solutions into the store, builds a stored revision's
/// solution.zip and deploys it into a namespace of the live playground, reports, runs and deletes
/// deployments. Every endpoint but the OpenAPI document needs a portal JWT.
public final class DeployerService: Sendable {
    public let store: DeployerStore
    let playground: LivePlayground
    /// nil: the store keeps the playground's state, but the deployer endpoints are off (no secret).
    let verifier: TokenVerifier?
    public let limits: DeployerLimits
    let metrics = Mutex(DeployerMetrics())
    /// Tokens verified before, with their user: a status poll does not recompute the HMAC. `exp`
    /// is checked again on every use; `nbf` cannot stop a token that was valid once.
    let verified = Mutex<[String: TokenUser]>([:])

    public init(store: DeployerStore, playground: LivePlayground, verifier: TokenVerifier?, limits: DeployerLimits = DeployerLimits()) {
        self.store = store
        self.playground = playground
        self.verifier = verifier
        self.limits = limits
    }

    /// The first path segments the deployer serves.
    public static let roots: Set<String> = ["solutions", "deploy", "getSolutionZip", "deploy_solution", "deployments", "deployer"]

    public static func handles(path: String) -> Bool {
        guard let first = path.split(separator: "/").first else { return false }
        return roots.contains(String(first))
    }

    /// Brings the playground back to the stored desired state, marks deployments the last run
    /// left half-applied as failed (their partial namespace is not restored), and from then on keeps
    /// the desired state in the store.
    public func start(onStoreError: @escaping @Sendable (String) -> Void = { _ in }) async throws(StoreError) -> DeployerStartReport {
        var objects = try store.desiredObjects()
        var interrupted: [String] = []
        for d in try store.deployments(user: nil) where d.status.isInFlight {
            interrupted.append(d.id)
            objects.removeAll { $0.namespace == d.namespace || ($0.resource == "namespaces" && $0.name == d.namespace) }
            try store.saveDesired(try store.desiredObjects().filter { $0.namespace == d.namespace || ($0.resource == "namespaces" && $0.name == d.namespace) }
                .map { .delete(resource: $0.resource, namespace: $0.namespace, name: $0.name) })
            try store.setStatus(d.id, .failed, message: "interrupted: the server stopped while the solution was being applied; nothing of it was kept",
                                reason: "the server stopped during the deploy; deploy the revision again")
        }
        let store = self.store
        await playground.trackDesiredState { changes in
            do {
                try store.saveDesired(changes)
                return true
            } catch {
                onStoreError("\(error)")
                return false
            }
        }
        let problems = await playground.restore(objects)
        let restoredNamespaces = Set(objects.filter { $0.resource == "namespaces" }.map(\.name))
        for d in try store.deployments(user: nil) where d.status == .starting || d.status == .ready {
            let broken = problems.filter { $0.object.namespace == d.namespace || ($0.object.resource == "namespaces" && $0.object.name == d.namespace) }
            if !restoredNamespaces.contains(d.namespace) {
                try store.setStatus(d.id, .deleted, message: "namespace \(d.namespace) was gone before the server stopped", reason: "its namespace was removed outside the deployer")
            } else if !broken.isEmpty {
                let why = broken.prefix(3).map(\.description).joined(separator: "; ")
                try store.setStatus(d.id, .failed, message: "the server restarted, but \(broken.count) of its objects could not be created again: \(why)",
                                    reason: "not restored after a restart: \(why)")
            } else {
                try store.setStatus(d.id, .starting, message: "the server restarted: the namespace's objects were restored; pods are created and pull their images again")
            }
        }
        return DeployerStartReport(restoredObjects: objects.count - problems.count, interrupted: interrupted, problems: problems.map(\.description))
    }

    // MARK: Requests

    /// What the server checks before it reads a request's body: the endpoints' switch, the token
    /// (a 401 costs no upload), and how large a body the endpoint takes. A response means refuse.
    public func preflight(method: String, path: String, query: [String: String], headers: [String: String]) -> (DeployerResponse?, Int) {
        let segments = path.split(separator: "/").map(String.init)
        if segments == ["deployer", "openapi.yaml"] { return (nil, 0) }
        guard let verifier else { return (DeployerService.off.response, 0) }
        if case .failure(let f) = authenticate(DeployerRequest(method: method, path: path, query: query, headers: headers), verifier) {
            metrics.withLock { $0.tokenFailures[f.reason, default: 0] += 1 }
            return (DeployerError(401, f.description).response, 0)
        }
        switch segments.first ?? "" {
        case "solutions": return (nil, limits.archive.maxArchiveBytes)
        case "deploy_solution": return (nil, limits.archive.maxArchiveBytes / 3 * 4 + (64 << 10))
        default: return (nil, 1 << 20)
        }
    }

    public func handle(_ request: DeployerRequest) async -> DeployerResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        if segments == ["deployer", "openapi.yaml"] {
            guard request.method == "GET" else { return DeployerError(405, "GET only").response }
            return DeployerResponse(status: 200, contentType: "application/yaml", body: Array(DeployerOpenAPI.document.utf8))
        }
        guard let verifier else { return DeployerService.off.response }
        let user: TokenUser
        switch authenticate(request, verifier) {
        case .success(let u): user = u
        case .failure(let f):
            metrics.withLock { $0.tokenFailures[f.reason, default: 0] += 1 }
            return DeployerError(401, f.description).response
        }
        do throws(DeployerError) {
            return try await route(segments, request, user: user)
        } catch {
            return error.response
        }
    }

    /// The answer while no secret is configured.
    public static let off = DeployerError(404, "the deployer endpoints are off: start kubeprint serve with --jwt-secret-file FILE")

    func authenticate(_ request: DeployerRequest, _ verifier: TokenVerifier) -> Result<TokenUser, TokenFailure> {
        guard let token = TokenVerifier.token(headers: request.headers, query: request.query) else { return .failure(.missing) }
        let now = Date()
        if let user = verified.withLock({ $0[token] }), user.expires.map({ now.timeIntervalSince1970 <= $0.timeIntervalSince1970 + verifier.leeway }) ?? true {
            return .success(user)
        }
        let result = verifier.verify(token, now: now)
        if case .success(let user) = result {
            verified.withLock {
                if $0.count >= 4096 { $0.removeAll(keepingCapacity: true) }
                $0[token] = user
            }
        }
        return result
    }

    func route(_ s: [String], _ request: DeployerRequest, user: TokenUser) async throws(DeployerError) -> DeployerResponse {
        let m = request.method
        func only(_ method: String) throws(DeployerError) {
            guard m == method else { throw DeployerError(405, "\(m) is not allowed on \(request.path); use \(method)") }
        }
        switch (s.first ?? "", s.count) {
        case ("solutions", 4) where s[2] == "revisions":
            try only("PUT")
            return try upload(solution: s[1], revision: s[3], user: user, request)
        case ("deploy", 3):
            try only("GET")
            return try await deployRevision(solution: s[1], revision: s[2], user: user, request)
        case ("getSolutionZip", 3):
            try only("GET")
            let r = try revision(s[1], s[2], request)
            let zip = try solutionZip(r, request)
            return DeployerResponse(status: 200, contentType: "application/zip",
                                    headers: ["Content-Disposition": "attachment; filename=\"solution.zip\""], body: Array(zip))
        case ("deploy_solution", 1):
            try only("POST")
            return try await deploySolutionBody(request, user: user)
        case ("deployments", 1):
            try only("GET")
            let list = try storeCall(request) { () throws(StoreError) in try store.deployments(user: user.email) }
            var items: [JSONValue] = []
            for d in list { items.append(try await view(d, request, detail: false)) }
            return .json(200, .object(["items": .array(items)]))
        case ("deployments", 2):
            let d = try owned(s[1], user: user, request)
            switch m {
            case "GET": return .json(200, try await view(d, request, detail: true))
            case "DELETE": return try await delete(d, request)
            default: throw DeployerError(405, "\(m) is not allowed on \(request.path); use GET or DELETE")
            }
        case ("deployments", 3) where s[2] == "runs":
            try only("POST")
            return try await runs(try owned(s[1], user: user, request), request)
        default:
            throw DeployerError.notFound("no deployer endpoint \(m) \(request.path); see GET /deployer/openapi.yaml")
        }
    }

    func storeCall<T>(_ request: DeployerRequest, _ body: () throws(StoreError) -> T) throws(DeployerError) -> T {
        do {
            return try body()
        } catch {
            throw DeployerError.internalError(error.description, requestID: request.requestID)
        }
    }

    func revision(_ solution: String, _ revision: String, _ request: DeployerRequest) throws(DeployerError) -> RevisionRecord {
        let found = try storeCall(request) { () throws(StoreError) in try store.revision(solution: solution, revision: revision) }
        guard let found else {
            throw DeployerError.notFound("no revision \(revision) of solution \(solution); upload it with PUT /solutions/\(solution)/revisions/\(revision)")
        }
        return found
    }

    func owned(_ id: String, user: TokenUser, _ request: DeployerRequest) throws(DeployerError) -> DeploymentRecord {
        guard let d = try storeCall(request, { () throws(StoreError) in try store.deployment(id) }) else {
            throw DeployerError.notFound("no deployment \(id)")
        }
        guard d.user == user.email else { throw DeployerError(403, "deployment \(id) belongs to another user") }
        return d
    }

    // MARK: Upload

    static func checkID(_ id: String, _ what: String) throws(DeployerError) {
        guard !id.isEmpty, id.count <= 128, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw DeployerError.badRequest("the \(what) id '\(id.prefix(64))' must be 1–128 letters, digits, '-', '_' or '.' (AI4EU ids are UUIDs)")
        }
    }

    func upload(solution: String, revision: String, user: TokenUser, _ request: DeployerRequest) throws(DeployerError) -> DeployerResponse {
        try Self.checkID(solution, "solution")
        try Self.checkID(revision, "revision")
        let type = (request.header("Content-Type") ?? "").lowercased()
        var record = RevisionRecord(solutionID: solution, revisionID: revision, solutionName: solution, kind: .pipeline, blueprint: nil,
                                    image: nil, protos: [:], created: DeployerStore.now())
        var nodes = 0
        if type.hasPrefix("application/json") {
            guard request.body.count <= limits.maxBlueprintBytes else {
                throw DeployerError.tooLarge("blueprint.json is \(request.body.count) bytes; the limit is \(limits.maxBlueprintBytes)")
            }
            let (text, graph) = try Self.checkBlueprint(Data(request.body))
            record.blueprint = text
            record.solutionName = graph.name.isEmpty ? solution : graph.name
            nodes = graph.nodes.count
        } else if type.hasPrefix("application/zip") {
            let archive = try readArchive(Data(request.body))
            if let blueprint = archive.blueprint {
                let (text, graph) = try Self.checkBlueprint(blueprint)
                record.blueprint = text
                record.solutionName = graph.name.isEmpty ? solution : graph.name
                record.protos = archive.protos
                nodes = graph.nodes.count
            } else {
                let (name, image) = try Self.singleModel(archive)
                record.kind = .singleModel
                record.image = image
                record.solutionName = archive.modelName ?? name
                nodes = 1
            }
        } else {
            throw DeployerError(415, "send blueprint.json as Content-Type: application/json or solution.zip as application/zip, not '\(type)'")
        }
        switch try storeCall(request, { () throws(StoreError) in try store.addRevision(record, owner: user.email) }) {
        case .added: break
        case .exists:
            throw DeployerError.conflict("revision \(revision) of solution \(solution) exists already; revisions are immutable, upload a new revision id")
        case .notOwner:
            throw DeployerError(403, "solution \(solution) belongs to another user; only they add revisions to it (choose another solution id)")
        case .otherKind(let kind):
            throw DeployerError.conflict("solution \(solution) is a \(kind); this revision is a \(record.kind.rawValue)")
        }
        return .json(201, .object(["solutionId": .string(solution), "revisionId": .string(revision), "kind": .string(record.kind.rawValue),
                                   "name": .string(record.solutionName), "nodes": .number(String(nodes)),
                                   "protos": .array(record.protos.keys.sorted().map { .string($0) })]))
    }

    /// A valid blueprint, or a 400 listing every problem with its line and column.
    static func checkBlueprint(_ data: Data) throws(DeployerError) -> (String, PipelineGraph) {
        guard let text = String(data: data, encoding: .utf8) else { throw DeployerError.badRequest("blueprint.json is not UTF-8 text") }
        do {
            let loaded = try BlueprintLoader.load(text: text, file: "blueprint.json")
            return (text, loaded.graph)
        } catch let e as BlueprintError {
            let lines = e.errors.prefix(50).map { d in
                (d.position.map { "blueprint.json:\($0): " } ?? "blueprint.json: ") + d.message + (d.hint.map { " (\($0))" } ?? "")
            }
            throw DeployerError.badRequest("blueprint.json is not valid (\(e.errors.count) problem\(e.errors.count == 1 ? "" : "s")): " + lines.joined(separator: "; "))
        } catch {
            throw DeployerError.badRequest("blueprint.json is not valid: \(error)")
        }
    }

    func readArchive(_ data: Data) throws(DeployerError) -> SolutionArchive {
        do {
            return try SolutionArchive.read(data, limits: limits.archive)
        } catch {
            throw DeployerError(error.kind == .tooLarge ? 413 : 400, error.message)
        }
    }

    /// The model's name and image from a single model's solution.zip (its Deployment).
    static func singleModel(_ archive: SolutionArchive) throws(DeployerError) -> (String, String) {
        for (path, text) in archive.manifests {
            for object in try objects(path: path, text: text) where object["kind"]?.string == "Deployment" {
                if let image = object["spec"]?["template"]?["spec"]?["containers"]?.array?.first?["image"]?.string {
                    return (object["metadata"]?["name"]?.string ?? "model", image)
                }
            }
        }
        throw DeployerError.badRequest("solution.zip holds neither blueprint.json (a pipeline) nor a Deployment under deployments/ (a single model)")
    }

    // MARK: Building

    /// The solution.zip of a revision, built as `kubeprint convert` builds it.
    func solutionZip(_ r: RevisionRecord, _ request: DeployerRequest) throws(DeployerError) -> Data {
        do {
            let generator = ManifestGenerator(options: ManifestOptions())
            switch r.kind {
            case .pipeline:
                let loaded = try BlueprintLoader.load(text: r.blueprint ?? "", file: "blueprint.json")
                let manifests = generator.generate(loaded.graph)
                return try SolutionBundle.pipeline(loaded, manifests: manifests, options: generator.options,
                                                   protos: ProtoCollection(protos: r.protos)).zipData()
            case .singleModel:
                let name = KubernetesName.make(from: r.solutionName)
                let manifests = generator.generateSingle(image: r.image ?? "", name: name)
                return try SolutionBundle.singleModel(name: name, image: r.image ?? "", manifests: manifests, options: generator.options).zipData()
            }
        } catch {
            throw DeployerError.internalError("building revision \(r.revisionID): \(error)", requestID: request.requestID)
        }
    }

    // MARK: Deploying

    func deployRevision(solution: String, revision: String, user: TokenUser, _ request: DeployerRequest) async throws(DeployerError) -> DeployerResponse {
        let r = try self.revision(solution, revision, request)
        let zip = try solutionZip(r, request)
        let response = try await deploy(zip: zip, user: user, solutionID: r.solutionID, revisionID: r.revisionID, name: r.solutionName,
                                        namespaceBase: Self.namespaceBase(solution: solution, revision: revision), request)
        if request.wantsHTML, let ns = response.namespace {
            return DeployerResponse(status: 303, contentType: "text/plain; charset=utf-8", headers: ["Location": "/#ns=\(ns)"],
                                    body: Array("deployed into namespace \(ns): /#ns=\(ns)\n".utf8))
        }
        return response.response
    }

    /// The playground half, as the original playground server takes it: `{"solution": base64(zip), "username": …}`.
    func deploySolutionBody(_ request: DeployerRequest, user: TokenUser) async throws(DeployerError) -> DeployerResponse {
        guard let text = String(bytes: request.body, encoding: .utf8),
              let body = (try? JSONParser(recordsPositions: false).parse(text))?.root.object
        else {
            throw DeployerError.badRequest("the body must be JSON: {\"solution\": \"<base64 of solution.zip>\", \"username\": \"…\"}")
        }
        if let name = body["username"]?.string, !name.isEmpty, name != user.email {
            throw DeployerError(403, "username \(name) is not the token's user; a user deploys only as themselves")
        }
        guard let encoded = body["solution"]?.string else { throw DeployerError.badRequest("the body has no \"solution\" (the base64 of solution.zip)") }
        guard encoded.utf8.count / 4 * 3 <= limits.archive.maxArchiveBytes + 3 else {
            throw DeployerError.tooLarge("the solution is larger than \(limits.archive.maxArchiveBytes) bytes")
        }
        guard let zip = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            throw DeployerError.badRequest("\"solution\" is not base64 text")
        }
        let archive = try readArchive(zip)
        let name = Self.solutionName(archive) ?? "solution"
        let response = try await deploy(zip: zip, archive: archive, user: user, solutionID: nil, revisionID: nil, name: name,
                                        namespaceBase: Self.namespaceBase(solution: name, revision: ""), request)
        return response.response
    }

    static func solutionName(_ archive: SolutionArchive) -> String? {
        if let b = archive.blueprint, let text = String(data: b, encoding: .utf8),
           let name = (try? JSONParser(recordsPositions: false).parse(text))?.root["name"]?.string, !name.isEmpty
        {
            return name
        }
        return archive.modelName
    }

    /// `<solution>-<revision>` as a namespace name: a DNS label of at most 55 characters (room for
    /// a `-NN` suffix), starting with a letter (`s-` before an id that starts with a digit).
    static func namespaceBase(solution: String, revision: String) -> String {
        let s = String(labelPart(solution).prefix(26)).trimmingTrailingDashes()
        let r = String(labelPart(revision).prefix(26)).trimmingTrailingDashes()
        let text = [s, r].filter { !$0.isEmpty }.joined(separator: "-")
        guard let first = text.first, first.isLetter else { return "s-" + (text.isEmpty ? "solution" : text) }
        return text
    }

    /// Lower-case letters, digits and single dashes.
    static func labelPart(_ text: String) -> String {
        var out = ""
        for c in text.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) {
                out.append(c)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out.append("-")
            }
        }
        return out.trimmingTrailingDashes()
    }

    struct Deployed {
        var record: DeploymentRecord
        var status: Int
        var namespace: String? { record.namespace }
        var response: DeployerResponse {
            .json(status, .object(["id": .string(record.id), "namespace": .string(record.namespace), "status": .string(record.status.rawValue),
                                   "links": .object(["self": .string("/deployments/\(record.id)"),
                                                     "dashboard": .string("/#ns=\(record.namespace)")])]))
        }
    }

    /// Applies a solution.zip into a new namespace of the user's: the store first learns of the
    /// deployment (deploying), then the namespace and every object are created through the
    /// playground's API, then the deployment is starting; any failure removes the namespace and
    /// records why.
    func deploy(zip: Data, archive given: SolutionArchive? = nil, user: TokenUser, solutionID: String?, revisionID: String?, name: String,
                namespaceBase: String, _ request: DeployerRequest) async throws(DeployerError) -> Deployed
    {
        do {
            return try await deployChecked(zip: zip, archive: given, user: user, solutionID: solutionID, revisionID: revisionID, name: name,
                                           namespaceBase: namespaceBase, request)
        } catch {
            if error.status != 409 { metrics.withLock { $0.deploys["failed", default: 0] += 1 } }
            throw error
        }
    }

    func deployChecked(zip: Data, archive given: SolutionArchive?, user: TokenUser, solutionID: String?, revisionID: String?, name: String,
                       namespaceBase: String, _ request: DeployerRequest) async throws(DeployerError) -> Deployed
    {
        let started = ContinuousClock.now
        let archive: SolutionArchive
        if let given { archive = given } else { archive = try readArchive(zip) }
        var objects: [JSONObject] = []
        for (path, text) in archive.manifests { objects += try Self.objects(path: path, text: text) }
        guard !objects.isEmpty else { throw DeployerError.badRequest("solution.zip has no manifests under deployments/") }
        guard objects.count <= limits.maxObjects else {
            throw DeployerError.tooLarge("solution.zip has \(objects.count) objects; the limit is \(limits.maxObjects)")
        }
        for o in objects {
            let kind = o["kind"]?.string ?? ""
            guard let path = APIPaths.collection(kind: kind, apiVersion: o["apiVersion"]?.string ?? "", namespace: "ns") else {
                throw DeployerError.badRequest("\(kind.isEmpty ? "an object without kind" : kind) \(o["metadata"]?["name"]?.string ?? ""): not a kind the playground serves (Deployment, Service, PersistentVolumeClaim, ConfigMap, Secret, HorizontalPodAutoscaler, …)")
            }
            guard path.contains("/namespaces/ns/") else {
                throw DeployerError.badRequest("\(kind) \(o["metadata"]?["name"]?.string ?? ""): a solution holds only objects of its own namespace; cluster-wide kinds such as \(kind) are the operator's")
            }
        }
        let rank = ["PersistentVolumeClaim": 0, "ConfigMap": 1, "Secret": 1, "Service": 2, "Deployment": 3]
        objects = objects.enumerated().sorted { (rank[$0.element["kind"]?.string ?? ""] ?? 4, $0.offset) < (rank[$1.element["kind"]?.string ?? ""] ?? 4, $1.offset) }
            .map(\.element)
        let blueprint = archive.blueprint.flatMap { String(data: $0, encoding: .utf8) }
        let taken = await playground.namespaceNames()
        let begun = try storeCall(request) { () throws(StoreError) in
            try store.beginDeployment(user: user.email, solutionID: solutionID, revisionID: revisionID, solutionName: name,
                                      namespaceBase: namespaceBase, blueprint: blueprint, taken: taken)
        }
        let record: DeploymentRecord
        switch begun {
        case .success(let r): record = r
        case .failure(.inFlight(let id)):
            metrics.withLock { $0.deploys["conflict", default: 0] += 1 }
            throw DeployerError.conflict("a deploy of this revision by you is in progress (deployment \(id)); wait for it, then deploy again")
        }
        let ns = record.namespace
        var createdNamespace = false
        do throws(DeployerError) {
            var nsObject: JSONObject = ["apiVersion": "v1", "kind": "Namespace"]
            nsObject["metadata"] = .object(["name": .string(ns), "labels": .object(["kubeprint.io/deployment": .string(record.id)]),
                                            "annotations": .object(["kubeprint.io/user": .string(user.email)])])
            try await apply(nsObject, path: "/api/v1/namespaces", what: "namespace \(ns)")
            createdNamespace = true
            for var o in objects {
                let kind = o["kind"]?.string ?? ""
                let objectName = o["metadata"]?["name"]?.string ?? ""
                guard let path = APIPaths.collection(kind: kind, apiVersion: o["apiVersion"]?.string ?? "", namespace: ns) else {
                    throw DeployerError.badRequest("\(kind) \(objectName): not a kind the playground serves")
                }
                var metadata = o["metadata"]?.object ?? JSONObject()
                metadata["namespace"] = nil
                o["metadata"] = .object(metadata)
                try await apply(o, path: path, what: "\(kind) \(objectName)")
            }
        } catch {
            // Only a namespace this deploy created goes (one made by kubectl meanwhile stays).
            if createdNamespace { _ = await playground.handle(APIRequest(method: "DELETE", path: "/api/v1/namespaces/\(ns)")) }
            try? store.setStatus(record.id, .failed, message: "not deployed: \(error.message)" + (createdNamespace ? "; the namespace was removed" : ""),
                                 reason: error.message)
            throw DeployerError(error.status == 409 ? 400 : error.status, error.message + " (deployment \(record.id) failed; nothing of it is left in the playground)")
        }
        let kinds = Dictionary(grouping: objects, by: { $0["kind"]?.string ?? "" }).map { "\($0.value.count) \($0.key)" }.sorted()
        try storeCall(request) { () throws(StoreError) in
            try store.setStatus(record.id, .starting, message: "applied \(objects.count) objects (\(kinds.joined(separator: ", "))) to namespace \(ns); pods are starting")
        }
        let elapsed = ContinuousClock.now - started
        metrics.withLock {
            $0.deploys["deployed", default: 0] += 1
            $0.observe(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        var final = record
        final.status = .starting
        return Deployed(record: final, status: 201)
    }

    func apply(_ object: JSONObject, path: String, what: String) async throws(DeployerError) {
        let reply = await playground.handle(APIRequest(method: "POST", path: path, body: Array(JSONWriter(pretty: false).write(.object(object)).utf8)))
        guard case .response(let r) = reply else { throw DeployerError.badRequest("\(what): the playground answered with a watch") }
        guard r.status < 300 else {
            let message = (try? JSONParser(recordsPositions: false).parse(r.body))?.root["message"]?.string ?? "HTTP \(r.status)"
            throw DeployerError(r.status == 409 ? 409 : 400, "\(what): \(message)")
        }
    }

    /// The objects of one manifest file (several YAML documents may share one), as JSON.
    static func objects(path: String, text: String) throws(DeployerError) -> [JSONObject] {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser().parse(text)
        } catch {
            throw DeployerError.badRequest("solution.zip: \(path): \(error)")
        }
        var out: [JSONObject] = []
        for d in documents {
            if case .null = d.root { continue }
            guard case .object(let o) = YAMLJSON.json(d.root) else {
                throw DeployerError.badRequest("solution.zip: \(path): a manifest must be a mapping with apiVersion, kind and metadata")
            }
            out.append(o)
        }
        return out
    }

    // MARK: Status, runs, deletion

    func view(_ d: DeploymentRecord, _ request: DeployerRequest, detail: Bool) async throws(DeployerError) -> JSONValue {
        var d = d
        // A status poll does not wait behind a deploy holding the playground when nothing in
        // the namespace changed since the last read.
        let summary: NamespaceSummary
        if let cached = playground.currentSummary(namespace: d.namespace) {
            summary = cached
        } else {
            summary = await playground.summary(namespace: d.namespace)
        }
        if d.status == .starting || d.status == .ready {
            let now: DeploymentStatus = !summary.exists ? .deleted : summary.ready ? .ready : .starting
            if now != d.status {
                let message = now == .deleted ? "namespace \(d.namespace) was removed outside the deployer"
                    : now == .ready ? "every Deployment is available (\(summary.pods.filter(\.ready).count) pods ready) at virtual time \(summary.time)"
                    : "not every Deployment is available any more"
                let from = d.status
                _ = try storeCall(request) { () throws(StoreError) in
                    try store.transition(d.id, from: from, to: now, message: message, reason: now == .deleted ? message : nil)
                }
                d = try storeCall(request) { () throws(StoreError) in try store.deployment(d.id) } ?? d
            }
        }
        var o: JSONObject = ["id": .string(d.id), "solutionName": .string(d.solutionName), "namespace": .string(d.namespace),
                             "status": .string(d.status.rawValue), "created": .string(d.created), "updated": .string(d.updated)]
        o["solutionId"] = d.solutionID.map { .string($0) } ?? .null
        o["revisionId"] = d.revisionID.map { .string($0) } ?? .null
        if let reason = d.reason { o["reason"] = .string(reason) }
        o["pods"] = .object(["total": .number(String(summary.pods.count)), "ready": .number(String(summary.pods.filter(\.ready).count))])
        guard detail else { return .object(o) }
        o["timeline"] = .array(d.timeline.map { .object(["at": .string($0.at), "status": .string($0.status.rawValue), "message": .string($0.message)]) })
        o["deployments"] = .array(summary.deployments.map {
            .object(["name": .string($0.name), "replicas": .number(String($0.replicas)), "available": .number(String($0.available))])
        })
        o["podList"] = .array(summary.pods.map { p in
            var po: JSONObject = ["name": .string(p.name), "phase": .string(p.phase), "ready": .bool(p.ready)]
            po["node"] = p.node.map { .string($0) } ?? .null
            if let w = p.waiting { po["waiting"] = .string(w) }
            return .object(po)
        })
        o["virtualTime"] = .string(summary.time)
        if let runs = d.lastRuns, let value = try? JSONParser(recordsPositions: false).parse(runs).root { o["lastRuns"] = value }
        return .object(o)
    }

    func runs(_ d: DeploymentRecord, _ request: DeployerRequest) async throws(DeployerError) -> DeployerResponse {
        guard d.status == .starting || d.status == .ready else {
            throw DeployerError.conflict("deployment \(d.id) is \(d.status.rawValue); only a deployed solution runs")
        }
        var body = JSONObject()
        if !request.body.isEmpty {
            guard let text = String(bytes: request.body, encoding: .utf8), let o = (try? JSONParser(recordsPositions: false).parse(text))?.root.object else {
                throw DeployerError.badRequest("the body must be a JSON object such as {\"runs\": 100, \"rate\": 2}")
            }
            body = o
        }
        let runs = body["runs"]?.int ?? 100
        let nodes = max(1, await playground.summary(namespace: d.namespace).deployments.count)
        guard runs >= 0, runs <= limits.maxRuns, runs * nodes <= limits.maxRunCalls else {
            throw DeployerError.tooLarge("at most \(limits.maxRuns) runs and \(limits.maxRunCalls) model calls per request (this pipeline has \(nodes) models); send several requests, or use kubeprint simulate for long runs")
        }
        guard await playground.summary(namespace: d.namespace).exists else {
            throw DeployerError.conflict("namespace \(d.namespace) is gone; deploy the solution again")
        }
        if let blueprint = d.blueprint, let value = try? JSONParser(recordsPositions: false).parse(blueprint).root { body["blueprint"] = value }
        let reply = await playground.handle(APIRequest(method: "POST", path: "/playground/v1/namespaces/\(d.namespace)/runs",
                                                       body: Array(JSONWriter(pretty: false).write(.object(body)).utf8)))
        guard case .response(let r) = reply else { throw DeployerError.internalError("runs answered with a watch", requestID: request.requestID) }
        guard r.status == 200 else {
            let message = (try? JSONParser(recordsPositions: false).parse(r.body))?.root["message"]?.string ?? "HTTP \(r.status)"
            throw DeployerError(r.status == 409 ? 409 : 400, message)
        }
        try storeCall(request) { () throws(StoreError) in try store.setLastRuns(d.id, json: r.body) }
        return DeployerResponse(status: 200, body: Array(r.body.utf8))
    }

    func delete(_ d: DeploymentRecord, _ request: DeployerRequest) async throws(DeployerError) -> DeployerResponse {
        guard d.status != .deleted else { throw DeployerError.conflict("deployment \(d.id) is deleted already") }
        if d.status != .failed {
            _ = await playground.handle(APIRequest(method: "DELETE", path: "/api/v1/namespaces/\(d.namespace)"))
        }
        try storeCall(request) { () throws(StoreError) in try store.setStatus(d.id, .deleted, message: "deleted; namespace \(d.namespace) is removed") }
        return .json(200, .object(["id": .string(d.id), "namespace": .string(d.namespace), "status": "deleted"]))
    }

    // MARK: Metrics

    /// The deployer's Prometheus metrics: deploys by outcome and their duration, token failures by reason.
    public func metricsText() -> String {
        let m = metrics.withLock { $0 }
        var p = PrometheusText()
        p.counter("kubeprint_deployer_deploys_total", help: "Deploys by outcome (deployed, failed, conflict).",
                  values: ["conflict", "deployed", "failed"].map { ([("outcome", $0)], Double(m.deploys[$0] ?? 0)) })
        p.histogram("kubeprint_deployer_deploy_duration_seconds", help: "Server time to build and apply a solution.",
                    buckets: DeployerMetrics.buckets, cumulativeCounts: m.bucketCounts, sum: m.durationSum)
        p.counter("kubeprint_deployer_token_failures_total", help: "Requests refused for their token, by reason.",
                  values: ["algorithm", "expired", "malformed", "missing", "no_user", "not_yet_valid", "signature"].map {
                      ([("reason", $0)], Double(m.tokenFailures[$0] ?? 0))
                  })
        return p.text
    }
}

struct DeployerMetrics: Sendable {
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    var deploys: [String: Int] = [:]
    /// Deploys at most each bucket's bound, then all of them (+Inf).
    var bucketCounts = [Int](repeating: 0, count: buckets.count + 1)
    var durationSum = 0.0
    var tokenFailures: [String: Int] = [:]

    mutating func observe(_ seconds: Double) {
        for (i, bound) in Self.buckets.enumerated() where seconds <= bound { bucketCounts[i] += 1 }
        bucketCounts[Self.buckets.count] += 1
        durationSum += seconds
    }
}

/// YAML trees as JSON values (manifests read from a solution.zip, sent to the API as JSON).
enum YAMLJSON {
    static func json(_ node: YAMLNode) -> JSONValue {
        switch node {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(String(i))
        case .double(let d): return d.isFinite ? .number(String(d)) : .string(String(d))
        case .string(let s): return .string(s)
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let m): return .object(JSONObject(m.entries.map { JSONObject.Member(key: $0.key, value: json($0.value)) }))
        }
    }
}
