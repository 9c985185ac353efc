import Blueprint
import Foundation
import Testing
import TestSupport

@Suite("Real AI4EU / Graphene blueprints")
struct RealBlueprintTests {
    func load(_ name: String) throws -> LoadedBlueprint {
        try BlueprintLoader.load(contentsOf: Fixtures.blueprint(name).path)
    }

    @Test("Graphene pipeline-topology/v2 house-price pipeline")
    func houseprice() throws {
        let loaded = try load("graphene-v2-houseprice-Moctader.json")
        #expect(loaded.blueprint.format == .topologyV2)
        #expect(loaded.blueprint.pipelineID?.hasPrefix("graphene:") == true)
        let g = loaded.graph
        #expect(g.name == "houseprice")
        #expect(g.nodes.map(\.containerName) == ["hppdatabroker1", "hppmodel1", "orchestrator"])
        #expect(g.edges.count == 2)
        #expect(g.edges.allSatisfy { $0.from == "hppdatabroker1" && $0.to == "hppmodel1" })
        #expect(g.entryNodes == ["hppdatabroker1"])
        #expect(!g.hasCycles)
        #expect(loaded.warnings.isEmpty)
    }

    @Test("shared folder becomes a volume for exactly its consumers")
    func sharedFolder() throws {
        let g = try load("news-training-sharedfolder.json").graph
        #expect(g.sharedFolders.count == 1)
        let folder = try #require(g.sharedFolders.first)
        #expect(folder.path == "/data/shared")
        #expect(folder.kubernetesName == "data-shared")
        #expect(folder.consumers == ["tensorboard1", "newstrainer1", "news-classifier1"])
        #expect(g.node(named: "newstrainer1")?.sharedFolders == ["/data/shared"])
        #expect(g.orchestrator?.sharedFolders == [])
        #expect(!g.nodes.contains { $0.containerName == "/data/shared" })
    }

    @Test("the sudoku pipelines are cyclic and load")
    func sudoku() throws {
        for name in ["sudoku-tutorial.json", "sudoku-stream-parallel-orchestrator-sample.json"] {
            let g = try load(name).graph
            #expect(g.hasCycles, "\(name)")
            #expect(g.deployableNodes.count == 4, "\(name)")  // three models + orchestrator
        }
        let stream = try load("sudoku-stream-parallel-orchestrator-sample.json").graph
        let gui = try #require(stream.node(named: "sudoku-gui-stream1"))
        #expect(gui.operations.first?.outputStream == true)
    }

    @Test("legacy Acumos data broker keeps its mixed-case name")
    func acumosDataBroker() throws {
        let loaded = try load("acumos-csv-databroker-csvdbTest.json")
        let broker = try #require(loaded.graph.node(named: "CSVDataBroker"))
        #expect(broker.nodeType == .dataBroker)
        #expect(broker.kubernetesName == "csvdatabroker")
        #expect(loaded.graph.entryNodes == ["CSVDataBroker"])
        #expect(loaded.blueprint.document["nodes"]?.array?.first?["data_broker_map"] != nil)
    }

    @Test("an image with a URL scheme is an error with the fix")
    func serialOrchestratorSample() throws {
        let text = try Fixtures.text(Fixtures.blueprint("simplepipeline-serial-orchestrator.json"))
        let (loaded, diagnostics) = BlueprintLoader.diagnose(text: text, file: "simplepipeline.json")
        #expect(loaded == nil)
        let errors = diagnostics.filter(\.isError)
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.code == .invalidImage })
        #expect(errors.first?.node == "csvdatabroker1")
        #expect(errors.first?.path == "nodes[0].image")
        #expect(errors.first?.position == SourcePosition(line: 16, column: 16))
        #expect(errors.first?.hint == "use \"cicd.ai4eu-dev.eu:7444/csvdatabroker:v2\"")
    }

    @Test("the cleaned blueprint drops shared folders and mountVolume, keeps the rest")
    func orchestratorDocument() throws {
        let loaded = try load("news-training-sharedfolder.json")
        let cleaned = loaded.blueprint.orchestratorDocument()
        let nodes = try #require(cleaned["nodes"]?.array)
        #expect(nodes.count == 3)
        #expect(!nodes.contains { $0["node_type"]?.string == "SharedFolder" })
        let text = JSONWriter().write(cleaned)
        #expect(!text.lowercased().contains("mountvolume"))
        #expect(text.contains("\"newstrainer1\""))
        #expect(cleaned["input_ports"] == .array([]))
    }
}

