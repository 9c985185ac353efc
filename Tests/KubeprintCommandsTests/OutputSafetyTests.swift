import Foundation
import Testing
import TestSupport

/// No command destroys what the user did not ask to replace, and every output path is
/// checked before anything runs.
@Suite("output safety, end to end")
struct OutputSafetyTests {
    static let blueprint = Fixtures.blueprint("graphene-v2-houseprice-Moctader.json")
    static let fm = FileManager.default

    /// A user's folder: their blueprint and a file of theirs.
    static func userFolder(_ root: URL) throws -> URL {
        let work = root.appendingPathComponent("work")
        try fm.createDirectory(at: work.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try fm.copyItem(at: blueprint, to: work.appendingPathComponent("blueprint.json"))
        try "my notes".write(to: work.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        return work
    }

    @Test("convert -o . --force and -o .. --force refuse the user's folder and keep everything in it")
    func forceNeverReplacesTheCurrentFolder() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let work = try Self.userFolder(root)
        let here = try Binary.kubeprint(["convert", "blueprint.json", "-o", ".", "--force"], currentDirectory: work)
        #expect(here.status == 1)
        #expect(here.stderr.contains("is the current folder or holds it"), "\(here.stderr)")
        #expect(here.stderr.contains("hint: choose a new folder"))
        let up = try Binary.kubeprint(["convert", "../blueprint.json", "-o", "..", "--force"], currentDirectory: work.appendingPathComponent("sub"))
        #expect(up.status == 1)
        #expect(up.stderr.contains("is the current folder or holds it"), "\(up.stderr)")
        #expect(try Fixtures.text(work.appendingPathComponent("notes.txt")) == "my notes")
        #expect(try Set(Self.fm.contentsOfDirectory(atPath: work.path)) == ["blueprint.json", "notes.txt", "sub"])
        #expect(try Self.fm.contentsOfDirectory(atPath: root.path) == ["work"])
    }

    @Test("--force refuses a folder holding the input or files kubeprint did not write; replaces its own")
    func forceReplacesOnlyKubeprintFolders() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let work = try Self.userFolder(root)
        // The user's folder, given from elsewhere: it holds the input.
        let input = try Binary.kubeprint(["convert", work.appendingPathComponent("blueprint.json").path, "-o", work.path, "--force"])
        #expect(input.status == 1)
        #expect(input.stderr.contains("holds the input"), "\(input.stderr)")
        // A folder with somebody else's files.
        let other = root.appendingPathComponent("other")
        try Self.fm.createDirectory(at: other, withIntermediateDirectories: true)
        try "data".write(to: other.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let foreign = try Binary.kubeprint(["convert", Self.blueprint.path, "-o", other.path, "--force"])
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("holds files kubeprint did not write ('data.csv')"), "\(foreign.stderr)")
        #expect(try Fixtures.text(other.appendingPathComponent("data.csv")) == "data")
        // kubeprint's own folder is replaced with --force, and refused without it.
        let out = root.appendingPathComponent("out").path
        #expect(try Binary.kubeprint(["convert", Self.blueprint.path, "-o", out, "-q"]).status == 0)
        let again = try Binary.kubeprint(["convert", Self.blueprint.path, "-o", out, "-q"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("pass --force"))
        #expect(try Binary.kubeprint(["convert", Self.blueprint.path, "-o", out, "-q", "--force"]).status == 0)
        // Converting the solution's own blueprint.json into its folder would destroy the input.
        let own = try Binary.kubeprint(["convert", out + "/blueprint.json", "-o", out, "--force"])
        #expect(own.status == 1)
        #expect(own.stderr.contains("holds the input"))
        #expect(Self.fm.fileExists(atPath: out + "/blueprint.json"))
        // Once the user adds a file of theirs, the folder is no longer replaced.
        try "mine".write(toFile: out + "/deployments/extra.txt", atomically: true, encoding: .utf8)
        let added = try Binary.kubeprint(["convert", Self.blueprint.path, "-o", out, "--force"])
        #expect(added.status == 1)
        #expect(added.stderr.contains("'deployments/extra.txt'"), "\(added.stderr)")
        #expect(Self.fm.fileExists(atPath: out + "/deployments/extra.txt"))
    }

    @Test("templates -o: never a file, never standard output, and nothing else in the folder touched")
    func templatesOutput() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let work = try Self.userFolder(root)
        let onFile = try Binary.kubeprint(["templates", "-o", work.appendingPathComponent("notes.txt").path])
        #expect(onFile.status == 1)
        #expect(onFile.stderr.contains("is a file, not a folder"))
        let stdout = try Binary.kubeprint(["templates", "-o", "-"])
        #expect(stdout.status == 64)
        #expect(stdout.stderr.contains("cannot be standard output ('-')"))
        #expect(stdout.stderr.contains("Usage: kubeprint templates"))
        #expect(try Binary.kubeprint(["templates", "-o", work.path, "--force"]).status == 0)
        #expect(try Fixtures.text(work.appendingPathComponent("notes.txt")) == "my notes")
        #expect(Self.fm.fileExists(atPath: work.appendingPathComponent("deployment.yaml").path))
    }

