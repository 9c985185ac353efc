import Blueprint
import Foundation
import Manifests
import Testing
import TestSupport
import YAML

@Suite("Generated manifests (golden files)")
struct GoldenManifestTests {
    static let valid = [
        "graphene-v2-houseprice-Moctader", "news-training-sharedfolder", "sudoku-tutorial",
        "sudoku-stream-parallel-orchestrator-sample", "acumos-csv-databroker-csvdbTest",
        "aieffect-portugal-node-sidecar", "aieffect-delft-synth-powergrid",
    ]

    static func load(_ name: String) throws -> LoadedBlueprint {
        try BlueprintLoader.load(contentsOf: Fixtures.blueprint(name + ".json").path)
    }

    @Test("each real blueprint matches its golden manifests, dockerinfo and cleaned blueprint", arguments: valid)
    func golden(name: String) throws {
        let loaded = try Self.load(name)
        let options = ManifestOptions()
        let manifests = ManifestGenerator(options: options).generate(loaded.graph)
        let bundle = try SolutionBundle.pipeline(loaded, manifests: manifests, options: options, protos: ProtoCollection())
        try Golden.assertMatches(try manifests.yamlStream(), golden: "\(name)/manifests.yaml")
        try Golden.assertMatches(try #require(bundle.file("dockerinfo.json")).text, golden: "\(name)/dockerinfo.json")
        try Golden.assertMatches(try #require(bundle.file("blueprint.json")).text, golden: "\(name)/blueprint.json")
    }

    @Test("options: namespace, ClusterIP, pull policy and secret, resources, storage")
    func goldenWithOptions() throws {
        var options = ManifestOptions()
        options.namespace = "news"
        options.serviceType = .clusterIP
        options.imagePullPolicy = .always
        options.imagePullSecrets = ["registry-credentials"]
        options.replicas = 2
        options.cpuRequest = "250m"
        options.memoryLimit = "4Gi"
        options.storageSize = "20Gi"
        options.storageClass = "nfs-client"
        let set = ManifestGenerator(options: options).generate(try Self.load("news-training-sharedfolder").graph)
        try Golden.assertMatches(try set.yamlStream(), golden: "options/manifests.yaml")
        #expect(set.manifests.first?.kind == .namespace)
        #expect(set.manifests.allSatisfy { $0.object["metadata"]?["namespace"] == "news" || $0.kind == .namespace })
    }

    @Test("single model: one Service and one Deployment, no orchestrator")
    func singleModel() throws {
        let set = ManifestGenerator(options: ManifestOptions()).generateSingle(
            image: "hub.cc-asp.fraunhofer.de/ai4media-public/named-entity-recognition-flair:1.0.0", name: "NER_Flair")
        #expect(set.manifests.map(\.fileName) == ["service.yaml", "deployment.yaml"])
        #expect(set.manifests.map(\.name) == ["ner-flair", "ner-flair"])
        try Golden.assertMatches(try set.yamlStream(), golden: "single-model/manifests.yaml")
    }
}

@Suite("Converting blueprints from Eclipse Graphene and AI-Effect")
struct SuccessorPlatformManifestTests {
    static let files = [
        "graphene-kafka-node132", "graphene-serial-live-rest", "aieffect-germany-node", "aieffect-portugal-node-sidecar",
        "aieffect-delft-synth-powergrid", "aieffect-delft-synth-benchmark", "aieffect-dutch-node-benchmarking",
    ]

    @Test("each converts: one Deployment and one Service per node plus the orchestrator, every name in dockerinfo", arguments: files)
    func converts(name: String) throws {
        let data = try Data(contentsOf: Fixtures.blueprint(name + ".json"))
        let raw = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["nodes"] as? [[String: Any]])
        let loaded = try GoldenManifestTests.load(name)
        let options = ManifestOptions()
        let manifests = ManifestGenerator(options: options).generate(loaded.graph)
        #expect(manifests.manifests.filter { $0.kind == .deployment }.count == raw.count + 1)
        #expect(manifests.manifests.filter { $0.kind == .service }.count == raw.count + 1)
        let bundle = try SolutionBundle.pipeline(loaded, manifests: manifests, options: options, protos: ProtoCollection())
        let dockerinfo = try #require(bundle.file("dockerinfo.json")).text
        for node in raw {
            let container = try #require(node["container_name"] as? String)
            #expect(dockerinfo.contains("\"container_name\": \"\(container)\""), "\(container)")
        }
        // The cleaned blueprint keeps the node types as written, DataSink and REST included.
        let cleaned = try #require(bundle.file("blueprint.json")).text
        for type in Set(raw.compactMap { $0["node_type"] as? String }) { #expect(cleaned.contains("\"\(type)\"")) }
    }

    @Test("a DataSource is labelled as the data source component; a DataSink is a model")
    func components() throws {
        let manifests = ManifestGenerator(options: ManifestOptions()).generate(try GoldenManifestTests.load("aieffect-portugal-node-sidecar").graph)
        func component(_ name: String) -> YAMLNode? {
            manifests.manifests.first { $0.kind == .deployment && $0.name == name }?.object["metadata"]?["labels"]?["app.kubernetes.io/component"]
        }
        #expect(component("data-loader1") == "data-source")
        #expect(component("data-generator1") == "model")
    }
}

@Suite("Fidelity to the AI4EU / Graphene deployer")
struct FidelityTests {
    static let reference = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/ai4eu-output/graphene-raw-deployer-output")

    @Test("dockerinfo.json holds what the Graphene deployer wrote for the same blueprint")
    func dockerInfo() throws {
        let loaded = try GoldenManifestTests.load("graphene-v2-houseprice-Moctader")
        let options = ManifestOptions()
        let bundle = try SolutionBundle.pipeline(loaded, manifests: ManifestGenerator(options: options).generate(loaded.graph),
                                                 options: options, protos: ProtoCollection())
        let ours = try JSONParser().parse(try #require(bundle.file("dockerinfo.json")).text).root
        let theirs = try JSONParser().parse(try Fixtures.text(Self.reference.appendingPathComponent("dockerinfo.json"))).root
        #expect(ours == theirs)
    }

    @Test("every field of the Graphene deployer's objects is present with the same value", arguments: [
        "hppdatabroker1_deployment.yaml", "hppdatabroker1_service.yaml", "hppmodel1_deployment.yaml", "hppmodel1_service.yaml",
    ])
    func objects(file: String) throws {
        let loaded = try GoldenManifestTests.load("graphene-v2-houseprice-Moctader")
        let set = ManifestGenerator(options: ManifestOptions()).generate(loaded.graph)
        let ours = try #require(set.manifests.first { $0.fileName == file }).object
        let theirs = try YAMLParser().parseSingle(try Fixtures.text(Self.reference.appendingPathComponent("deployments/\(file)"))).root
        #expect(Self.missing(theirs, in: ours, path: "") == [])
    }

    /// Paths where `expected` has a value that `actual` lacks or differs from (lists of named
    /// items are matched by name).
    static func missing(_ expected: YAMLNode, in actual: YAMLNode, path: String) -> [String] {
        switch (expected, actual) {
        case (.mapping(let e), .mapping(let a)):
            return e.flatMap { entry in
                a[entry.key].map { missing(entry.value, in: $0, path: YAMLPath.key(path, entry.key)) } ?? [YAMLPath.key(path, entry.key)]
            }
        case (.sequence(let e), .sequence(let a)):
            return e.enumerated().flatMap { i, item in
                let byName: YAMLNode? = item["name"].flatMap { name in a.first { $0["name"] == name } }
                let byIndex: YAMLNode? = i < a.count ? a[i] : nil
                guard let match = byName ?? byIndex else { return [YAMLPath.index(path, i)] }
                return missing(item, in: match, path: YAMLPath.index(path, i))
            }
        default:
            return expected == actual ? [] : [path]
        }
    }
}
