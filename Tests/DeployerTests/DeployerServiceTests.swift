import Blueprint
@testable import Deployer
import Foundation
import KubeAPI
import Manifests
import Playground
import Testing
import TestSupport
import YAML

/// A deployer over a store in a temporary folder and a playground in manual time.
struct Harness {
    let db: URL
    let store: DeployerStore
    let playground: LivePlayground
    let service: DeployerService
    let report: DeployerStartReport
    let ada: String
    let bob: String

    static func config() -> PlaygroundConfig {
        PlaygroundConfig(scenario: Playground.defaultCluster(seed: 1), epoch: Date(timeIntervalSince1970: 1_800_000_000))
    }

    init(db: URL) async throws {
        self.db = db
        store = try DeployerStore(path: db.path)
        playground = try LivePlayground(config: Self.config(), speed: .manual)
        service = DeployerService(store: store, playground: playground, verifier: try TokenVerifier(secretBase64: Secrets.long))
        report = try await service.start()
        let signer = try TokenSigner(secretBase64: Secrets.long)
        ada = try signer.sign(email: "ada@example.org")
        bob = try signer.sign(email: "bob@example.org", algorithm: .hs256)
    }

    @discardableResult
    func call(_ method: String, _ path: String, token: String?, body: [UInt8] = [], contentType: String = "application/json",
              accept: String = "application/json", query: [String: String] = [:]) async -> DeployerResponse
    {
        var headers = ["Content-Type": contentType, "Accept": accept]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return await service.handle(DeployerRequest(method: method, path: path, query: query, headers: headers, body: body, requestID: "test"))
    }

    func upload(_ solution: String, _ revision: String, blueprint name: String) async throws -> DeployerResponse {
        let text = try Fixtures.text(Fixtures.blueprint(name))
        return await call("PUT", "/solutions/\(solution)/revisions/\(revision)", token: ada, body: Array(text.utf8))
    }

    static func json(_ r: DeployerResponse) -> JSONValue { (try? JSONParser(recordsPositions: false).parse(r.text).root) ?? .null }
}

@Suite("the deployer service", .serialized)
struct DeployerServiceTests {
    @Test("upload a blueprint, deploy it with a token, watch it become ready, run the pipeline, fetch its zip, delete it")
    func wholeStory() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        let up = try await h.upload("news", "r1", blueprint: "news-training-sharedfolder.json")
        #expect(up.status == 201, "\(up.text)")
        #expect(Harness.json(up)["kind"]?.string == "pipeline")
        #expect(try await h.upload("news", "r1", blueprint: "news-training-sharedfolder.json").status == 409)

        let deployed = await h.call("GET", "/deploy/news/r1", token: h.ada)
        #expect(deployed.status == 201, "\(deployed.text)")
        let id = try #require(Harness.json(deployed)["id"]?.string)
        let ns = try #require(Harness.json(deployed)["namespace"]?.string)
        #expect(ns == "news-r1")
        #expect(Harness.json(deployed)["status"]?.string == "starting")

        var view = Harness.json(await h.call("GET", "/deployments/\(id)", token: h.ada))
        #expect(view["status"]?.string == "starting")
        let expectedDeployments = await h.playground.summary(namespace: ns).deployments.count
        #expect(expectedDeployments >= 3, "the news pipeline has several models and an orchestrator")
        await h.playground.advanceUntilIdle(limit: 900)
        view = Harness.json(await h.call("GET", "/deployments/\(id)", token: h.ada))
        #expect(view["status"]?.string == "ready", "\(view)")
        let pods = view["podList"]?.array ?? []
        #expect(!pods.isEmpty && pods.allSatisfy { $0["ready"]?.bool == true })
        #expect((view["timeline"]?.array ?? []).compactMap { $0["status"]?.string } == ["deploying", "starting", "ready"])

