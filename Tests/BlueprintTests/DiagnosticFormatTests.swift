import Blueprint
import Foundation
import TestSupport
import Testing

@Suite("diagnostics as GitHub workflow commands and SARIF")
struct DiagnosticFormatTests {
    @Test("message escaping: %, CR and LF; property values also : and ,")
    func escaping() {
        #expect(GitHubAnnotations.escapeData("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b")
        #expect(GitHubAnnotations.escapeProperty("dir:x,y/100%\n.json") == "dir%3Ax%2Cy/100%25%0A.json")
        // Escaping '%' first: an already escaped sequence is escaped again, not taken as one.
        #expect(GitHubAnnotations.escapeData("%0A") == "%250A")
    }

    @Test("one command per diagnostic: error or warning, file, line, col, title, message with node and hint")
    func commands() {
        let error = Diagnostic(.error, .unknownConnection, "connected_to names unknown container 'retriver'",
                               path: "nodes[1].x", node: "ranker", hint: "did you mean 'retriever'?\nContainers: a, b",
                               file: "pipes/a,b:c.json", position: SourcePosition(line: 14, column: 7))
        #expect(GitHubAnnotations.command(for: error)
            == "::error file=pipes/a%2Cb%3Ac.json,line=14,col=7,title=kubeprint unknown-connection::connected_to names unknown container 'retriver' (node 'ranker'; hint: did you mean 'retriever'?%0AContainers: a, b)")
        let warning = Diagnostic(.warning, .missingName, "the blueprint has no name; the pipeline is called 'pipeline'", path: "name")
        #expect(GitHubAnnotations.command(for: warning, file: "bp.json")
            == "::warning file=bp.json,title=kubeprint missing-name::the blueprint has no name; the pipeline is called 'pipeline'")
        let nodeOnly = Diagnostic(.warning, .probeNotDeployed, "no probe", path: "", node: "n")
        #expect(GitHubAnnotations.command(for: nodeOnly) == "::warning title=kubeprint probe-not-deployed::no probe (node 'n')")
    }

    @Test("SARIF: version, schema, driver with every code as a rule, results with locations")
    func sarifShape() throws {
        let text = try Fixtures.text(Fixtures.blueprint("simplepipeline-serial-orchestrator.json"))
        let diagnostics = BlueprintLoader.diagnose(text: text, file: "bp dir/simple.json").1
        #expect(diagnostics.count == 2)
        let log = SARIFLog.document(toolVersion: "9.9.9", diagnostics: diagnostics.map { ($0, nil) })
        let written = JSONWriter(pretty: true).write(log)
        // Same input, same bytes; the keys in the documented order.
        #expect(written == JSONWriter(pretty: true).write(SARIFLog.document(toolVersion: "9.9.9", diagnostics: diagnostics.map { ($0, nil) })))
        #expect(log.object?.keys == ["$schema", "version", "runs"])
        #expect(log["version"]?.string == "2.1.0")
        #expect(log["$schema"]?.string?.hasSuffix("sarif-schema-2.1.0.json") == true)
        let run = try #require(log["runs"]?.array?.first)
        let driver = try #require(run["tool"]?["driver"])
        #expect(driver["name"]?.string == "kubeprint")
        #expect(driver["version"]?.string == "9.9.9")
        let rules = try #require(driver["rules"]?.array)
        #expect(rules.compactMap { $0["id"]?.string } == Diagnostic.Code.allCases.map(\.rawValue))
        for rule in rules {
            #expect(rule["help"]?["text"]?.string?.isEmpty == false)
            #expect(rule["shortDescription"]?["text"]?.string?.isEmpty == false)
        }
        let results = try #require(run["results"]?.array)
        #expect(results.count == 2)
        let first = results[0]
        #expect(first["ruleId"]?.string == "invalid-image")
        #expect(first["level"]?.string == "error")
        let index = try #require(first["ruleIndex"]?.int)
        #expect(rules[index]["id"]?.string == "invalid-image")
        #expect(first["message"]?["text"]?.string?.hasPrefix("image 'https://cicd.ai4eu-dev.eu:7444/csvdatabroker:v2' starts with a URL scheme") == true)
        #expect(first["message"]?["text"]?.string?.hasSuffix("(node 'csvdatabroker1'; hint: use \"cicd.ai4eu-dev.eu:7444/csvdatabroker:v2\")") == true)
        let physical = try #require(first["locations"]?.array?.first?["physicalLocation"])
        #expect(physical["artifactLocation"]?["uri"]?.string == "bp%20dir/simple.json")
        #expect(physical["region"]?["startLine"]?.int == 16)
        #expect(physical["region"]?["startColumn"]?.int == 16)
        #expect(results[1]["locations"]?.array?.first?["physicalLocation"]?["region"]?["startLine"]?.int == 39)
    }

    @Test("SARIF levels: warnings are warnings, rules' default levels match what the checks report")
    func sarifLevels() throws {
        let warning = Diagnostic(.warning, .unknownNodeType, "node_type 'DataSink' is not one kubeprint knows", path: "nodes[2].node_type")
        let log = SARIFLog.document(toolVersion: "1", diagnostics: [(warning, "/abs/bp.json")])
        let run = try #require(log["runs"]?.array?.first)
        let result = try #require(run["results"]?.array?.first)
        #expect(result["level"]?.string == "warning")
        #expect(result["locations"]?.array?.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.string == "file:///abs/bp.json")
        #expect(result["locations"]?.array?.first?["physicalLocation"]?["region"] == nil)
        let rules = try #require(run["tool"]?["driver"]?["rules"]?.array)
        let levels = Dictionary(uniqueKeysWithValues: rules.compactMap { rule -> (String, String)? in
            guard let id = rule["id"]?.string, let level = rule["defaultConfiguration"]?["level"]?.string else { return nil }
            return (id, level)
        })
        #expect(levels["unknown-node-type"] == "warning")
        #expect(levels["invalid-image"] == "error")
    }
}
