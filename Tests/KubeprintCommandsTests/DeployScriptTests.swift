import Foundation
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
        try "tensorboard1 30001\nnewstrainer1 30002\nnews-classifier1 30003\norchestrator 30100\n".write(to: ports, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("log")

        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo", "--create-namespace"],
                               environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_PORTS": ports.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Orchestrator endpoint: 10.1.2.3:30100"))

        let calls = try Fixtures.text(log).split(separator: "\n").map(String.init)
        let firstRollout = try #require(calls.firstIndex { $0.contains(" rollout ") })
        let applies = calls.prefix(firstRollout).filter { $0.contains(" apply -f ") }.map { $0.components(separatedBy: "deployments/").last ?? "" }
        #expect(applies == [
            "pvc-data-shared.yaml",
            "news-classifier1_service.yaml", "newstrainer1_service.yaml", "orchestrator_service.yaml", "tensorboard1_service.yaml",
            "news-classifier1_deployment.yaml", "newstrainer1_deployment.yaml", "orchestrator_deployment.yaml", "tensorboard1_deployment.yaml",
        ])
        #expect(calls.first == "get namespace demo")
        #expect(calls.contains("create namespace demo"))
        #expect(calls.filter { $0.hasPrefix("-n demo rollout status deployment/") }.count == 4)
        #expect(calls.contains { $0 == "-n demo apply -f deployments/newstrainer1_service.yaml" })
        let manifest = try String(contentsOf: out.appendingPathComponent("deployments/newstrainer1_service.yaml"), encoding: .utf8)
        #expect(manifest.contains("\n    port: 30002\n"))
        #expect(!calls.contains { $0.contains("patch service") })
        // Services are applied again with their NodePort only after every rollout.
        let lastRollout = try #require(calls.lastIndex { $0.contains(" rollout ") })
        #expect(calls[lastRollout...].filter { $0.contains(" apply -f ") }.count == 4)

        let dockerinfo = try Fixtures.text(out.appendingPathComponent("dockerinfo.json"))
        #expect(dockerinfo.contains("{\"container_name\": \"newstrainer1\", \"ip_address\": \"newstrainer1\", \"port\": \"30002\"}"))
        #expect(dockerinfo.contains("{\"container_name\": \"orchestrator\", \"ip_address\": \"orchestrator\", \"port\": \"30100\"}"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
        _ = try JSONSerialization.jsonObject(with: Data(dockerinfo.utf8))
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
