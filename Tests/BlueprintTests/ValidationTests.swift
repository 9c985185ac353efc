import Blueprint
import Foundation
import TestSupport
import Testing

@Suite("Blueprint validation")
struct ValidationTests {
    func diagnose(_ text: String) -> [Diagnostic] {
        BlueprintLoader.diagnose(text: text, file: "bp.json").1
    }

    func codes(_ text: String) -> [Diagnostic.Code] {
        diagnose(text).filter(\.isError).map(\.code)
    }

    static func node(_ name: String, image: String = "registry.example.com/team/model:1", type: String = "MLModel",
                     links: String = "") -> String
    {
        """
        {"container_name": "\(name)", "node_type": "\(type)", "image": "\(image)",
         "operation_signature_list": [{"operation_signature": {"operation_name": "run", "input_message_name": "In", "output_message_name": "Out"},
                                       "connected_to": [\(links)]}]}
        """
    }

    static func blueprint(_ nodes: String...) -> String {
        "{\"name\": \"p\", \"version\": \"1\", \"nodes\": [\(nodes.joined(separator: ","))]}"
    }

    @Test("JSON syntax errors carry line and column")
    func syntax() {
        let d = diagnose("{\n  \"name\": \"p\",\n  \"nodes\": [\n    {\"container_name\": \"a\",}\n  ]\n}")
        #expect(d.count == 1)
        #expect(d.first?.code == .jsonSyntax)
        #expect(d.first?.position == SourcePosition(line: 4, column: 28))
        #expect(d.first?.description.hasPrefix("bp.json:4:28: error:") == true)
    }

    @Test("all problems are collected, not just the first")
    func collectsAll() {
        let text = Self.blueprint(
            "{\"container_name\": \"\", \"node_type\": \"MLModel\", \"image\": \"x:1\"}",
            "{\"container_name\": \"b\", \"image\": 42}",
            Self.node("c", image: "https://reg.io/c:1"),
            Self.node("d", links: "{\"container_name\": \"cc\", \"operation_signature\": {\"operation_name\": \"run\"}}"))
        let c = codes(text)
        #expect(c.contains(.emptyField))
        #expect(c.contains(.missingField))  // node_type of b
        #expect(c.contains(.wrongType))  // image of b
        #expect(c.contains(.invalidImage))
        #expect(c.contains(.unknownConnection))
        #expect(c.count == 5)
    }

    @Test("unknown connection suggests the closest name")
    func suggestion() throws {
        let text = Self.blueprint(Self.node("retriever"), Self.node("ranker", links: "{\"container_name\": \"retriver\", \"operation_signature\": {\"operation_name\": \"run\"}}"))
        let d = try #require(diagnose(text).first { $0.code == .unknownConnection })
        #expect(d.hint?.hasPrefix("did you mean 'retriever'?") == true)
        #expect(d.node == "ranker")
        #expect(d.path == "nodes[1].operation_signature_list[0].connected_to[0].container_name")
    }

    @Test("duplicate names and Kubernetes-name collisions")
    func names() {
        #expect(codes(Self.blueprint(Self.node("a"), Self.node("a"))) == [.duplicateContainerName])
        #expect(codes(Self.blueprint(Self.node("Feature_Extractor"), Self.node("feature-extractor"))) == [.nameCollision])
        #expect(codes(Self.blueprint(Self.node("Orchestrator"))) == [.reservedName])
    }

