import Foundation
import Testing
import TestSupport

/// Small things a user trips over: defaults, negative numbers, error messages, next steps,
/// CSV files opened in a spreadsheet.
@Suite("usability, end to end")
struct UsabilityTests {
    static let blueprint = Fixtures.blueprint("graphene-v2-houseprice-Moctader.json").path
    static let scenario = Fixtures.packageRoot.appendingPathComponent("scenarios/node-density.yaml").path

    /// The p95 of the first `end-to-end` line of a deploy report, in seconds.
    static func endToEndP95(_ report: String) -> Double? {
        guard let line = report.split(separator: "\n").first(where: { $0.contains("end-to-end") }),
              let range = line.range(of: "p95 ") else { return nil }
        return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    @Test("deploy: runs start once every Deployment is available; --start 0s still measures the rollout")
    func deployStartsAfterRollout() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("hp").path
        #expect(try Binary.kubeprint(["convert", Self.blueprint, "-o", out, "-q"]).status == 0)
        let ready = try Binary.kubeprint(["deploy", out, "--runs", "30", "-q"])
        #expect(ready.status == 0, "\(ready.stderr)")
        #expect(ready.stdout.contains("when every Deployment is available"))
        let early = try Binary.kubeprint(["deploy", out, "--runs", "30", "--start", "0s", "-q"])
        #expect(early.status == 0)
        let p95Ready = try #require(Self.endToEndP95(ready.stdout))
        let p95Early = try #require(Self.endToEndP95(early.stdout))
        #expect(p95Ready < 1, "runs after the rollout measure the pipeline: \(ready.stdout)")
        #expect(p95Early > 5, "runs during the rollout wait for image pulls: \(early.stdout)")
    }