        let runs = await h.call("POST", "/deployments/\(id)/runs", token: h.ada, body: Array(#"{"runs": 20, "rate": 4}"#.utf8))
        #expect(runs.status == 200, "\(runs.text)")
        view = Harness.json(await h.call("GET", "/deployments/\(id)", token: h.ada))
        #expect(view["lastRuns"] != nil)

        let zip = await h.call("GET", "/getSolutionZip/news/r1", token: h.ada)
        #expect(zip.status == 200 && zip.contentType == "application/zip")
        #expect(zip.headers["Content-Disposition"]?.contains("solution.zip") == true)
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint("news-training-sharedfolder.json").path)
        let generator = ManifestGenerator(options: ManifestOptions())
        let expected = try SolutionBundle.pipeline(loaded, manifests: generator.generate(loaded.graph), options: generator.options,
                                                   protos: ProtoCollection()).zipData()
        #expect(Data(zip.body) == expected, "the zip is what kubeprint convert writes")

        let list = Harness.json(await h.call("GET", "/deployments", token: h.ada))
        #expect(list["items"]?.array?.count == 1)
        let deleted = await h.call("DELETE", "/deployments/\(id)", token: h.ada)
        #expect(deleted.status == 200)
        await h.playground.advanceUntilIdle(limit: 120)
        #expect(await h.playground.summary(namespace: ns).exists == false)
        #expect(await h.call("DELETE", "/deployments/\(id)", token: h.ada).status == 409)
        #expect(try h.store.integrityCheck() == "ok")
    }

