import Foundation
import Testing
import TestSupport

@Suite("kubeprint simulate, end to end")
struct SimulateCommandTests {
    static let scenario = Fixtures.packageRoot.appendingPathComponent("scenarios/node-density.yaml").path

    @Test("prints the summary and streams the event log")
    func summaryAndLog() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let events = dir.appendingPathComponent("events.csv").path
        let nodes = dir.appendingPathComponent("nodes.csv").path
        let r = try Binary.kubeprint(["simulate", Self.scenario, "--events", events, "--nodes-csv", nodes])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("100 total: 100 ready"))
        #expect(r.stdout.contains("image pull per pod  p50 2.0"))
        let log = try String(contentsOfFile: events, encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains(",pod-ready,") }.count == 100)
        #expect(try String(contentsOfFile: nodes, encoding: .utf8).hasPrefix("node,device_type,up,pods,"))
    }

    @Test("--json is the same bytes on every run; --seed changes the random parts")
    func json() throws {
        let a = try Binary.kubeprint(["simulate", Self.scenario, "--json"])
        let b = try Binary.kubeprint(["simulate", Self.scenario, "--json"])
        let c = try Binary.kubeprint(["simulate", Self.scenario, "--json", "--seed", "99"])
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        _ = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8))
    }

    @Test("the same scenario in two separate processes gives the same --json bytes", arguments: [
        "scenarios/faas-sim-100k.yaml",  // functions, Poisson arrivals, scalers
        "scenarios/edge-demo.yaml",      // random startup, a node pool joining, a node failure
    ])
    func deterministicAcrossProcesses(scenario: String) throws {
        let path = Fixtures.packageRoot.appendingPathComponent(scenario).path
        let first = try Binary.kubeprint(["simulate", path, "--json", "-q"])
        let second = try Binary.kubeprint(["simulate", path, "--json", "-q"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(second.status == 0)
        #expect(!first.stdout.isEmpty)
        #expect(Array(first.stdout.utf8) == Array(second.stdout.utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(object["pods"] != nil)
        if scenario.contains("faas") { #expect((object["faas"] as? [String: Any])?["functions"] != nil) }
    }

    @Test("--explain shows the scheduler's reasoning")
    func explain() throws {
        let r = try Binary.kubeprint(["simulate", Self.scenario, "--explain", "density-0", "--until", "0s"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Scheduling of pod density-0:"))
        #expect(r.stdout.contains("1 of 1 nodes pass every filter"))
    }

    @Test("a broken scenario: every problem with its position, exit 1")
    func broken() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let path = dir.appendingPathComponent("bad.yaml")
        try "nodePools:\n  - name: a\n    cpu: lots\nimages: []\ndeployments:\n  - {name: d, image: nope}\n".write(to: path, atomically: true, encoding: .utf8)
        let r = try Binary.kubeprint(["simulate", path.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.yaml:3:10: error: 'cpu' must be CPU"))
        #expect(r.stderr.contains("'d' uses unknown image 'nope'"))
        #expect(r.stderr.contains("2 errors in the scenario; nothing was run"))
    }
}

@Suite("kubeprint simulate with functions")
struct SimulateFaaSCommandTests {
    @Test("edge-ai runs with no file; --output writes the metrics")
    func builtInAndOutput() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let out = dir.appendingPathComponent("metrics").path
        let requests = dir.appendingPathComponent("requests.csv").path
        let r = try Binary.kubeprint(["simulate", "edge-ai", "--output", out, "--requests", requests, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("resnet50-inference [kpa]"))
        #expect(r.stdout.contains("cold start"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        // .kubeprint-metrics marks the folder as kubeprint's, so a later run may rewrite it.
        #expect(files == [".kubeprint-metrics", "functions.csv", "nodes.csv", "replica-utilization.csv", "replicas.csv", "report.html",
                          "scaling.csv", "summary.json", "utilization.csv"])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
        let faas = summary?["faas"] as? [String: Any]
        #expect((faas?["functions"] as? [Any])?.count == 5)
        let log = try String(contentsOfFile: requests, encoding: .utf8)
        #expect(log.hasPrefix("function,arrival,cold_start,wait,execution,finished,failure\n"))
        #expect(log.split(separator: "\n").count > 25_000)
    }

    @Test("two processes give report.html byte for byte (no hashing order reaches the page)")
    func reportAcrossProcesses() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let scenario = Fixtures.packageRoot.appendingPathComponent("scenarios/edge-demo.yaml").path
        var pages: [Data] = []
        for name in ["a", "b"] {
            let out = dir.appendingPathComponent(name).path
            let r = try Binary.kubeprint(["simulate", scenario, "-q", "--output", out])
            #expect(r.status == 0, "\(r.stderr)")
            pages.append((try? Data(contentsOf: URL(fileURLWithPath: out + "/report.html"))) ?? Data())
        }
        #expect(pages[0].count > 10_000 && pages[0] == pages[1])
    }
}

@Suite("kubeprint deploy, end to end")
struct DeployCommandTests {
    @Test("convert, then deploy the folder on the playground")
    func convertThenDeploy() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
        let out = dir.appendingPathComponent("hp").path
        #expect(try Binary.kubeprint(["convert", Fixtures.blueprint("graphene-v2-houseprice-Moctader.json").path, "-o", out]).status == 0)
        let r = try Binary.kubeprint(["deploy", out, "-n", "hp", "--runs", "20", "--rate", "4", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Playground namespace hp: 3 deployments"))
        #expect(r.stdout.contains("Pipeline hp/houseprice: 20 runs, 20 completed, 0 failed"))
    }

    @Test("a blueprint with errors is refused before anything runs")
    func invalid() throws {
        let r = try Binary.kubeprint(["deploy", Fixtures.blueprint("simplepipeline-serial-orchestrator.json").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("invalid-image"))
    }
}

@Suite("kubeprint deploy, bad input")
struct DeployBadInputTests {
    @Test("a cluster file for the faas-sim profile is refused: the playground is Kubernetes-faithful")
    func compatibilityCluster() throws {
        let r = try Binary.kubeprint(["deploy", Fixtures.blueprint("sudoku-tutorial.json").path, "--cluster",
                                      Fixtures.packageRoot.appendingPathComponent("scenarios/faas-sim-100k.yaml").path, "-q"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("compatibility: faas-sim is for kubeprint simulate"), "\(r.stderr)")
    }

    @Test("a path that does not exist is named as such, with what to give instead")
    func missingPath() throws {
        let r = try Binary.kubeprint(["deploy", "out/no-such-solution", "-q"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("'out/no-such-solution' does not exist"), "\(r.stderr)")
        #expect(r.stderr.contains("hint: give a solution folder"), "\(r.stderr)")
    }
}
