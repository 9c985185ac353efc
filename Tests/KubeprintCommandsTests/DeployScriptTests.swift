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
            *"get deployments -o jsonpath="*)
                # The n-th list answers KUBECTL_DEPLOYMENTS.n when it exists, else KUBECTL_DEPLOYMENTS.
                lists=$(grep -c "get deployments" "$KUBECTL_LOG")
                if [ -f "${KUBECTL_DEPLOYMENTS:-}.$lists" ]; then cat "$KUBECTL_DEPLOYMENTS.$lists"
                elif [ -n "${KUBECTL_DEPLOYMENTS:-}" ]; then cat "$KUBECTL_DEPLOYMENTS"; fi ;;
            *"patch service"*) cat > /dev/null ;;
            *" apply "*) if [ -n "${KUBECTL_FAIL_REAPPLY:-}" ] && grep -q "get services" "$KUBECTL_LOG"; then
                    echo "error: the server is unavailable" >&2; exit 1; fi ;;
            *"get services -o jsonpath="*nodePort*) cat "$KUBECTL_PORTS" ;;
            *"get service"*nodePort*) grep "^$service " "$KUBECTL_PORTS" | cut -d' ' -f2 ;;
            *"get nodes"*) echo 10.1.2.3 ;;
            "get namespace "*)
                case ${KUBECTL_NO_NAMESPACE:-} in
                    1) echo "Error from server (NotFound): namespaces \"$3\" not found" >&2 ;;
                    context) echo "error: context was not found for specified context: prod" >&2 ;;
                esac
                exit 1 ;;
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
        // The Deployments' rollout state (name, generation, observedGeneration, spec.replicas,
        // replicas, updatedReplicas, availableReplicas, Progressing reason): two done, newstrainer1
        // with its spec not yet observed, tensorboard1 with its replica not yet available.
        let state = root.appendingPathComponent("deployments")
        try """
            news-classifier1,1,1,1,1,1,1,NewReplicaSetAvailable
            newstrainer1,2,1,1,1,1,1,NewReplicaSetAvailable
            orchestrator,1,1,,1,1,1,
            tensorboard1,1,1,1,1,1,0,ReplicaSetUpdated
            unrelated,1,1,1,1,1,0,

            """.write(to: state, atomically: true, encoding: .utf8)

        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo", "--create-namespace"],
                               environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_PORTS": ports.path,
                                             "KUBECTL_DEPLOYMENTS": state.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Orchestrator endpoint: 10.1.2.3:30100"))

        let calls = try Fixtures.text(log).split(separator: "\n").map(String.init)
        func files(_ call: String) -> [String] {
            call.components(separatedBy: " -f ").dropFirst().map { $0.components(separatedBy: " ").first ?? "" }
        }
        let firstRollout = try #require(calls.firstIndex { $0.contains(" get deployments ") })
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
        // Deployments reported done by the list are not waited for; each one still rolling out is
        // watched in turn, with the list read again after each.
        let waiting = calls.filter { $0.contains(" get deployments ") || $0.contains(" rollout status ") }
        #expect(waiting.map { $0.contains(" rollout status ") ? $0 : "list" } == [
            "list", "-n demo rollout status deployment/newstrainer1 --timeout=300s",
            "list", "-n demo rollout status deployment/tensorboard1 --timeout=300s",
        ])
        for name in ["news-classifier1", "orchestrator"] {
            #expect(r.stdout.contains("deployment \"\(name)\" successfully rolled out\n"))
        }
        #expect(r.stdout.contains("Waiting for 4 deployment(s) to roll out"))
        let manifest = try String(contentsOf: out.appendingPathComponent("deployments/newstrainer1_service.yaml"), encoding: .utf8)
        #expect(manifest.contains("\n    port: 30002\n"))
        #expect(!calls.contains { $0.contains("patch service") })
        // NodePorts are read in one request after every rollout, and the Services applied again
        // with them in one call.
        let lastRollout = try #require(calls.lastIndex { $0.contains(" rollout status ") })
        let afterRollout = calls[(lastRollout + 1)...]
        #expect(afterRollout.filter { $0.contains(" get service") }.count == 1)
        let reapplies = afterRollout.filter { $0.contains(" apply -f ") }
        #expect(reapplies.map(files) == [["deployments/tensorboard1_service.yaml", "deployments/newstrainer1_service.yaml",
                                          "deployments/news-classifier1_service.yaml", "deployments/orchestrator_service.yaml"]])

        let dockerinfo = try Fixtures.text(out.appendingPathComponent("dockerinfo.json"))
        #expect(dockerinfo.contains("{\"container_name\": \"newstrainer1\", \"ip_address\": \"newstrainer1\", \"port\": \"30002\"}"))
        #expect(dockerinfo.contains("{\"container_name\": \"orchestrator\", \"ip_address\": \"orchestrator\", \"port\": \"30100\"}"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
        _ = try JSONSerialization.jsonObject(with: Data(dockerinfo.utf8))
        #expect(r.stdout.contains("Wrote the assigned NodePorts to dockerinfo.json"))

        // Again, with the same NodePorts: nothing to write, and said so.
        let again = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo"],
                                   environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_PORTS": ports.path,
                                                 "KUBECTL_DEPLOYMENTS": state.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("dockerinfo.json already holds the assigned NodePorts"))
        #expect(!again.stdout.contains("Wrote the assigned NodePorts"))
        #expect(try Fixtures.text(out.appendingPathComponent("dockerinfo.json")) == dockerinfo)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
    }

    /// The Deployments of the news-training sample's solution.
    static let newsDeployments = ["news-classifier1", "newstrainer1", "orchestrator", "tensorboard1"]

    /// The news-training sample converted into root/solution.
    func newsSolution(in root: URL) throws -> URL {
        let out = root.appendingPathComponent("solution")
        let convert = try Binary.kubeprint(["convert", Fixtures.blueprint("news-training-sharedfolder.json").path, "-o", out.path])
        #expect(convert.status == 0, "\(convert.stderr)")
        return out
    }

    func writeFakeKubectl(in root: URL) throws -> URL {
        let kubectl = root.appendingPathComponent("kubectl")
        try Self.fakeKubectl.write(to: kubectl, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: kubectl.path)
        return kubectl
    }

    @Test("a large pipeline whose Deployments are ready is waited for with one request, not one kubectl each")
    func largePipeline() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let blueprint = root.appendingPathComponent("blueprint.json")
        try JSONWriter().write(BenchConvert.syntheticBlueprint(nodes: 20)).write(to: blueprint, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("solution")
        #expect(try Binary.kubeprint(["convert", blueprint.path, "-o", out.path]).status == 0)
        let deployments = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("deployments").path)
            .filter { $0.hasSuffix("_deployment.yaml") }.map { String($0.dropLast("_deployment.yaml".count)) }
        #expect(deployments.count == 21)
        let state = root.appendingPathComponent("deployments")
        try deployments.map { "\($0),1,1,1,1,1,1,NewReplicaSetAvailable\n" }.joined().write(to: state, atomically: true, encoding: .utf8)
        let ports = root.appendingPathComponent("ports")
        try deployments.enumerated().map { "\($0.element) \(30000 + $0.offset)\n" }.joined().write(to: ports, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("log")
        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "big"],
                               environment: ["KUBECTL": try writeFakeKubectl(in: root).path, "KUBECTL_LOG": log.path,
                                             "KUBECTL_PORTS": ports.path, "KUBECTL_DEPLOYMENTS": state.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Waiting for 21 deployment(s) to roll out"))
        #expect(r.stdout.components(separatedBy: "successfully rolled out").count - 1 == 21)
        let calls = try Fixtures.text(log).split(separator: "\n").map(String.init)
        #expect(calls.filter { $0.contains(" get deployments ") }.count == 1)
        #expect(!calls.contains { $0.contains(" rollout status ") })
        // Six kubectl calls in the namespace: apply the claim, the Services and the Deployments,
        // list the rollouts, read the NodePorts, apply the Services again (and one for the node
        // address).
        let verbs: [String] = calls.filter { $0.hasPrefix("-n big ") }.map { call in
            let words = call.split(separator: " ").dropFirst(2)
            return words.first == "get" ? words.prefix(2).joined(separator: " ") : String(words.first ?? "")
        }
        #expect(verbs == ["apply", "apply", "apply", "get deployments", "get services", "apply"])
    }

    @Test("a failed rollout stops deploy.sh with a clear error and leaves dockerinfo.json as it was")
    func failedRollout() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = try newsSolution(in: root)
        let before = try Fixtures.text(out.appendingPathComponent("dockerinfo.json"))
        let ports = root.appendingPathComponent("ports")
        try "orchestrator 30100\n".write(to: ports, atomically: true, encoding: .utf8)
        let log = root.appendingPathComponent("log")
        // Deployments just created: no status yet.
        let state = root.appendingPathComponent("deployments")
        try Self.newsDeployments.map { "\($0),1,,1,,,,\n" }.joined()
            .write(to: state, atomically: true, encoding: .utf8)
        let r = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo"],
                               environment: ["KUBECTL": try writeFakeKubectl(in: root).path, "KUBECTL_LOG": log.path,
                                             "KUBECTL_PORTS": ports.path, "KUBECTL_FAIL_ROLLOUT": "1",
                                             "KUBECTL_DEPLOYMENTS": state.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("timed out waiting for the condition"))
        #expect(r.stderr.contains("deployment \"news-classifier1\" did not roll out within 300s"))
        // It stops at the first Deployment that fails, without waiting for the others.
        #expect(try Fixtures.text(log).components(separatedBy: " rollout status ").count - 1 == 1)
        #expect(!r.stdout.contains("Deployed."))
        #expect(try Fixtures.text(out.appendingPathComponent("dockerinfo.json")) == before)
        #expect(try !Fixtures.text(log).contains("get services"))
    }

    @Test("a Deployment past its progress deadline, or a Service missing from the cluster, stops deploy.sh with a clear error")
    func deadlineAndMissingService() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = try newsSolution(in: root)
        let kubectl = try writeFakeKubectl(in: root)
        let log = root.appendingPathComponent("log")
        let ports = root.appendingPathComponent("ports")
        let state = root.appendingPathComponent("deployments")
        func run() throws -> Binary.Result {
            try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo"],
                           environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_PORTS": ports.path,
                                         "KUBECTL_DEPLOYMENTS": state.path])
        }
        let dockerinfo = out.appendingPathComponent("dockerinfo.json")
        let before = try Fixtures.text(dockerinfo)
        let manifest = out.appendingPathComponent("deployments/newstrainer1_service.yaml")
        let manifestBefore = try Fixtures.text(manifest)

        try "tensorboard1 30001\nnewstrainer1 30002\nnews-classifier1 30003\norchestrator 30100\n".write(to: ports, atomically: true, encoding: .utf8)
        try "news-classifier1,1,1,1,1,1,0,ProgressDeadlineExceeded\n".write(to: state, atomically: true, encoding: .utf8)
        let late = try run()
        #expect(late.status == 1)
        #expect(late.stderr.contains("deployment \"news-classifier1\" exceeded its progress deadline"))
        #expect(try !Fixtures.text(log).contains(" rollout status "))

        // Every Deployment rolled out, but the cluster has no Service newstrainer1.
        try Self.newsDeployments.map { "\($0),1,1,1,1,1,1,\n" }.joined()
            .write(to: state, atomically: true, encoding: .utf8)
        try "tensorboard1 30001\nnews-classifier1 30003\norchestrator 30100\n".write(to: ports, atomically: true, encoding: .utf8)
        let missing = try run()
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("dockerinfo.json lists Service 'newstrainer1', which the cluster does not have in namespace demo"))
        #expect(try Fixtures.text(dockerinfo) == before)
        #expect(try Fixtures.text(manifest) == manifestBefore)
        let left = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("deployments").path)
        #expect(!left.contains { $0.hasSuffix(".next") })
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
    }

    @Test("rollout verdicts follow kubectl's; a Deployment not in the cluster is named; a failed re-apply leaves no temporary file")
    func verdictsAndCleanup() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = try newsSolution(in: root)
        // An edited manifest: a quoted name with a comment, CRLF line ends.
        let edited = out.appendingPathComponent("deployments/tensorboard1_deployment.yaml")
        let text = try Fixtures.text(edited).replacingOccurrences(of: "\n  name: tensorboard1\n", with: "\n  name: \"tensorboard1\" # the UI\n")
        #expect(text.contains("# the UI"))
        try text.replacingOccurrences(of: "\n", with: "\r\n").write(to: edited, atomically: true, encoding: .utf8)
        // No manifest for tensorboard1's Service: its port is patched in the cluster instead.
        try FileManager.default.removeItem(at: out.appendingPathComponent("deployments/tensorboard1_service.yaml"))
        let kubectl = try writeFakeKubectl(in: root)
        let log = root.appendingPathComponent("log")
        let ports = root.appendingPathComponent("ports")
        try "tensorboard1 30001\nnewstrainer1 30002\nnews-classifier1 30003\norchestrator 30100\n".write(to: ports, atomically: true, encoding: .utf8)
        // First list: news-classifier1 has old replicas left (replicas > updated), newstrainer1
        // scaled to 0 (done), orchestrator's deadline passed but a newer spec is not yet observed
        // (pending, as kubectl judges it), tensorboard1 fresh. While news-classifier1 is watched,
        // the others finish; the second list finds them done.
        let state = root.appendingPathComponent("deployments")
        try "news-classifier1,3,3,1,2,1,1,ReplicaSetUpdated\nnewstrainer1,2,2,0,0,0,0,NewReplicaSetAvailable\n"
            .appending("orchestrator,4,3,1,1,1,0,ProgressDeadlineExceeded\ntensorboard1,1,,1,,,,\n")
            .write(to: root.appendingPathComponent("deployments.1"), atomically: true, encoding: .utf8)
        try Self.newsDeployments.map { "\($0),4,4,1,1,1,1,NewReplicaSetAvailable\n" }.joined()
            .write(to: state, atomically: true, encoding: .utf8)
        func run(_ extra: [String: String] = [:]) throws -> Binary.Result {
            try? FileManager.default.removeItem(at: log)
            return try Binary.run(URL(fileURLWithPath: "/bin/sh"), [out.appendingPathComponent("deploy.sh").path, "-n", "demo"],
                                  environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_PORTS": ports.path,
                                                "KUBECTL_DEPLOYMENTS": state.path].merging(extra) { $1 })
        }
        let ok = try run()
        #expect(ok.status == 0, "\(ok.stderr)")
        let calls = try Fixtures.text(log).split(separator: "\n").map(String.init)
        #expect(calls.filter { $0.contains(" rollout status ") } == ["-n demo rollout status deployment/news-classifier1 --timeout=300s"])
        #expect(calls.filter { $0.contains(" get deployments ") }.count == 2)
        #expect(ok.stdout.components(separatedBy: "successfully rolled out").count - 1 == 3)
        #expect(ok.stdout.contains("deployment \"tensorboard1\" successfully rolled out"))
        // The patch reads no input meant for the loop: the Services after it got their ports too.
        #expect(calls.contains { $0.contains("patch service tensorboard1") && $0.contains("\"value\": 30001") })
        #expect(try Fixtures.text(out.appendingPathComponent("deployments/orchestrator_service.yaml")).contains("\n    port: 30100\n"))
        #expect(ok.stdout.contains("Orchestrator endpoint: 10.1.2.3:30100"))

        // A Deployment the cluster does not have.
        try "news-classifier1,1,1,1,1,1,1,\n".write(to: state, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: root.appendingPathComponent("deployments.1"))
        let missing = try run()
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("deployment \"newstrainer1\" (deployments/) is not in the cluster in namespace demo"))

        // The Services' re-apply fails after the manifests were rewritten: the folder agrees with
        // itself (a second run repairs the cluster) and no temporary file is left.
        try Self.newsDeployments.map { "\($0),1,1,1,1,1,1,\n" }.joined()
            .write(to: state, atomically: true, encoding: .utf8)
        try "tensorboard1 30011\nnewstrainer1 30012\nnews-classifier1 30013\norchestrator 30110\n".write(to: ports, atomically: true, encoding: .utf8)
        let failed = try run(["KUBECTL_FAIL_REAPPLY": "1"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("the server is unavailable"))
        let left = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("deployments").path)
        #expect(!left.contains { $0.hasSuffix(".next") })
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
        #expect(try Fixtures.text(out.appendingPathComponent("dockerinfo.json")).contains("\"ip_address\": \"orchestrator\", \"port\": \"30110\""))
        #expect(try Fixtures.text(out.appendingPathComponent("deployments/orchestrator_service.yaml")).contains("\n    port: 30110\n"))

        // Rewriting the manifests fails part-way (one new version cannot be written): the script
        // stops, and the new versions already written and dockerinfo.json.tmp are removed.
        let blocked = out.appendingPathComponent("deployments/orchestrator_service.yaml.next")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
        try "tensorboard1 30021\nnewstrainer1 30022\nnews-classifier1 30023\norchestrator 30120\n".write(to: ports, atomically: true, encoding: .utf8)
        let stopped = try run()
        #expect(stopped.status != 0)
        let after = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("deployments").path)
        #expect(after.filter { $0.hasSuffix(".next") } == ["orchestrator_service.yaml.next"])
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("dockerinfo.json.tmp").path))
        #expect(try Fixtures.text(out.appendingPathComponent("dockerinfo.json")).contains("\"ip_address\": \"orchestrator\", \"port\": \"30110\""))
    }

    @Test("bad options and a missing kubectl are clear errors")
    func errors() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("solution")
        _ = try Binary.kubeprint(["convert", Fixtures.blueprint("sudoku-tutorial.json").path, "-o", out.path])
        let script = out.appendingPathComponent("deploy.sh").path
        for bad in ["Bad_NS", "-bad-", "abc-", String(repeating: "a", count: 64)] {
            let badNamespace = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "-n", bad])
            #expect(badNamespace.status == 2, "\(bad)")
            #expect(badNamespace.stderr.contains("'\(bad)' is not a valid namespace name"), "\(bad): \(badNamespace.stderr)")
        }
        // 63 characters is allowed: the script gets as far as looking for kubectl.
        let longest = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "-n", String(repeating: "a", count: 63)],
                                     environment: ["KUBECTL": "/nonexistent/kubectl"])
        #expect(longest.status == 1 && longest.stderr.contains("'/nonexistent/kubectl' not found"), "\(longest.stderr)")
        for empty in [["-n", ""], ["--namespace="]] {
            let none = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script] + empty)
            #expect(none.status == 2)
            #expect(none.stderr.contains("-n needs a namespace name"))
        }
        // A namespace that does not exist, without --create-namespace: said so, with the fix.
        let kubectl = try writeFakeKubectl(in: root)
        let log = root.appendingPathComponent("log")
        let absent = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "-n", "nosuchns"],
                                    environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_NO_NAMESPACE": "1"])
        #expect(absent.status == 1)
        #expect(absent.stderr.contains("namespace 'nosuchns' does not exist; run again with --create-namespace"))
        #expect(try Fixtures.text(log) == "get namespace nosuchns\n")
        // Another failure that says "not found" is not taken for a missing namespace.
        let other = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "-n", "nosuchns"],
                                   environment: ["KUBECTL": kubectl.path, "KUBECTL_LOG": log.path, "KUBECTL_NO_NAMESPACE": "context"])
        #expect(!other.stderr.contains("does not exist"), "\(other.stderr)")
        #expect(try Fixtures.text(log).contains(" apply "))
        let noKubectl = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script], environment: ["KUBECTL": "/nonexistent/kubectl"])
        #expect(noKubectl.status == 1)
        #expect(noKubectl.stderr.contains("not found"))
        let help = try Binary.run(URL(fileURLWithPath: "/bin/sh"), [script, "--help"])
        #expect(help.status == 0 && help.stdout.contains("Usage: ./deploy.sh"))
    }
}