    @Test("the token is checked before anything else: 401 whatever the ids, then 404 for unknown ones")
    func tokenFirst() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        for (method, path) in [("GET", "/deploy/nope/nope"), ("GET", "/getSolutionZip/nope/nope"), ("GET", "/deployments"), ("GET", "/deployments/nope"),
                               ("PUT", "/solutions/nope/revisions/nope"), ("POST", "/deploy_solution"), ("DELETE", "/deployments/nope"),
                               ("POST", "/deployments/nope/runs")] {
            let none = await h.call(method, path, token: nil, body: Array("{}".utf8))
            #expect(none.status == 401)
            #expect(Harness.json(none)["error"]?["message"]?.string?.contains("no token") == true, "\(none.text)")
            #expect(none.headers["WWW-Authenticate"] != nil)
            let forged = try TokenSigner(secretBase64: Secrets.other).sign(email: "ada@example.org")
            #expect(await h.call(method, path, token: forged).status == 401)
            // The server asks the same before it reads a body.
            #expect(h.service.preflight(method: method, path: path, query: [:], headers: [:]).0?.status == 401)
        }
        #expect(h.service.preflight(method: "GET", path: "/deployer/openapi.yaml", query: [:], headers: [:]).0 == nil)
        let unknown = await h.call("GET", "/deploy/nope/nope", token: h.ada)
        #expect(unknown.status == 404)
        #expect(Harness.json(unknown)["error"]?["message"]?.string?.contains("PUT /solutions/nope/revisions/nope") == true)
        #expect(await h.call("GET", "/deployments/nope", token: h.ada).status == 404)
        // The token in each place the original deployer reads it.
        #expect(await h.service.handle(DeployerRequest(method: "GET", path: "/deployments", headers: ["jwtToken": h.ada])).status == 200)
        #expect(await h.service.handle(DeployerRequest(method: "GET", path: "/deployments", headers: ["Authorization": h.ada])).status == 200)
        #expect(await h.service.handle(DeployerRequest(method: "GET", path: "/deployments", query: ["jwtToken": h.ada])).status == 200)
        let metrics = h.service.metricsText()
        #expect(metrics.contains(#"kubeprint_deployer_token_failures_total{reason="missing"} 16"#), "\(metrics)")
        #expect(metrics.contains(#"kubeprint_deployer_token_failures_total{reason="signature"} 8"#))
    }

    @Test("a user sees, runs and deletes only their own deployments")
    func usersApart() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        #expect(try await h.upload("sudoku", "1", blueprint: "sudoku-tutorial.json").status == 201)
        let deployed = await h.call("GET", "/deploy/sudoku/1", token: h.ada)
        let id = try #require(Harness.json(deployed)["id"]?.string)
        #expect(Harness.json(deployed)["namespace"]?.string == "sudoku-1")
        // A browser deploying the same revision again: a namespace of its own, and a redirect to the dashboard.
        let page = await h.call("GET", "/deploy/sudoku/1", token: h.ada, accept: "text/html,application/xhtml+xml")
        #expect(page.status == 303 && page.headers["Location"] == "/#ns=sudoku-1-2", "\(page.status) \(page.headers)")
        #expect(await h.call("GET", "/deployments/\(id)", token: h.bob).status == 403)
        #expect(await h.call("DELETE", "/deployments/\(id)", token: h.bob).status == 403)
        #expect(await h.call("POST", "/deployments/\(id)/runs", token: h.bob, body: Array("{}".utf8)).status == 403)
        #expect(Harness.json(await h.call("GET", "/deployments", token: h.bob))["items"]?.array?.count == 0)
        #expect(Harness.json(await h.call("GET", "/deployments", token: h.ada))["items"]?.array?.count == 2)
        // Deploying as someone else through the playground half is refused too.
        let zip = await h.call("GET", "/getSolutionZip/sudoku/1", token: h.ada)
        let body = #"{"solution": "\#(Data(zip.body).base64EncodedString())", "username": "ada@example.org"}"#
        #expect(await h.call("POST", "/deploy_solution", token: h.bob, body: Array(body.utf8)).status == 403)
        let own = await h.call("POST", "/deploy_solution", token: h.ada, body: Array(body.utf8))
        #expect(own.status == 201, "\(own.text)")
        #expect(Harness.json(own)["namespace"]?.string != Harness.json(deployed)["namespace"]?.string)
        // Only the first uploader adds revisions to a solution.
        let text = try Fixtures.text(Fixtures.blueprint("sudoku-tutorial.json"))
        #expect(await h.call("PUT", "/solutions/sudoku/revisions/2", token: h.bob, body: Array(text.utf8)).status == 403)
        #expect(await h.call("PUT", "/solutions/sudoku/revisions/2", token: h.ada, body: Array(text.utf8)).status == 201)
        // A solution cannot reach outside its namespace: cluster-wide kinds are refused, nothing is left.
        for extra in [#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"squatted"}}"#,
                      #"{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"evil","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"x"}"#] {
            let zip = try Self.zip(["deployments/extra.yaml": extra, "deployments/web.yaml": Self.webDeployment])
            let r = await h.call("POST", "/deploy_solution", token: h.ada, body: Array(#"{"solution": "\#(zip.base64EncodedString())"}"#.utf8))
            #expect(r.status == 400 && r.text.contains("cluster-wide"), "\(r.text)")
        }
        #expect(await h.playground.summary(namespace: "squatted").exists == false)
    }

    static let webDeployment = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"registry.example/web:1"}]}}}}"#

    /// A zip of `files` (YAML manifests may be written as JSON, a subset of YAML).
    static func zip(_ files: [String: String]) throws -> Data {
        try SolutionBundle(files: files.sorted { $0.key < $1.key }.map { SolutionBundle.File(path: $0.key, contents: Data($0.value.utf8)) }).zipData()
    }

    @Test("a namespace deleted outside the deployer: its deployment says so, and runs are refused")
    func namespaceGone() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        #expect(try await h.upload("sudoku", "1", blueprint: "sudoku-tutorial.json").status == 201)
        let deployed = Harness.json(await h.call("GET", "/deploy/sudoku/1", token: h.ada))
        let id = try #require(deployed["id"]?.string)
        let ns = try #require(deployed["namespace"]?.string)
        _ = await h.playground.handle(APIRequest(method: "DELETE", path: "/api/v1/namespaces/\(ns)"))
        await h.playground.advanceUntilIdle(limit: 120)
        let view = Harness.json(await h.call("GET", "/deployments/\(id)", token: h.ada))
        #expect(view["status"]?.string == "deleted" && view["reason"]?.string?.contains("outside the deployer") == true, "\(view)")
        #expect(await h.call("POST", "/deployments/\(id)/runs", token: h.ada, body: Array("{}".utf8)).status == 409)
        // Polled many times at once, a change is recorded once.
        _ = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { await h.call("GET", "/deployments/\(id)", token: h.ada).status } }
            return await group.reduce(0) { $0 + $1 }
        }
        let timeline = (Harness.json(await h.call("GET", "/deployments/\(id)", token: h.ada))["timeline"]?.array ?? []).compactMap { $0["status"]?.string }
        #expect(timeline == ["deploying", "starting", "deleted"], "\(timeline)")
    }

    @Test("deploys of different solutions at once stay apart; a second deploy of the same revision gets a namespace of its own")
    func concurrent() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        let samples = ["news-training-sharedfolder.json", "sudoku-tutorial.json", "graphene-v2-houseprice-Moctader.json"]
        for (i, name) in samples.enumerated() { #expect(try await h.upload("s\(i)", "r", blueprint: name).status == 201) }
        let results = await withTaskGroup(of: DeployerResponse.self) { group in
            for i in 0..<samples.count { group.addTask { await h.call("GET", "/deploy/s\(i)/r", token: h.ada) } }
            group.addTask { await h.call("GET", "/deploy/s0/r", token: h.ada) }
            var all: [DeployerResponse] = []
            for await r in group { all.append(r) }
            return all
        }
        let created = results.filter { $0.status == 201 }
        #expect(created.count + results.filter { $0.status == 409 }.count == results.count, "\(results.map(\.text))")
        #expect(created.count >= samples.count)
        let namespaces = created.compactMap { Harness.json($0)["namespace"]?.string }
        #expect(Set(namespaces).count == namespaces.count, "every deploy has a namespace of its own: \(namespaces)")
        // Shared-folder settings of one solution never leak into another's (the original's bug).
        for i in 0..<samples.count {
            let text = try Fixtures.text(Fixtures.blueprint(samples[i]))
            let hasShared = text.contains("SharedFolder")
            let ns = namespaces.first { $0.hasPrefix("s\(i)-") } ?? ""
            #expect(!ns.isEmpty, "s\(i) was deployed")
            let claims = await h.playground.handle(APIRequest(method: "GET", path: "/api/v1/namespaces/\(ns)/persistentvolumeclaims"))
            guard case .response(let r) = claims else { continue }
            let count = (try? JSONParser(recordsPositions: false).parse(r.body).root["items"]?.array?.count) ?? -1
            #expect((count ?? 0 > 0) == hasShared, "\(samples[i]) in \(ns): \(count ?? -1) claims")
        }
    }

    @Test("bad input: an invalid blueprint lists its problems, other media types, oversized bodies, malformed deploy bodies")
    func badInput() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        let broken = #"{"name": "x", "nodes": [{"container_name": "a b", "node_type": "MLModel"}, {"container_name": "c"}]}"#
        let r = await h.call("PUT", "/solutions/x/revisions/1", token: h.ada, body: Array(broken.utf8))
        #expect(r.status == 400)
        let message = Harness.json(r)["error"]?["message"]?.string ?? ""
        #expect(message.contains("blueprint.json:1:") && message.contains("problems"), "\(message)")
        #expect(await h.call("PUT", "/solutions/x/revisions/1", token: h.ada, body: [1, 2], contentType: "text/plain").status == 415)
        #expect(await h.call("PUT", "/solutions/bad%20id/revisions/1", token: h.ada, body: Array("{}".utf8)).status == 400)
        let big = [UInt8](repeating: 32, count: h.service.limits.maxBlueprintBytes + 1)
        #expect(await h.call("PUT", "/solutions/x/revisions/2", token: h.ada, body: big).status == 413)
        #expect(await h.call("POST", "/deploy_solution", token: h.ada, body: Array("not json".utf8)).status == 400)
        #expect(await h.call("POST", "/deploy_solution", token: h.ada, body: Array(#"{"solution": "@@@"}"#.utf8)).status == 400)
        #expect(await h.call("POST", "/deployments/x", token: h.ada).status == 404)
        #expect(await h.call("PATCH", "/deployments", token: h.ada).status == 405)
        let unknown = await h.call("GET", "/deployer/nothing", token: h.ada)
        #expect(unknown.status == 404 && unknown.text.contains("openapi.yaml"))
        #expect(try h.store.deployments(user: nil).isEmpty, "no refused request left a deployment behind")
    }

    @Test("after a restart the cluster comes back; a deploy cut off in the middle is marked failed and leaves nothing")
    func restart() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let db = root.appendingPathComponent("store.sqlite")
        var first: String
        var firstNamespace: String
        var objectsBefore: [String]
        do {
            let h = try await Harness(db: db)
            #expect(try await h.upload("news", "r1", blueprint: "news-training-sharedfolder.json").status == 201)
            let deployed = Harness.json(await h.call("GET", "/deploy/news/r1", token: h.ada))
            first = try #require(deployed["id"]?.string)
            firstNamespace = try #require(deployed["namespace"]?.string)
            await h.playground.advanceUntilIdle(limit: 900)
            #expect(Harness.json(await h.call("GET", "/deployments/\(first)", token: h.ada))["status"]?.string == "ready")
            objectsBefore = try h.store.desiredObjects().map { "\($0.resource) \($0.namespace)/\($0.name)" }.sorted()
            // A second deploy cut off after its namespace was created: what a kill -9 in the middle leaves.
            let begun = try h.store.beginDeployment(user: "ada@example.org", solutionID: "news", revisionID: "r1", solutionName: "news",
                                                    namespaceBase: "news-r1", blueprint: nil, taken: await h.playground.namespaceNames())
            let cut = try begun.get()
            _ = await h.playground.handle(APIRequest(method: "POST", path: "/api/v1/namespaces",
                                                     body: Array(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(cut.namespace)"}}"#.utf8)))
            #expect(try h.store.desiredObjects().contains { $0.name == cut.namespace })
        }
        let h = try await Harness(db: db)
        #expect(h.report.interrupted.count == 1)
        #expect(h.report.problems.isEmpty, "\(h.report.problems)")
        let all = try h.store.deployments(user: "ada@example.org")
        #expect(all.count == 2, "both deployments are accounted for")
        let cut = try #require(all.first { $0.id != first })
        #expect(cut.status == .failed && cut.reason?.contains("stopped during the deploy") == true)
        #expect(await h.playground.summary(namespace: cut.namespace).exists == false)
        #expect(try h.store.desiredObjects().map { "\($0.resource) \($0.namespace)/\($0.name)" }.sorted() == objectsBefore)
        var summary = await h.playground.summary(namespace: firstNamespace)
        #expect(summary.exists && !summary.deployments.isEmpty && !summary.ready, "objects restored, pods starting again")
        await h.playground.advanceUntilIdle(limit: 900)
        summary = await h.playground.summary(namespace: firstNamespace)
        #expect(summary.ready)
        let view = Harness.json(await h.call("GET", "/deployments/\(first)", token: h.ada))
        #expect(view["status"]?.string == "ready")
        #expect((view["timeline"]?.array ?? []).contains { $0["message"]?.string?.contains("restarted") == true })
        #expect(try h.store.integrityCheck() == "ok")
    }

    @Test("the OpenAPI document lists exactly the router's endpoints, and docs/deployer-openapi.yaml is it")
    func openAPI() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let h = try await Harness(db: root.appendingPathComponent("store.sqlite"))
        let doc = await h.call("GET", "/deployer/openapi.yaml", token: nil)
        #expect(doc.status == 200)
        let tree = try #require(try YAMLParser().parse(doc.text).first?.root)
        var documented: [String] = []
        for path in tree["paths"]?.mapping ?? YAMLMapping() {
            for method in path.value.mapping ?? YAMLMapping() { documented.append("\(method.key.uppercased()) \(path.key)") }
        }
        #expect(documented.sorted() == DeployerOpenAPI.routes.map { "\($0.method.uppercased()) \($0.path)" }.sorted())
        // Every documented endpoint is routed (anything but the router's own 404 or 405).
        for route in DeployerOpenAPI.routes {
            let path = route.path.replacingOccurrences(of: "{solutionId}", with: "s").replacingOccurrences(of: "{revisionId}", with: "r")
                .replacingOccurrences(of: "{id}", with: "d")
            let r = await h.call(route.method.uppercased(), path, token: h.ada, body: Array("{}".utf8))
            #expect(r.status != 405 && !r.text.contains("no deployer endpoint"), "\(route.method) \(path): \(r.status) \(r.text)")
        }
        let file = Fixtures.packageRoot.appendingPathComponent("docs/deployer-openapi.yaml")
        if Golden.isRecording { try DeployerOpenAPI.document.write(to: file, atomically: true, encoding: .utf8) }
        #expect(try String(contentsOf: file, encoding: .utf8) == DeployerOpenAPI.document,
                "docs/deployer-openapi.yaml is stale: run RECORD_GOLDEN=1 swift test --filter openAPI")
    }
}
