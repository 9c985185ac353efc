import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// A `kubeprint serve` process on 127.0.0.1 and a free port, stopped with SIGTERM.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let root: URL
    let kubeconfig: URL
    private(set) var url = ""
    private let output = Pipe()

    init(arguments: [String] = [], root: URL) throws {
        self.root = root
        kubeconfig = root.appendingPathComponent("playground.kubeconfig")
        guard let binary = Binary.kubeprint else { throw Binary.BinaryMissing() }
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--kubeconfig", kubeconfig.path] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first line names the URL; it is printed once the server listens (a blocking read, no polling).
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: "http://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(where: { !$0.isNumber }) else {
            process.terminate()
            throw ServerFailed(output: text)
        }
        url = String(text[range.lowerBound..<end])
    }

    struct ServerFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { "kubeprint serve did not start: \(output)" }
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs kubectl against the playground, with a HOME of its own (discovery cache).
    func kubectl(_ arguments: [String]) throws -> Binary.Result {
        guard let kubectl = LivePlaygroundTests.kubectlPath else { throw KubectlMissing() }
        return try Binary.run(URL(fileURLWithPath: kubectl), arguments, environment: ["KUBECONFIG": kubeconfig.path, "HOME": root.path])
    }

    func sh(_ script: URL, _ arguments: [String]) throws -> Binary.Result {
        try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script.path] + arguments,
                       environment: ["KUBECONFIG": kubeconfig.path, "HOME": root.path, "KUBECTL": LivePlaygroundTests.kubectlPath ?? "kubectl"])
    }

    struct KubectlMissing: Error {}

    /// Converts the news-training sample and deploys it into namespace `news` with its deploy.sh.
    @discardableResult
    func deployNewsSample(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let out = root.appendingPathComponent("solution")
        let convert = try Binary.kubeprint(["convert", Fixtures.blueprint("news-training-sharedfolder.json").path, "-o", out.path, "-q"])
        #expect(convert.status == 0, "\(convert.stderr)", sourceLocation: sourceLocation)
        let deploy = try sh(out.appendingPathComponent("deploy.sh"), ["-n", "news", "--create-namespace"])
        #expect(deploy.status == 0, "\(deploy.stdout)\(deploy.stderr)", sourceLocation: sourceLocation)
        return out
    }
}

/// Where kubectl is, or nil (then the live tests are reported as skipped, with the reason).
let kubectlOnPath: String? = {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
    FileHandle.standardError.write(Data("warning: kubectl is not on PATH; the live playground tests with the real kubectl are skipped\n".utf8))
    return nil
}()

/// The real kubectl against the live playground, running each sample solution's own deploy.sh.
@Suite("kubectl against kubeprint serve", .serialized,
       .enabled(if: kubectlOnPath != nil, "kubectl is not on PATH: the end-to-end tests with the real kubectl did NOT run"))
struct LivePlaygroundTests {
    static var kubectlPath: String? { kubectlOnPath }

    static func pods(_ server: ServerProcess, _ ns: String) throws -> [[String: Any]] {
        let r = try server.kubectl(["get", "pods", "-n", ns, "-o", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return json?["items"] as? [[String: Any]] ?? []
    }

    static func isReady(_ pod: [String: Any]) -> Bool {
        let status = pod["status"] as? [String: Any]
        let conditions = status?["conditions"] as? [[String: Any]] ?? []
        return status?["phase"] as? String == "Running"
            && conditions.contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }
    }

    @Test("every sample solution's deploy.sh deploys, reapplies unchanged, and its namespace goes")
    func deployEverySample() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let server = try ServerProcess(arguments: ["--speed", "2000"], root: root)
        let blueprints = try FileManager.default.contentsOfDirectory(atPath: Fixtures.packageRoot.appendingPathComponent("blueprints").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(blueprints.count >= 5)
        var namespaces: [String: Int] = [:]
        for (i, blueprint) in blueprints.enumerated() {
            let out = root.appendingPathComponent("solution-\(i)")
            let convert = try Binary.kubeprint(["convert", Fixtures.packageRoot.appendingPathComponent("blueprints/\(blueprint)").path, "-o", out.path, "-q"])
            #expect(convert.status == 0, "\(convert.stderr)")
            let ns = "sample-\(i)"
            let deploy = try server.sh(out.appendingPathComponent("deploy.sh"), ["-n", ns, "--create-namespace", "--timeout", "120s"])
            #expect(deploy.status == 0, "\(blueprint): deploy.sh failed:\n\(deploy.stdout)\n\(deploy.stderr)")
            #expect(deploy.stdout.contains("successfully rolled out"), "\(blueprint): \(deploy.stdout)")
            #expect(deploy.stdout.contains("Deployed."))
            let deployments = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("deployments").path)
                .filter { $0.hasSuffix("_deployment.yaml") }
            let pods = try Self.pods(server, ns)
            #expect(pods.count == deployments.count, "\(blueprint): \(pods.count) pods for \(deployments.count) deployments")
            #expect(pods.allSatisfy(Self.isReady), "\(blueprint): not every pod is Running and ready")
            namespaces[ns] = pods.count
            // dockerinfo.json now holds the NodePorts the playground assigned.
            let dockerinfo = try String(contentsOf: out.appendingPathComponent("dockerinfo.json"), encoding: .utf8)
            #expect(dockerinfo.contains("\"port\": \"3"), "\(blueprint): dockerinfo.json has no NodePort")
            // A second apply changes nothing.
            let again = try server.kubectl(["apply", "-n", ns, "-f", out.appendingPathComponent("deployments").path])
            #expect(again.status == 0, "\(again.stderr)")
            let lines = again.stdout.split(separator: "\n")
            #expect(!lines.isEmpty && lines.allSatisfy { $0.hasSuffix(" unchanged") }, "\(blueprint): second apply:\n\(again.stdout)\(again.stderr)")
        }
        // Namespaces stay apart.
        for (ns, count) in namespaces { #expect(try Self.pods(server, ns).count == count) }
        let all = try server.kubectl(["get", "pods", "-A", "--no-headers"])
        #expect(all.stdout.split(separator: "\n").count == namespaces.values.reduce(0, +))
        // Deleting a namespace waits until it is gone, and leaves the others.
        let delete = try server.kubectl(["delete", "namespace", "sample-0", "--timeout=60s"])
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect(delete.stdout.contains("namespace \"sample-0\" deleted"))
        let gone = try server.kubectl(["get", "namespace", "sample-0"])
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("NotFound"))
        #expect(try Self.pods(server, "sample-1").count == namespaces["sample-1"])
        #expect(server.stop() == 0)
    }