    @Test("invalid images", arguments: [
        ("https://reg.io/a:1", true), ("reg.io/Team/a:1", true), ("a b:1", true), ("reg.io/a:", true),
        ("reg.io//a", true), ("reg.io/a:1@sha256:abc", true), ("reg.io:5000/team/a:1.0", false),
        ("nginx", false), ("localhost/a_b__c-d:v1", false),
        ("reg.io/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false),
        ("Reg.IO/team/a", false),
    ])
    func images(image: String, invalid: Bool) {
        #expect((ImageReference.problem(in: image) != nil) == invalid, "\(image)")
    }

    @Test("upper case in the repository path suggests the lower-case reference")
    func imageCase() {
        #expect(ImageReference.problem(in: "reg.io:5000/Team/Model:V1")?.suggestion == "reg.io:5000/team/model:V1")
    }

    @Test("shared-folder paths must be absolute, without '..' or ':'", arguments: ["data", "/data/../etc", "/data:x"])
    func sharedFolderPaths(path: String) {
        let folder = """
            {"container_name": "\(path)", "node_type": "SharedFolder", "operation_signature_list": [
              {"operation_signature": {"operation_name": "provideFolder"},
               "connected_to": [{"container_name": "m", "operation_signature": {"operation_name": "MountVolume"}}]}]}
            """
        #expect(codes(Self.blueprint(folder, Self.node("m"))) == [.invalidSharedFolderPath])
    }

    @Test("mountVolume links match in any case; other links are warnings")
    func mountVolumeCase() throws {
        let folder = """
            {"container_name": "/shared", "node_type": "SharedFolder", "operation_signature_list": [
              {"operation_signature": {"operation_name": "provideFolder"},
               "connected_to": [{"container_name": "m", "operation_signature": {"operation_name": "MOUNTVOLUME"}},
                                {"container_name": "n", "operation_signature": {"operation_name": "run"}}]}]}
            """
        let loaded = try BlueprintLoader.load(text: Self.blueprint(folder, Self.node("m"), Self.node("n")), file: "bp.json")
        #expect(loaded.graph.sharedFolders.first?.consumers == ["m"])
        #expect(loaded.warnings.map(\.code) == [.ignoredLink])
    }

    @Test("legacy node types are kept with a warning, not deployed")
    func legacy() throws {
        let text = Self.blueprint(Self.node("a", links: "{\"container_name\": \"split\", \"operation_signature\": {\"operation_name\": \"run\"}}"),
                                  Self.node("split", image: "", type: "Splitter"))
        let loaded = try BlueprintLoader.load(text: text, file: "bp.json")
        #expect(loaded.graph.node(named: "split")?.role == .legacy)
        #expect(!loaded.graph.deployableNodes.contains { $0.containerName == "split" })
        #expect(loaded.warnings.map(\.code) == [.legacyNodeType])
    }

    @Test("unknown fields are kept and the misspelt probeIndocator is read")
    func unknownFields() throws {
        let text = "{\"name\": \"p\", \"x-extra\": {\"keep\": [1, 2.50]}, \"probeIndocator\": [{\"value\": \"true\"}], \"nodes\": [\(Self.node("a"))]}"
        let loaded = try BlueprintLoader.load(text: text, file: "bp.json")
        #expect(loaded.blueprint.wantsProbe)
        #expect(loaded.warnings.map(\.code) == [.probeNotDeployed])
        #expect(JSONWriter(pretty: false).write(loaded.blueprint.orchestratorDocument()).contains("\"x-extra\":{\"keep\":[1,2.50]}"))
    }

    @Test("wrong top-level shapes")
    func shapes() {
        #expect(codes("[]") == [.wrongType])
        #expect(codes("{\"name\": \"p\"}") == [.missingField])
        #expect(codes("{\"name\": \"p\", \"nodes\": []}") == [.noDeployableNodes])
        #expect(codes("") == [.jsonSyntax])
    }

    @Test("Kubernetes names", arguments: [
        ("Feature_Extractor", "feature-extractor"), ("/data/shared", "data-shared"), ("CSVDataBroker", "csvdatabroker"),
        ("1model", "n-1model"), ("__", "node"), ("ünï", "n"),
    ])
    func kubernetesNames(original: String, expected: String) {
        let name = KubernetesName.make(from: original)
        #expect(name == expected || (original == "ünï" && KubernetesName.isValid(name)))
        #expect(KubernetesName.isValid(name))
    }

    @Test("long names are shortened with a stable hash suffix")
    func longNames() {
        let a = KubernetesName.make(from: String(repeating: "a", count: 80) + "1")
        let b = KubernetesName.make(from: String(repeating: "a", count: 80) + "2")
        #expect(a.count == 63 && b.count == 63)
        #expect(a != b)
        #expect(a == KubernetesName.make(from: String(repeating: "a", count: 80) + "1"))
        #expect(KubernetesName.isValid(a))
    }
}

@Suite("Inputs the fuzzer found")
struct FuzzRegressionTests {
    @Test("every saved fuzzer input is diagnosed without crashing")
    func savedInputs() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/fuzz")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("blueprint-") }.sorted()
        #expect(!files.isEmpty)
        for name in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let (loaded, diagnostics) = BlueprintLoader.diagnose(text: String(decoding: data, as: UTF8.self), file: name)
            // A pipeline is returned exactly when there is no error, and every message prints.
            #expect((loaded != nil) == !diagnostics.contains(where: \.isError), "\(name)")
            #expect(diagnostics.allSatisfy { $0.description.contains($0.code.rawValue) })
        }
    }

    @Test("upper case that lower-casing cannot remove gets no suggestion, and no endless check")
    func unlowercasable() {
        // "İ" lower-cases to two scalars; "ǅ" (title case) stays upper-ish in some forms.
        for image in ["reg.io/İMAGE:1", "reg.io/ǅx:1", "https://reg.io/Ab/ǅ:1", "a b/C://d"] {
            #expect(ImageReference.problem(in: image) != nil, "\(image)")
        }
    }
}

@Suite("Node types of the platforms that followed AI4EU")
struct NodeTypeTests {
    func diagnose(_ text: String) -> [Diagnostic] { BlueprintLoader.diagnose(text: text, file: "bp.json").1 }
    func codes(_ text: String) -> [Diagnostic.Code] { diagnose(text).filter(\.isError).map(\.code) }
    static func node(_ name: String, type: String = "MLModel", links: String = "") -> String {
        ValidationTests.node(name, type: type, links: links)
    }
    static func blueprint(_ nodes: String...) -> String {
        "{\"name\": \"p\", \"version\": \"1\", \"nodes\": [\(nodes.joined(separator: ","))]}"
    }

