import Blueprint
import Foundation
@testable import KubeprintCommands
import Testing
import TestSupport

/// Runs the shipped deploy.sh against a stand-in kubectl that records its calls.
@Suite("deploy.sh with a recording kubectl")
struct DeployScriptTests {
    static let fakeKubectl = #"""
        #!/bin/sh
        echo "$*" >> "$KUBECTL_LOG"
        service=""
        previous=""
        for arg in "$@"; do
            [ "$previous" = service ] && service=$arg
            previous=$arg
        done
        case "$*" in
            *" rollout status "*) [ -z "${KUBECTL_FAIL_ROLLOUT:-}" ] || { echo "error: timed out waiting for the condition" >&2; exit 1; } ;;
            *"get services -o jsonpath="*nodePort*) cat "$KUBECTL_PORTS" ;;
            *"get service"*nodePort*) grep "^$service " "$KUBECTL_PORTS" | cut -d' ' -f2 ;;
            *"get nodes"*) echo 10.1.2.3 ;;
            "get namespace "*) exit 1 ;;
        esac
        exit 0
        """#

    @Test("applies in order, waits for rollouts, records NodePorts, prints the orchestrator endpoint")
    func deploy() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("solution")
        let convert = try Binary.kubeprint(["convert", Fixtures.blueprint("news-training-sharedfolder.json").path, "-o", out.path])
        #expect(convert.status == 0)
        let kubectl = root.appendingPathComponent("kubectl")
        try Self.fakeKubectl.write(to: kubectl, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: kubectl.path)
        let ports = root.appendingPathComponent("ports")
        // In the API's order, with a Service dockerinfo.json does not list and one without a NodePort.
        try "news-classifier1 30003\nnewstrainer1 30002\nunrelated 30500\norchestrator 30100\nplain \ntensorboard1 30001\n"
            .write(to: ports, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("log")

        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo", "--create-namespace"],
                               environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_PORTS": ports.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Orchestrator endpoint: 10.1.2.3:30100"))

        let calls = try Fixtures.text(log).split(separator: "\n").map(String.init)
        func files(_ call: String) -> [String] {
            call.components(separatedBy: " -f ").dropFirst().map { $0.components(separatedBy: " ").first ?? "" }
        }
        let firstRollout = try #require(calls.firstIndex { $0.contains(" rollout ") })
        // One kubectl call per kind of file, in dependency order.
        let applies = calls.prefix(firstRollout).filter { $0.contains(" apply -f ") }
        #expect(applies.map(files) == [
            ["deployments/pvc-data-shared.yaml"],
            ["deployments/news-classifier1_service.yaml", "deployments/newstrainer1_service.yaml",
             "deployments/orchestrator_service.yaml", "deployments/tensorboard1_service.yaml"],
            ["deployments/news-classifier1_deployment.yaml", "deployments/newstrainer1_deployment.yaml",
             "deployments/orchestrator_deployment.yaml", "deployments/tensorboard1_deployment.yaml"],
        ])
        #expect(calls.first == "get namespace demo")
        #expect(calls.contains("create namespace demo"))
        // Every Deployment is waited for once, by at most 8 kubectl processes at once.
        let rollouts = calls.filter { $0.hasPrefix("-n demo rollout status ") }
        #expect(rollouts.count == 4)
        #expect(rollouts.flatMap(files).sorted() == applies.last.map(files))
        #expect(rollouts.allSatisfy { $0.hasSuffix(" --timeout=300s") })
        let manifest = try String(contentsOf: out.appendingPathComponent("deployments/newstrainer1_service.yaml"), encoding: .utf8)
        #expect(manifest.contains("\n    port: 30002\n"))
        #expect(!calls.contains { $0.contains("patch service") })
        // NodePorts are read in one request after every rollout, and the Services applied again
        // with them in one call.
        let afterRollout = calls[(firstRollout + 1)...]
        #expect(afterRollout.filter { $0.contains(" get service") }.count == 1)
        let reapplies = afterRollout.filter { $0.contains(" apply -f ") }
        #expect(reapplies.map(files) == [["deployments/tensorboard1_service.yaml", "deployments/newstrainer1_service.yaml",
                                          "deployments/news-classifier1_service.yaml", "deployments/orchestrator_service.yaml"]])

        let dockerinfo = try Fixtures.text(out.appendingPathComponent("dockerinfo.json"))
        #expect(dockerinfo.contains("{\"container_name\": \"newstrainer1\", \"ip_address\": \"newstrainer1\", \"port\": \"30002\"}"))
        #expect(dockerinfo.contains("{\"container_name\": \"orchestrator\", \"ip_address\": \"orchestrator\", \"port\": \"30100\"}"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
        _ = try JSONSerialization.jsonObject(with: Data(dockerinfo.utf8))
    }

    func writeFakeKubectl(in root: URL) throws -> URL {
        let kubectl = root.appendingPathComponent("kubectl")
        try Self.fakeKubectl.write(to: kubectl, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: kubectl.path)
        return kubectl
    }

    @Test("a large pipeline's rollouts are shared among 8 kubectl processes, each Deployment once")
    func largePipeline() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let blueprint = root.appendingPathComponent("blueprint.json")
        try JSONWriter().write(BenchConvert.syntheticBlueprint(nodes: 20)).write(to: blueprint, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("solution")
        #expect(try Binary.kubeprint(["convert", blueprint.path, "-o", out.path]).status == 0)
        let ports = root.appendingPathComponent("ports")
        try "".write(to: ports, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("log")
        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "big"],
                               environment: ["KUBECTL": try writeFakeKubectl(in: root).path, "KUBECTL_LOG": log.path,
                                             "KUBECTL_PORTS": ports.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Waiting for 21 deployment(s) to roll out"))
        let calls = try Fixtures.text(log).split(separator: "\n").map(String.init)
        let rollouts = calls.filter { $0.hasPrefix("-n big rollout status ") }
        let shares = rollouts.map { $0.components(separatedBy: " -f ").count - 1 }
        // 21 Deployments in shares of ceil(21 / 8) = 3: seven kubectl processes.
        #expect(shares.sorted() == [3, 3, 3, 3, 3, 3, 3])
        let waited = rollouts.flatMap { $0.components(separatedBy: " -f ").dropFirst().map { $0.components(separatedBy: " ").first ?? "" } }
        let deployments = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("deployments").path)
            .filter { $0.hasSuffix("_deployment.yaml") }.map { "deployments/" + $0 }
        #expect(waited.sorted() == deployments.sorted())
        #expect(Set(waited).count == 21)
    }

    @Test("a failed rollout stops deploy.sh with a clear error and leaves dockerinfo.json as it was")
    func failedRollout() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("solution")
        #expect(try Binary.kubeprint(["convert", Fixtures.blueprint("news-training-sharedfolder.json").path, "-o", out.path]).status == 0)
        let before = try Fixtures.text(out.appendingPathComponent("dockerinfo.json"))
        let ports = root.appendingPathComponent("ports")
        try "orchestrator 30100\n".write(to: ports, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("log")
        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo"],
                               environment: ["KUBECTL": try writeFakeKubectl(in: root).path, "KUBECTL_LOG": log.path,
                                             "KUBECTL_PORTS": ports.path, "KUBECTL_FAIL_ROLLOUT": "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("timed out waiting for the condition"))
        #expect(r.stderr.contains("did not roll out"))
        #expect(!r.stdout.contains("Deployed."))
        #expect(try Fixtures.text(out.appendingPathComponent("dockerinfo.json")) == before)
        #expect(try !Fixtures.text(log).contains("get services"))
    }

    @Test("bad options and a missing kubectl are clear errors")
    func errors() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("solution")
        _ = try Binary.kubeprint(["convert", Fixtures.blueprint("sudoku-tutorial.json").path, "-o", out.path])
        let script = out.appendingPathComponent("deploy.sh").path
        let badNamespace = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "-n", "Bad_NS"])
        #expect(badNamespace.status == 2)
        #expect(badNamespace.stderr.contains("not a valid namespace name"))
        let noKubectl = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script], environment: ["KUBECTL": "/nonexistent/kubectl"])
        #expect(noKubectl.status == 1)
        #expect(noKubectl.stderr.contains("not found"))
        let help = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "--help"])
        #expect(help.status == 0 && help.stdout.contains("Usage: ./deploy.sh"))
    }
}