    @Test("scale, rollout status, describe, events, top and logs work as on a real cluster")
    func dayTwo() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let server = try ServerProcess(arguments: ["--speed", "2000"], root: root)
        _ = try server.deployNewsSample()
        let scale = try server.kubectl(["scale", "deployment/newstrainer1", "--replicas=3", "-n", "news"])
        #expect(scale.stdout.contains("deployment.apps/newstrainer1 scaled"), "\(scale.stdout)\(scale.stderr)")
        let rollout = try server.kubectl(["rollout", "status", "deployment/newstrainer1", "-n", "news", "--timeout=60s"])
        #expect(rollout.stdout.contains("successfully rolled out"), "\(rollout.stdout)\(rollout.stderr)")
        let ready = try Self.pods(server, "news").filter {
            (($0["metadata"] as? [String: Any])?["name"] as? String ?? "").hasPrefix("newstrainer1-") && Self.isReady($0)
        }
        #expect(ready.count == 3)
        let wide = try server.kubectl(["get", "pods", "-n", "news", "-o", "wide"])
        #expect(wide.stdout.hasPrefix("NAME"))
        #expect(wide.stdout.contains("NODE") && wide.stdout.contains("Running") && wide.stdout.contains("1/1"))
        let pvc = try server.kubectl(["get", "pvc", "-n", "news"])
        #expect(pvc.stdout.contains("Bound"), "\(pvc.stdout)")
        let name = wide.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init) ?? ""
        let describe = try server.kubectl(["describe", "pod", name, "-n", "news"])
        #expect(describe.stdout.contains("Successfully assigned news/\(name)"), "\(describe.stdout)")
        #expect(describe.stdout.contains("Node:"))
        let events = try server.kubectl(["get", "events", "-n", "news"])
        #expect(events.stdout.contains("ScalingReplicaSet") && events.stdout.contains("Pulled"))
        let top = try server.kubectl(["top", "pods", "-n", "news"])
        #expect(top.status == 0, "\(top.stderr)")
        #expect(top.stdout.contains(name))
        let logs = try server.kubectl(["logs", name, "-n", "news"])
        #expect(logs.stdout.contains("scheduled on"))
        // A kind the playground does not serve is refused as a real API server refuses it.
        let widget = root.appendingPathComponent("widget.yaml")
        try "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n".write(to: widget, atomically: true, encoding: .utf8)
        let unknown = try server.kubectl(["apply", "-n", "news", "-f", widget.path])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no matches for kind \"Widget\" in version \"example.com/v1\""), "\(unknown.stderr)")
        let metrics = try String(contentsOf: try #require(URL(string: server.url + "/metrics")), encoding: .utf8)
        #expect(metrics.contains("kubelet_pod_start_sli_duration_seconds_bucket"))
        #expect(server.stop() == 0)
    }
}

/// Where Chromium is, or nil (then the dashboard test is reported as skipped, with the reason).
let chromiumOnPath: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("the playground dashboard in headless Chromium", .serialized,
       .enabled(if: kubectlOnPath != nil && chromiumOnPath != nil,
                "chromium or kubectl is missing (scripts/setup.sh --test-tools installs chromium): the dashboard check did NOT run"))
