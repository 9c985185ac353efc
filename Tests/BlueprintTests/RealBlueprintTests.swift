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