    @Test("simulate: a bad output path fails before the run, and nothing is written", arguments: [
        (["--events", "E/ev.csv", "--nodes-csv", "E/dir"], "--nodes-csv 'E/dir' is a folder, not a file"),
        (["--events", "E/ev.csv", "--requests", "E/missing/r.csv"], "the folder 'E/missing' does not exist"),
        (["--events", "E/ev.csv", "--output", "E/mine"], "holds files kubeprint did not write ('keep.txt')"),
        (["--events", "E/ev.csv", "--output", "E"], "holds the input"),
        (["--events", "E/ev.csv", "--requests", "E/scenario.csv"], "is the input 'E/scenario.csv'"),
    ])
    func simulateChecksOutputsFirst(arguments: [String], message: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        try Self.fm.createDirectory(at: root.appendingPathComponent("dir"), withIntermediateDirectories: true)
        try Self.fm.createDirectory(at: root.appendingPathComponent("mine"), withIntermediateDirectories: true)
        try "x".write(to: root.appendingPathComponent("mine/keep.txt"), atomically: true, encoding: .utf8)
        let scenario = root.appendingPathComponent("scenario.csv")
        try Self.fm.copyItem(at: Fixtures.packageRoot.appendingPathComponent("scenarios/node-density.yaml"), to: scenario)
        let before = try Self.fm.contentsOfDirectory(atPath: root.path).sorted()
        let args = arguments.map { $0.replacingOccurrences(of: "E", with: root.path) }
        let r = try Binary.kubeprint(["simulate", scenario.path, "-q"] + args)
        #expect(r.status == 1)
        #expect(r.stderr.contains(message.replacingOccurrences(of: "E", with: root.path)), "\(r.stderr)")
        #expect(!r.stdout.contains("Scenario"), "the simulation ran: \(r.stdout)")
        #expect(try Self.fm.contentsOfDirectory(atPath: root.path).sorted() == before)
        #expect(try Self.fm.contentsOfDirectory(atPath: root.appendingPathComponent("mine").path) == ["keep.txt"])
        #expect(try Fixtures.text(scenario).contains("nodePools"))
    }