struct DashboardBrowserTests {
    @Test("a screenshot of the dashboard shows the nodes and pods of a deployed solution")
    func screenshot() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let server = try ServerProcess(arguments: ["--speed", "2000"], root: root)
        _ = try server.deployNewsSample()
        let pods = try LivePlaygroundTests.pods(server, "news")
        let chromium = try #require(chromiumOnPath)
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900", "--virtual-time-budget=4000",
                     "--user-data-dir=\(root.appendingPathComponent("chromium").path)"]
        let dump = try Binary.run(URL(fileURLWithPath: chromium), flags + ["--dump-dom", server.url + "/"], environment: ["HOME": root.path])
        // The page's own script names the markers: count them in the drawn document only.
        let html = dump.stdout.replacingOccurrences(of: #"(?s)<script>.*?</script>"#, with: "", options: .regularExpression)
        #expect(html.contains(#"data-refreshes=""#) && !html.contains(#"data-refreshes="0""#), "the page never drew the API's data")
        func count(_ pattern: String) -> Int { html.components(separatedBy: pattern).count - 1 }
        #expect(count(#"data-pod="news/"#) == pods.count, "pods drawn: \(count(#"data-pod="news/"#)) of \(pods.count)")
        #expect(count(#"data-state="running""#) == pods.count)
        #expect(count(#"data-ready="ready""#) == 4, "nodes drawn ready: \(count(#"data-ready="ready""#))")
        #expect(count(#"data-deployment="news/"#) == 4)
        // The screenshot is kept for a person to look at.
        let artifacts = Fixtures.packageRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let png = artifacts.appendingPathComponent("dashboard.png")
        try? FileManager.default.removeItem(at: png)
        let shot = try Binary.run(URL(fileURLWithPath: chromium), flags + ["--screenshot=\(png.path)", server.url + "/"], environment: ["HOME": root.path])
        #expect(shot.status == 0, "\(shot.stderr)")
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "the screenshot is \(size) bytes: blank?")
        #expect(server.stop() == 0)
    }
}

@Suite("serve --record and simulate --replay")
struct RecordReplayTests {
    static func send(_ method: String, _ url: String, _ body: String? = nil, contentType: String = "application/json") async throws -> Int {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let body { request.httpBody = Data(body.utf8) }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("a recorded session replays to the same final state, and a tampered one is refused")
    func replay() async throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let record = root.appendingPathComponent("session.jsonl")
        // A slow controller client (2 calls/s, burst 1), so the rollout and the scale-down wait
        // for tokens and the replay must apply the recorded rate.
        let server = try ServerProcess(arguments: ["--speed", "manual", "--record", record.path, "--controller-qps", "2", "--controller-burst", "1"],
                                       root: root)
        #expect(try await Self.send("POST", server.url + "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}"#) == 201)
        let deployment = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"registry.example/web:1"}]}}}}"#
        #expect(try await Self.send("POST", server.url + "/apis/apps/v1/namespaces/demo/deployments", deployment) == 201)
        #expect(try await Self.send("POST", server.url + "/playground/v1/advance?by=4s") == 200)
        #expect(try await Self.send("PATCH", server.url + "/apis/apps/v1/namespaces/demo/deployments/web/scale", #"{"spec":{"replicas":1}}"#,
                                    contentType: "application/merge-patch+json") == 200)
        #expect(try await Self.send("POST", server.url + "/playground/v1/advance?until=idle") == 200)
        #expect(server.stop() == 0)
        let replayed = try Binary.kubeprint(["simulate", "--replay", record.path])
        #expect(replayed.status == 0, "\(replayed.stdout)\(replayed.stderr)")
        #expect(replayed.stdout.contains("the final state matches the recording"), "\(replayed.stdout)")
        // Without the recorded rate (a recording from before the limit) the pods come at once: another state.
        let original = try String(contentsOf: record, encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        #expect(lines[0].contains(#""controllerQPS":2"#) && lines[0].contains(#""controllerBurst":1"#), "\(lines[0])")
        let unlimited = lines[0].replacingOccurrences(of: #","controllerQPS":2"#, with: "").replacingOccurrences(of: #""controllerQPS":2,"#, with: "")
        #expect(unlimited != lines[0])
        try (([unlimited] + lines.dropFirst()).joined(separator: "\n") + "\n").write(to: record, atomically: true, encoding: .utf8)
        #expect(try Binary.kubeprint(["simulate", "--replay", record.path]).status == 1)
        // Another request in the middle: the state differs, and replay says so.
        lines.removeAll { $0.contains("/scale") }
        try (lines.joined(separator: "\n") + "\n").write(to: record, atomically: true, encoding: .utf8)
        let tampered = try Binary.kubeprint(["simulate", "--replay", record.path])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("differs from the recorded one"), "\(tampered.stderr)")
    }
}