@Suite("Blueprints from the platforms that followed AI4EU (Eclipse Graphene, AI-Effect)")
struct SuccessorPlatformBlueprintTests {
    static let files = [
        "graphene-kafka-node132", "graphene-serial-live-rest", "aieffect-germany-node", "aieffect-portugal-node-sidecar",
        "aieffect-delft-synth-powergrid", "aieffect-delft-synth-benchmark", "aieffect-dutch-node-benchmarking",
    ]
    /// The node types the Design Studio wrote, plus DataSource.
    static let knownTypes: Set<String> = ["MLModel", "DataBroker", "DataSource", "SharedFolder", "Splitter", "Collator", "Probe"]

    /// The blueprint's nodes as plain JSON, read independently of kubeprint's reader.
    static func rawNodes(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: Fixtures.blueprint(name + ".json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["nodes"] as? [[String: Any]])
    }

    func load(_ name: String) throws -> LoadedBlueprint {
        try BlueprintLoader.load(contentsOf: Fixtures.blueprint(name + ".json").path)
    }

    @Test("each loads without errors; the only warnings name the node types kubeprint does not know", arguments: files)
    func loads(name: String) throws {
        let raw = try Self.rawNodes(name)
        let loaded = try load(name)
        let unknown = raw.compactMap { $0["node_type"] as? String }.filter { !Self.knownTypes.contains($0) }
        #expect(loaded.warnings.map(\.code) == Array(repeating: .unknownNodeType, count: unknown.count))
        for (warning, type) in zip(loaded.warnings, unknown) {
            #expect(warning.message.contains("'\(type)'"))
            #expect(warning.hint?.contains("DataSource") == true)
            #expect(!warning.isError)
        }
        // Every node has an image, so every node is deployed, plus the orchestrator.
        #expect(loaded.graph.deployableNodes.count == raw.count + 1)
        #expect(loaded.graph.deployableNodes.map(\.containerName).dropLast() == raw.compactMap { $0["container_name"] as? String }[...])
    }

    @Test("AI-Effect Portugal node: the DataSource starts the pipeline, the DataSink is deployed like a model")
    func portugal() throws {
        let loaded = try load("aieffect-portugal-node-sidecar")
        let g = loaded.graph
        #expect(loaded.blueprint.format == .topologyV2)
        #expect(g.entryNodes == ["data_loader1"])
        #expect(g.node(named: "data_loader1")?.nodeType == .dataSource)
        let sink = try #require(g.node(named: "data_generator1"))
        #expect(sink.nodeType == .other("DataSink"))
        #expect(sink.role == .model)
        #expect(sink.kubernetesName == "data-generator1")
        #expect(g.successors(of: "data_loader1") == ["feature_engineer1"])
        #expect(g.successors(of: "model_trainer1") == ["data_generator1"])
        #expect(!g.hasCycles)
    }

    @Test("Delft pipelines: a DataSource without an input message is the entry; one reached by a link is not")
    func delft() throws {
        let powergrid = try load("aieffect-delft-synth-powergrid").graph
        #expect(powergrid.entryNodes == ["grid_configurator"])
        #expect(powergrid.node(named: "grid_configurator")?.operations.first?.inputMessage == nil)
        #expect(powergrid.node(named: "grid_synthesizer")?.nodeType == .other("DataSink"))
        let benchmark = try load("aieffect-delft-synth-benchmark").graph
        #expect(benchmark.nodes.filter { $0.nodeType == .dataSource }.count == 2)
        #expect(benchmark.entryNodes == ["grid_configurator"])
    }

    @Test("Graphene export with json-simple escapes: pipeline-topology/v2 read, chain node11 → node31 → node21")
    func grapheneKafka() throws {
        let loaded = try load("graphene-kafka-node132")
        #expect(loaded.blueprint.format == .topologyV2)
        #expect(loaded.blueprint.document["type"]?.string == "pipeline-topology/v2")
        let g = loaded.graph
        #expect(g.entryNodes == ["node11"])
        #expect(g.successors(of: "node11") == ["node31"])
        #expect(g.successors(of: "node31") == ["node21"])
        #expect(g.node(named: "node11")?.image == "vaibhavtechie/node1-image:latest")
    }

    @Test("Graphene serial-live orchestrator sample: REST nodes deployed, input_ports give the entry")
    func grapheneREST() throws {
        let loaded = try load("graphene-serial-live-rest")
        #expect(loaded.graph.entryNodes == ["square-node-container"])
        #expect(loaded.graph.nodes.filter { $0.nodeType == .other("REST") }.count == 2)
        #expect(loaded.warnings.map(\.node) == ["square-node-container", "cube-node-container"])
    }
}
