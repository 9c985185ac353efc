import Foundation
import Testing
import TestSupport
import YAML

@Suite("kubeprint binary, end to end")
struct EndToEndTests {
    static let valid = [
        "graphene-v2-houseprice-Moctader", "news-training-sharedfolder", "sudoku-tutorial",
        "sudoku-stream-parallel-orchestrator-sample", "acumos-csv-databroker-csvdbTest",
    ]

    @Test("convert writes the folder and the zip; a second run gives the same bytes")
    func convert() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let bp = Fixtures.blueprint("news-training-sharedfolder.json").path
        let a = try Binary.kubeprint(["convert", bp, "-o", root.appendingPathComponent("a").path])
        let b = try Binary.kubeprint(["convert", bp, "-o", root.appendingPathComponent("b").path])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(b.status == 0)
        #expect(a.stdout.contains("Wrote 13 files and solution.zip"))
        let zipA = try Data(contentsOf: root.appendingPathComponent("a/solution.zip"))
        let zipB = try Data(contentsOf: root.appendingPathComponent("b/solution.zip"))
        #expect(zipA == zipB)
        #expect(FileManager.default.isExecutableFile(atPath: root.appendingPathComponent("a/deploy.sh").path))
    }

    @Test("an invalid blueprint: every error with position and hint, exit 1, nothing written")
    func invalidBlueprint() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("out")
        let bp = Fixtures.blueprint("simplepipeline-serial-orchestrator.json").path
        let r = try Binary.kubeprint(["convert", bp, "-o", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("simplepipeline-serial-orchestrator.json:16:16: error: image 'https://cicd.ai4eu-dev.eu:7444/csvdatabroker:v2'"))
        #expect(r.stderr.contains("simplepipeline-serial-orchestrator.json:39:16: error:"))
        #expect(r.stderr.contains("hint: use \"cicd.ai4eu-dev.eu:7444/houseprice:v1\""))
        #expect(r.stderr.contains("2 errors; nothing was written"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }

    @Test("--output - prints one multi-document stream")
    func stream() throws {
        let r = try Binary.kubeprint(["convert", Fixtures.blueprint("graphene-v2-houseprice-Moctader.json").path, "-o", "-", "-n", "demo"])
        #expect(r.status == 0)
        let docs = try YAMLParser().parse(r.stdout)
        #expect(docs.map { $0.root["kind"]?.string ?? "" } == ["Namespace", "Service", "Service", "Service", "Deployment", "Deployment", "Deployment"])
        #expect(r.stdout.hasPrefix("---\napiVersion: v1\nkind: Namespace\n"))
    }

    @Test("validate: text and JSON output, exit status")
    func validate() throws {
        let good = Self.valid.map { Fixtures.blueprint($0 + ".json").path }
        let ok = try Binary.kubeprint(["validate"] + good)
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.components(separatedBy: ": ok (").count == good.count + 1)

        let bad = Fixtures.blueprint("simplepipeline-serial-orchestrator.json").path
        let r = try Binary.kubeprint(["validate", "--format", "json", bad, good[0]])
        #expect(r.status == 1)
        struct Report: Decodable {
            struct D: Decodable { var code: String; var path: String; var position: P?; var hint: String? }
            struct P: Decodable { var line: Int; var column: Int }
            var file: String; var valid: Bool; var errors: Int; var diagnostics: [D]
        }
        let reports = try JSONDecoder().decode([Report].self, from: Data(r.stdout.utf8))
        #expect(reports.map(\.valid) == [false, true])
        #expect(reports[0].errors == 2)
        #expect(reports[0].diagnostics.first?.code == "invalid-image")
        #expect(reports[0].diagnostics.first?.position?.line == 16)
    }

    @Test("validate accepts the Graphene and AI-Effect blueprints; unknown node types are warnings")
    func validateSuccessorPlatforms() throws {
        let names = ["graphene-kafka-node132", "graphene-serial-live-rest", "aieffect-germany-node", "aieffect-portugal-node-sidecar",
                     "aieffect-delft-synth-powergrid", "aieffect-delft-synth-benchmark", "aieffect-dutch-node-benchmarking"]
        let r = try Binary.kubeprint(["validate", "--format", "json"] + names.map { Fixtures.blueprint($0 + ".json").path })
        #expect(r.status == 0, "\(r.stdout)")
        struct Report: Decodable {
            struct D: Decodable { var severity: String; var code: String; var node: String? }
            var valid: Bool; var errors: Int; var diagnostics: [D]
        }
        let reports = try JSONDecoder().decode([Report].self, from: Data(r.stdout.utf8))
        #expect(reports.count == names.count)
        #expect(reports.allSatisfy { $0.valid && $0.errors == 0 })
        let warnings = reports.flatMap(\.diagnostics)
        #expect(warnings.allSatisfy { $0.severity == "warning" && $0.code == "unknown-node-type" })
        // DataSink twice (Portugal, Delft), REST twice (serial-live orchestrator).
        #expect(warnings.compactMap(\.node).sorted() == ["cube-node-container", "data_generator1", "grid_synthesizer", "square-node-container"])
    }

    @Test("a blueprint that is not JSON, or missing, is a clear error")
    func unreadable() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let bp = root.appendingPathComponent("bp.json")
        try "{\"name\": \"x\",\n \"nodes\": [\n".write(to: bp, atomically: true, encoding: .utf8)
        let r = try Binary.kubeprint(["validate", bp.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("bp.json:3:1: error: unexpected end of file"))
        let missing = try Binary.kubeprint(["convert", root.appendingPathComponent("nope.json").path, "-o", "-"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read the file"))
    }

    @Test("single model conversion")
    func singleModel() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let r = try Binary.kubeprint(["convert", "--image", "registry.example.com/team/ner:1.0", "--name", "ner", "-o", root.appendingPathComponent("o").path])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("o/deployments").path).sorted()
        #expect(files == ["deployment.yaml", "service.yaml"])
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("o/blueprint.json").path))
    }

    @Test("bad arguments are usage errors with a message", arguments: [
        (["convert", "--image", "reg.io/a:1", "-o", "x"], "--image needs --name"),
        (["convert", "bp.json", "-o", "x", "--cpu-request", "lots"], "is not a Kubernetes quantity"),
        (["convert", "bp.json", "-o", "x", "-n", "Bad_NS"], "try 'bad-ns'"),
        (["convert", "-o", "x"], "give a blueprint.json"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let r = try Binary.kubeprint(arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test("bench engine reports the event queue beside the machine's own heap baseline, whose work is the same each run")
    func benchEngineBaseline() throws {
        let runs = try (0..<2).map { _ in try Binary.kubeprint(["bench", "engine", "--events", "20000", "--pending", "100"]) }
        for r in runs { #expect(r.status == 0, "\(r.stderr)") }
        func checksums(_ text: String) -> [String] { text.matches(of: /checksum (\d+)/).map { String($0.output.1) } }
        let first = checksums(runs[0].stdout)
        #expect(first.count == 2, "\(runs[0].stdout)")
        #expect(first == checksums(runs[1].stdout), "the same events are processed in both runs")
        #expect(runs[0].stdout.contains("machine baseline:") && runs[0].stdout.contains("× the baseline"))
    }

    @Test("bench faas, parsed apart from the command tree, runs; its help and its errors are the whole tree's")
    func benchFaaS() throws {
        let r = try Binary.kubeprint(["bench", "faas", "--requests", "2000", "--seed", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2000 requests at 500 req/s") && r.stdout.contains("completed 2000, failed 0"), "\(r.stdout)")
        let help = try Binary.kubeprint(["bench", "faas", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("kubeprint bench faas"), "\(help.stdout)")
        let bad = try Binary.kubeprint(["bench", "faas", "--requests", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--requests needs positive counts"), "\(bad.stderr)")
        #expect(bad.stderr.contains("kubeprint bench faas"), "usage names the whole command: \(bad.stderr)")
        let unknown = try Binary.kubeprint(["bench", "faas", "--nodes", "3"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("Unknown option '--nodes'"), "\(unknown.stderr)")
    }

    @Test("--help describes the commands")
    func help() throws {
        let r = try Binary.kubeprint(["--help"])
        #expect(r.status == 0)
        for word in ["convert", "validate", "templates", "bench"] { #expect(r.stdout.contains(word)) }
        let convert = try Binary.kubeprint(["convert", "--help"])
        #expect(convert.stdout.contains("--service-type"))
        #expect(convert.stdout.contains("--templates"))
    }

    @Test("templates command writes the built-in templates, which convert reads back")
    func templatesCommand() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let dir = root.appendingPathComponent("t").path
        #expect(try Binary.kubeprint(["templates", "-o", dir]).status == 0)
        #expect(try Binary.kubeprint(["templates", "-o", dir]).status != 0)  // refuses to overwrite
        let bp = Fixtures.blueprint("sudoku-tutorial.json").path
        let withTemplates = try Binary.kubeprint(["convert", bp, "-o", "-", "--templates", dir])
        let builtIn = try Binary.kubeprint(["convert", bp, "-o", "-"])
        #expect(withTemplates.status == 0)
        #expect(withTemplates.stdout == builtIn.stdout)
    }
}