    static func link(_ to: String) -> String {
        "{\"container_name\": \"\(to)\", \"operation_signature\": {\"operation_name\": \"run\"}}"
    }

    @Test("an unknown node type with an image is deployed like a model, with a warning listing the known types")
    func unknownTypeWithImage() throws {
        let text = Self.blueprint(Self.node("source", type: "DataSink", links: Self.link("model")), Self.node("model"))
        let (loaded, diagnostics) = BlueprintLoader.diagnose(text: text, file: "bp.json")
        let g = try #require(loaded?.graph)
        #expect(diagnostics.count == 1)
        let warning = try #require(diagnostics.first)
        #expect(warning.severity == .warning && warning.code == .unknownNodeType)
        #expect(warning.path == "nodes[0].node_type" && warning.node == "source")
        #expect(warning.message == "node_type 'DataSink' is not one kubeprint knows; the node is deployed like an MLModel")
        #expect(warning.hint == "Known node types: MLModel, DataBroker, DataSource, SharedFolder, Splitter, Collator, Probe")
        #expect(g.deployableNodes.map(\.containerName) == ["source", "model", "orchestrator"])
        #expect(g.edges.count == 1)
    }

    @Test("a misspelt node type is a warning with the likely type")
    func misspeltType() throws {
        let d = diagnose(Self.blueprint(Self.node("m", type: "MLModle")))
        #expect(d.map(\.severity) == [.warning])
        #expect(d.first?.hint?.hasPrefix("did you mean 'MLModel'?") == true)
    }

    @Test("an unknown node type without an image is kept in the graph, not deployed, and is no error")
    func unknownTypeWithoutImage() throws {
        let virtual = "{\"container_name\": \"gate\", \"node_type\": \"Gateway\", \"operation_signature_list\": []}"
        let (loaded, diagnostics) = BlueprintLoader.diagnose(text: Self.blueprint(virtual, Self.node("m")), file: "bp.json")
        #expect(diagnostics.allSatisfy { !$0.isError })
        #expect(diagnostics.first?.message.contains("has no image") == true)
        let g = try #require(loaded?.graph)
        #expect(g.node(named: "gate")?.role == .legacy)
        #expect(g.deployableNodes.map(\.containerName) == ["m", "orchestrator"])
        // Alone, it leaves nothing to deploy: that is the blueprint's error.
        #expect(codes(Self.blueprint(virtual)) == [.noDeployableNodes])
    }

    @Test("an unknown node type whose image is only whitespace counts as having no image", arguments: ["  ", "\\t", " \\n "])
    func unknownTypeWithBlankImage(image: String) throws {
        let blank = ValidationTests.node("gate", image: image, type: "Gateway")
        let (loaded, diagnostics) = BlueprintLoader.diagnose(text: Self.blueprint(blank, Self.node("m")), file: "bp.json")
        #expect(diagnostics.allSatisfy { !$0.isError }, "\(diagnostics)")
        #expect(diagnostics.map(\.code) == [Diagnostic.Code.unknownNodeType])
        #expect(diagnostics.first?.message.contains("has no image") == true)
        let g = try #require(loaded?.graph)
        #expect(g.node(named: "gate")?.role == .legacy)
        #expect(g.deployableNodes.map(\.containerName) == ["m", "orchestrator"])
    }

    @Test("DataSource nodes are known and deployed; an empty node type is still an error")
    func dataSource() throws {
        let d = diagnose(Self.blueprint(Self.node("src", type: "DataSource", links: Self.link("m")), Self.node("m")))
        #expect(d.isEmpty)
        #expect(codes(Self.blueprint(Self.node("m", type: ""))) == [.emptyField])
        // A DataSource needs an image like any model.
        #expect(codes(Self.blueprint("{\"container_name\": \"src\", \"node_type\": \"DataSource\"}")) == [.missingField])
    }

    @Test("a DataSource no link reaches is an entry, also next to input_ports and in a cyclic graph")
    func dataSourceEntries() throws {
        func entries(_ text: String) throws -> [String] {
            try BlueprintLoader.load(text: text, file: "bp.json").graph.entryNodes
        }
        // a → b → a is a cycle; the DataSource feeding it is the only node no link reaches.
        #expect(try entries(Self.blueprint(Self.node("a", links: Self.link("b")), Self.node("b", links: Self.link("a")),
                                           Self.node("src", type: "DataSource", links: Self.link("a")))) == ["src"])
        // Fully cyclic: the DataSource inside the cycle starts the runs.
        #expect(try entries(Self.blueprint(Self.node("a", links: Self.link("src")),
                                           Self.node("src", type: "DataSource", links: Self.link("a")))) == ["src"])
        // input_ports name the model; the unreached DataSource is added.
        let ports = "{\"name\": \"p\", \"input_ports\": [\(Self.link("m"))], \"nodes\": [\(Self.node("m")), \(Self.node("src", type: "DataSource", links: Self.link("m")))]}"
        #expect(try entries(ports) == ["m", "src"])
    }
}
