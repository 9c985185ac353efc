import Deployer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `kubeprint serve --jwt-secret-file` as a process: a user uploads, deploys, watches and runs a
/// pipeline over HTTP; the server is killed with SIGKILL in the middle of a second deploy and started again.
@Suite("the deployer over HTTP, through kill -9", .serialized)
struct DeployerLiveTests {
    struct Reply {
        var status: Int
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    static func send(_ method: String, _ url: String, token: String? = nil, body: Data? = nil, contentType: String = "application/json") async throws -> Reply {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    /// A chain of `n` models.
    static func chain(_ n: Int) -> Data {
        let nodes = (0..<n).map { i -> [String: Any] in
            let next: [[String: Any]] = i + 1 < n ? [["container_name": "m\(i + 1)", "operation_signature": ["operation_name": "predict"]]] : []
            return ["container_name": "m\(i)", "node_type": "MLModel", "image": "registry.example.com/chain/m\(i % 7):1",
                    "operation_signature_list": [["operation_signature": ["operation_name": "predict", "input_message_name": "In",
                                                                          "output_message_name": "Out"], "connected_to": next]]]
        }
        return (try? JSONSerialization.data(withJSONObject: ["name": "chain", "version": "1", "nodes": nodes], options: [.sortedKeys])) ?? Data()
    }

    @Test("upload, deploy with a token, poll until ready, run; kill -9 during a second deploy; both accounted for after a restart")
    func killNine() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let secret = root.appendingPathComponent("secret.txt")
        try Data((0..<64).map { UInt8($0 * 13 % 256) }).base64EncodedString().write(to: secret, atomically: true, encoding: .utf8)
        let db = root.appendingPathComponent("store.sqlite")
        let token = try Binary.kubeprint(["token", "--secret-file", secret.path, "--email", "ada@example.org"])
        #expect(token.status == 0, "\(token.stderr)")
        let jwt = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let arguments = ["--speed", "manual", "--jwt-secret-file", secret.path, "--db", db.path]

        var server = try ServerProcess(arguments: arguments, root: root)
        let news = try Data(contentsOf: Fixtures.blueprint("news-training-sharedfolder.json"))
        #expect(try await Self.send("PUT", server.url + "/solutions/news/revisions/1", token: jwt, body: news).status == 201)
        #expect(try await Self.send("GET", server.url + "/deploy/news/1").status == 401, "no token, no deploy")
        let first = try await Self.send("GET", server.url + "/deploy/news/1", token: jwt)
        #expect(first.status == 201, "\(first.body)")
        let id = try #require(first.json["id"] as? String)
        var status = ""
        for _ in 0..<20 where status != "ready" {
            #expect(try await Self.send("POST", server.url + "/playground/v1/advance?by=30s").status == 200)
            status = try await Self.send("GET", server.url + "/deployments/\(id)", token: jwt).json["status"] as? String ?? ""
        }
        #expect(status == "ready")
        let runs = try await Self.send("POST", server.url + "/deployments/\(id)/runs", token: jwt, body: Data(#"{"runs": 10}"#.utf8))
        #expect(runs.status == 200, "\(runs.body)")
        // kubeprint run against the same namespace, over its own small HTTP client.
        let folder = root.appendingPathComponent("news")
        #expect(try Binary.kubeprint(["convert", Fixtures.blueprint("news-training-sharedfolder.json").path, "-o", folder.path, "-q"]).status == 0)
        let ns = try #require(first.json["namespace"] as? String)
        let run = try Binary.kubeprint(["run", folder.path, "-n", ns, "--server", server.url, "--runs", "10", "--json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("\"runs\""), "\(run.stdout)")
        let refused = try Binary.kubeprint(["run", folder.path, "-n", "no-such-namespace", "--server", server.url])
        #expect(refused.status == 1 && refused.stderr.contains("HTTP 404"), "\(refused.stderr)")
        // --output: the runs' metrics and report.html; the same playground state gives the same page.
        let metrics = root.appendingPathComponent("metrics")
        var pages: [String] = []
        for _ in 0..<2 {
            let withReport = try Binary.kubeprint(["run", folder.path, "-n", ns, "--server", server.url, "--runs", "20", "--output", metrics.path])
            #expect(withReport.status == 0, "\(withReport.stdout)\(withReport.stderr)")
            pages.append((try? String(contentsOf: metrics.appendingPathComponent("report.html"), encoding: .utf8)) ?? "")
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: metrics.path).sorted()
        #expect(written.contains("report.html") && written.contains("summary.json") && written.contains("functions.csv") && written.contains(".kubeprint-metrics"), "\(written)")
        #expect(pages[0] == pages[1] && pages[0].hasPrefix("<!DOCTYPE html>"))
        #expect(pages[0].contains("playground namespace \(ns)") && pages[0].contains("data-chart=\"replicas\"") && pages[0].contains("--output"))
        let intoSolution = try Binary.kubeprint(["run", folder.path, "-n", ns, "--server", server.url, "--output", folder.path])
        #expect(intoSolution.status == 1 && intoSolution.stderr.contains("--output"), "the solution folder is not a metrics folder: \(intoSolution.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))

        // A large deploy, killed once the store knows of it.
        #expect(try await Self.send("PUT", server.url + "/solutions/chain/revisions/1", token: jwt, body: Self.chain(600)).status == 201)
        let url = server.url
        let second = Task { try? await Self.send("GET", url + "/deploy/chain/1", token: jwt) }
        var seen = false
        for _ in 0..<10_000 where !seen {
            let list = try await Self.send("GET", server.url + "/deployments", token: jwt).json["items"] as? [[String: Any]] ?? []
            seen = list.count == 2
        }
        #expect(seen, "the second deploy was recorded")
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        _ = await second.value
        #expect(server.process.terminationReason == .uncaughtSignal)

        server = try ServerProcess(arguments: arguments, root: root)
        let items = try await Self.send("GET", server.url + "/deployments", token: jwt).json["items"] as? [[String: Any]] ?? []
        #expect(items.count == 2, "both deployments are accounted for: \(items)")
        let cut = items.first { ($0["id"] as? String) != id }
        let cutStatus = cut?["status"] as? String ?? ""
        #expect(["failed", "starting", "ready"].contains(cutStatus), "the cut deploy is failed (interrupted) or complete, never half: \(cutStatus)")
        if cutStatus == "failed" {
            #expect((cut?["reason"] as? String)?.contains("stopped during the deploy") == true)
            let ns = cut?["namespace"] as? String ?? ""
            #expect(try await Self.send("GET", server.url + "/api/v1/namespaces/\(ns)").status == 404, "nothing of the cut deploy is restored")
        }
        print("kill -9 test: the cut deploy is \(cutStatus) after the restart")
        status = ""
        for _ in 0..<20 where status != "ready" {
            #expect(try await Self.send("POST", server.url + "/playground/v1/advance?by=30s").status == 200)
            status = try await Self.send("GET", server.url + "/deployments/\(id)", token: jwt).json["status"] as? String ?? ""
        }
        #expect(status == "ready", "the first deployment's pods were re-created and are ready again")
        #expect(server.stop() == 0)
        #expect(try DeployerStore(path: db.path).integrityCheck() == "ok")
    }
}