    @Test("deploy --help tells when runs start, in plain text")
    func deployHelp() throws {
        let r = try Binary.kubeprint(["deploy", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.replacingOccurrences(of: "\n", with: " ").contains("Runs start once every Deployment is available"))
        #expect(!r.stdout.contains("\\"), "stray backslashes in the help: \(r.stdout)")
    }

    @Test("deploy: no pod can be placed, or no run completes: exit 1 with the reason")
    func deployFailureExitStatus() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("big").path
        #expect(try Binary.kubeprint(["convert", Self.blueprint, "-o", out, "-q", "--cpu-request", "64"]).status == 0)
        let r = try Binary.kubeprint(["deploy", out, "--runs", "5", "-q"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("could not be placed: 0/4 nodes are available: 4 Insufficient cpu"), "\(r.stderr)")
        let sent = try Binary.kubeprint(["deploy", out, "--runs", "5", "--start", "0s", "-q"])
        #expect(sent.status == 1)
        #expect(sent.stderr.contains("no run of pipeline houseprice/houseprice completed"), "\(sent.stderr)")
    }

    @Test("deploy: a solution folder without blueprint.json is a warning, not an error")
    func deployWithoutBlueprint() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("hp").path
        #expect(try Binary.kubeprint(["convert", Self.blueprint, "-o", out, "-q"]).status == 0)
        try FileManager.default.removeItem(atPath: out + "/blueprint.json")
        let r = try Binary.kubeprint(["deploy", out, "--runs", "5", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("warning: '\(out)' has no blueprint.json"), "\(r.stderr)")
        #expect(!r.stderr.contains("error"))
    }

    @Test("negative numbers are read as values and refused with the rule", arguments: [
        (["deploy", "x", "--runs", "-5"], "--runs must be 0 or more, not -5"),
        (["deploy", "x", "--rate", "-1"], "--rate must be a positive number of runs per second, at most 10000000, not -1.0"),
        (["deploy", "x", "--start", "-2s"], "--start must be 0 or more, not -2s"),
        (["convert", "bp.json", "-o", "-", "--replicas", "-1"], "--replicas must be 0 or more, not -1"),
        (["bench", "convert", "--nodes", "-3"], "--nodes must be between 1 and 100000"),
    ])
    func negativeNumbers(arguments: [String], message: String) throws {
        let r = try Binary.kubeprint(arguments)
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"))
    }

    @Test("errors: one prefix, file errors name the path without Foundation's codes, usage only for usage errors")
    func errorMessages() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let file = root.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let onFile = try Binary.kubeprint(["convert", Self.blueprint, "-o", file.path])
        #expect(onFile.status == 1)
        #expect(onFile.stderr.hasPrefix("error: --output '\(file.path)' is a file, not a folder"), "\(onFile.stderr)")
        #expect(!onFile.stderr.contains("Error:"))
        #expect(!onFile.stderr.contains("Usage:"))

        let missing = try Binary.kubeprint(["simulate", Self.scenario, "-q", "--nodes-csv", "/nonexistent-kubeprint/n.csv"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent-kubeprint"), "\(missing.stderr)")
        #expect(missing.stderr.contains("hint:"))
        #expect(!missing.stderr.contains("NSCocoaErrorDomain") && !missing.stderr.contains("Code="))

        // A folder where a file is read: said in words, not as Foundation's error 256.
        let folderBlueprint = try Binary.kubeprint(["convert", root.path, "-o", "-"])
        #expect(folderBlueprint.status == 1)
        #expect(folderBlueprint.stderr.contains("is a folder, not a blueprint file"), "\(folderBlueprint.stderr)")
        let folderScenario = try Binary.kubeprint(["simulate", root.path])
        #expect(folderScenario.status == 1)
        #expect(folderScenario.stderr.contains("is a folder, not a scenario file"), "\(folderScenario.stderr)")
        for r in [folderBlueprint, folderScenario] { #expect(!r.stderr.contains("NSCocoaErrorDomain")) }

        // A blueprint with warnings and errors: each line keeps its own tag.
        let bad = try Binary.kubeprint(["convert", Fixtures.blueprint("simplepipeline-serial-orchestrator.json").path, "-o", "-"])
        #expect(bad.status == 1)
        #expect(!bad.stderr.contains("Error:"), "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").first?.contains(": error: ") == true)

        let explain = try Binary.kubeprint(["simulate", Self.scenario, "-q", "--until", "0s", "--explain", "nope"])
        #expect(explain.status == 1)
        #expect(explain.stderr.hasPrefix("error: --explain: the scenario has no pod named 'nope'"), "\(explain.stderr)")
        #expect(!explain.stderr.contains("Usage:"))

        let usage = try Binary.kubeprint(["deploy", "x", "--rate", "0"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("Usage: kubeprint deploy"))
    }

    @Test("convert -n: the printed and written next step uses the namespace in the manifests")
    func namespaceNextStep() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("hp").path
        let r = try Binary.kubeprint(["convert", Self.blueprint, "-o", out, "-n", "demo"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Deploy with: \(out)/deploy.sh -n demo\n"), "\(r.stdout)")
        #expect(!r.stdout.contains("<namespace>"))
        let readme = try String(contentsOfFile: out + "/README.txt", encoding: .utf8)
        #expect(readme.contains("    ./deploy.sh -n demo\n"))
        #expect(readme.contains("kubectl apply -n demo -f deployments/"))
        #expect(!readme.contains("my-namespace"))
    }

    @Test("single model: README.txt lists what is there, and no orchestrator or dockerinfo.json")
    func singleModelReadme() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("ner").path
        let r = try Binary.kubeprint(["convert", "--image", "registry.example.com/team/ner:1.0", "--name", "ner", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let readme = try String(contentsOfFile: out + "/README.txt", encoding: .utf8)
        #expect(readme.contains("Model: ner (image registry.example.com/team/ner:1.0)"))
        #expect(readme.contains("deployments/deployment.yaml"))
        #expect(readme.contains("deployments/service.yaml"))
        #expect(!readme.contains("orchestrator"))
        #expect(!readme.contains("dockerinfo.json"))
        // Deploying the single model on the playground works and warns about nothing.
        let deploy = try Binary.kubeprint(["deploy", out, "--runs", "5", "-q"])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stderr.isEmpty, "\(deploy.stderr)")
    }

    /// Reads RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, atStart = true
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && atStart {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""; atStart = true; continue
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""; atStart = true; continue
            } else {
                field.append(c)
            }
            atStart = false
        }
        return rows
    }

    @Test("CSV output quotes and defuses hostile function and node names; numbers stay numbers")
    func hostileCSV() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let names = ["=HYPERLINK(\"http://x\"),\"a\"", "-2+3", "line\nbreak", "@SUM(1)"]
        func yaml(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\"" }
        var text = "nodePools: [{name: \"+node\", count: 1, cpu: 8, memory: 16Gi}]\nimages: [{name: img, size: 10MB}]\nfunctions:\n"
        for n in names { text += "  - {name: \(yaml(n)), image: img, scaling: {min: 1, max: 1}}\n" }
        text += "workloads:\n"
        for n in names { text += "  - {function: \(yaml(n)), rate: 5, requests: 4}\n" }
        let scenario = root.appendingPathComponent("hostile.yaml")
        try text.write(to: scenario, atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("m").path
        let requests = root.appendingPathComponent("requests.csv").path
        let events = root.appendingPathComponent("events.csv").path
        let r = try Binary.kubeprint(["simulate", scenario.path, "-q", "--output", out, "--requests", requests, "--events", events])
        #expect(r.status == 0, "\(r.stderr)")
        let defused = Set(names.map { "'" + $0 }.filter { $0 != "'line\nbreak" } + ["line\nbreak"])
        for file in [out + "/functions.csv", out + "/replicas.csv", out + "/replica-utilization.csv", requests] {
            let rows = Self.parseCSV(try String(contentsOfFile: file, encoding: .utf8))
            let width = try #require(rows.first).count
            #expect(rows.allSatisfy { $0.count == width }, "\(file): ragged rows")
            let functionColumn = file.hasSuffix("replicas.csv") || file.hasSuffix("replica-utilization.csv") ? 1 : 0
            let seen = Set(rows.dropFirst().map { $0[functionColumn] })
            #expect(seen == defused, "\(file): \(seen)")
        }
        let functions = Self.parseCSV(try String(contentsOfFile: out + "/functions.csv", encoding: .utf8))
        #expect(functions[1][2] == "4")  // requests: a number, unquoted
        let nodes = Self.parseCSV(try String(contentsOfFile: out + "/nodes.csv", encoding: .utf8))
        #expect(nodes[1][0] == "'+node-0")
        let log = Self.parseCSV(try String(contentsOfFile: events, encoding: .utf8))
        #expect(log.dropFirst().allSatisfy { $0.count == 9 && Double($0[0]) != nil })
    }

    @Test("run: the kubeconfig is --kubeconfig, else the folder's playground.kubeconfig, else $KUBECONFIG's first existing file; errors say which")
    func runKubeconfig() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        func run(_ extra: [String], _ environment: [String: String]) throws -> Binary.Result {
            try Binary.kubeprint(["run", root.path, "-n", "news"] + extra, environment: environment, currentDirectory: root)
        }
        let noServer = root.appendingPathComponent("other.kubeconfig").path
        try "apiVersion: v1\nkind: Config\nclusters: []\n".write(toFile: noServer, atomically: true, encoding: .utf8)
        let nothing = try run([], ["KUBECONFIG": "/nonexistent/config"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("cannot read the kubeconfig 'playground.kubeconfig' (from the current folder)"), "\(nothing.stderr)")
        #expect(nothing.stderr.contains("--kubeconfig FILE"))
        let listed = try run([], ["KUBECONFIG": ":/nonexistent/config:" + noServer])
        #expect(listed.stderr.contains("the kubeconfig '\(noServer)' (from $KUBECONFIG) names no cluster server"), "\(listed.stderr)")
        let given = try run(["--kubeconfig", "given.kubeconfig"], ["KUBECONFIG": noServer])
        #expect(given.stderr.contains("cannot read the kubeconfig 'given.kubeconfig' (from --kubeconfig)"), "\(given.stderr)")
        // The folder's playground.kubeconfig (what serve writes there) comes before $KUBECONFIG.
        try "apiVersion: v1\nkind: Config\n".write(to: root.appendingPathComponent("playground.kubeconfig"), atomically: true, encoding: .utf8)
        let folder = try run([], ["KUBECONFIG": noServer])
        #expect(folder.stderr.contains("the kubeconfig 'playground.kubeconfig' (from the current folder) names no cluster server"), "\(folder.stderr)")
    }
}