    @Test("simulate: an output never overwrites a trace file the scenario reads")
    func simulateKeepsReferencedInputs() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let trace = root.appendingPathComponent("invocations.csv")
        try Self.fm.copyItem(at: Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/traces/invocations_per_function_md.sample.csv"), to: trace)
        let original = try Data(contentsOf: trace)
        let scenario = root.appendingPathComponent("t.yaml")
        try """
            nodePools: [{name: n, count: 2, cpu: 4, memory: 8Gi}]
            images: [{name: img, size: 50MB}]
            functions: [{name: f, image: img}]
            workloads: [{function: f, pattern: trace, trace: {file: invocations.csv, row: 2, minutes: 2}}]
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let r = try Binary.kubeprint(["simulate", scenario.path, "-q", "--requests", trace.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is the input '\(root.path)/invocations.csv'"), "\(r.stderr)")
        #expect(try Data(contentsOf: trace) == original)
    }

    @Test("simulate: - is refused for every file and folder option, with the reason", arguments: ["--events", "--requests", "--nodes-csv", "--output"])
    func simulateRefusesStandardOutput(option: String) throws {
        let r = try Binary.kubeprint(["simulate", "edge-ai", option, "-"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(option) cannot be standard output ('-')"), "\(r.stderr)")
    }

    @Test("bench convert --work-directory - is refused")
    func benchWorkDirectory() throws {
        let r = try Binary.kubeprint(["bench", "convert", "--work-directory", "-"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--work-directory needs a folder"), "\(r.stderr)")
    }

    @Test("simulate: logs and metrics appear whole; a second run into the metrics folder replaces its files")
    func simulateWritesWholeFiles() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let scenario = Fixtures.packageRoot.appendingPathComponent("scenarios/node-density.yaml").path
        let out = root.appendingPathComponent("m").path
        let events = root.appendingPathComponent("m/events.csv").path
        for _ in 0..<2 {
            let r = try Binary.kubeprint(["simulate", scenario, "-q", "--output", out, "--events", events])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // The marker file is what lets the second run rewrite the folder.
        #expect(try Self.fm.contentsOfDirectory(atPath: out).sorted() == [".kubeprint-metrics", "events.csv", "nodes.csv", "report.html", "summary.json"])
        #expect(try Self.fm.contentsOfDirectory(atPath: root.path) == ["m"])
    }

    @Test("simulate --output: a folder without kubeprint's marker is refused even when its files have metrics names",
          arguments: ["nodes.csv", "functions.csv", "summary.json"])
    func metricsFolderOfTheUser(file: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let mine = root.appendingPathComponent("mine")
        try Self.fm.createDirectory(at: mine, withIntermediateDirectories: true)
        try "my own \(file)".write(to: mine.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let scenario = Fixtures.packageRoot.appendingPathComponent("scenarios/node-density.yaml").path
        let r = try Binary.kubeprint(["simulate", scenario, "-q", "--output", mine.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--output '\(mine.path)' holds files kubeprint did not write ('\(file)')"), "\(r.stderr)")
        #expect(r.stderr.contains("hint: "), "\(r.stderr)")
        #expect(!r.stdout.contains("Scenario"), "the simulation ran: \(r.stdout)")
        #expect(try Self.fm.contentsOfDirectory(atPath: mine.path) == [file])
        #expect(try Fixtures.text(mine.appendingPathComponent(file)) == "my own \(file)")
    }

    @Test("simulate --output: the folder of an earlier run is rewritten, and its metrics this run does not write are removed")
    func metricsFolderOfAnEarlierRun() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("m").path
        let faas = try Binary.kubeprint(["simulate", "edge-ai", "-q", "--output", out])
        #expect(faas.status == 0, "\(faas.stderr)")
        #expect(Self.fm.fileExists(atPath: out + "/functions.csv"))
        let firstSummary = try Fixtures.text(URL(fileURLWithPath: out + "/summary.json"))
        let scenario = Fixtures.packageRoot.appendingPathComponent("scenarios/node-density.yaml").path
        let again = try Binary.kubeprint(["simulate", scenario, "-q", "--output", out])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.fm.contentsOfDirectory(atPath: out).sorted() == [".kubeprint-metrics", "nodes.csv", "report.html", "summary.json"])
        #expect(try Fixtures.text(URL(fileURLWithPath: out + "/summary.json")) != firstSummary)
        #expect(try Self.fm.contentsOfDirectory(atPath: root.path) == ["m"])
    }

    @Test("deploy: a bad --output fails before the rollout runs")
    func deployChecksOutputFirst() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let solution = root.appendingPathComponent("hp").path
        #expect(try Binary.kubeprint(["convert", Self.blueprint.path, "-o", solution, "-q"]).status == 0)
        let r = try Binary.kubeprint(["deploy", solution, "--output", solution, "-q"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("holds the input"), "\(r.stderr)")
        #expect(!r.stdout.contains("Playground namespace"))
        let dash = try Binary.kubeprint(["deploy", solution, "--output", "-"])
        #expect(dash.status == 64)
        #expect(dash.stderr.contains("cannot be standard output"))
    }
}
