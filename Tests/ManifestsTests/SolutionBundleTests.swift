import Blueprint
import Foundation
import Manifests
import Testing
import TestSupport
import ZIPFoundation

@Suite("solution.zip and output folder")
struct SolutionBundleTests {
    static func bundle(_ name: String = "news-training-sharedfolder", protos: ProtoCollection = ProtoCollection()) throws -> SolutionBundle {
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint(name + ".json").path)
        let options = ManifestOptions()
        return try SolutionBundle.pipeline(loaded, manifests: ManifestGenerator(options: options).generate(loaded.graph),
                                           options: options, protos: protos)
    }

    @Test("the AI4EU layout")
    func layout() throws {
        let paths = try Self.bundle().files.map(\.path)
        #expect(paths == [
            "README.txt", "blueprint.json", "deploy.sh",
            "deployments/news-classifier1_deployment.yaml", "deployments/news-classifier1_service.yaml",
            "deployments/newstrainer1_deployment.yaml", "deployments/newstrainer1_service.yaml",
            "deployments/orchestrator_deployment.yaml", "deployments/orchestrator_service.yaml",
            "deployments/pvc-data-shared.yaml",
            "deployments/tensorboard1_deployment.yaml", "deployments/tensorboard1_service.yaml",
            "dockerinfo.json",
        ])
    }

    @Test("the zip is byte-for-byte reproducible and holds the same files")
    func deterministicZip() throws {
        let a = try Self.bundle().zipData()
        let b = try Self.bundle().zipData()
        #expect(a == b)
        let archive = try Archive(data: a, accessMode: .read)
        let entries = Array(archive)
        #expect(entries.map(\.path) == (try Self.bundle()).files.map(\.path))
        for entry in entries {
            #expect(!entry.path.hasPrefix("/") && !entry.path.split(separator: "/").contains(".."))
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            #expect(data == (try Self.bundle()).file(entry.path)?.contents)
        }
        let script = try #require(entries.first { $0.path == "deploy.sh" })
        #expect(script.fileAttributes[.posixPermissions] as? Int16 == 0o755)
    }

    @Test("the shipped deploy script is scripts/deploy.sh")
    func deployScript() throws {
        let shipped = try #require(try Self.bundle().file("deploy.sh")).text
        #expect(shipped == (try Fixtures.text(Fixtures.packageRoot.appendingPathComponent("scripts/deploy.sh"))),
                "run scripts/sync-deploy-script.sh after editing scripts/deploy.sh")
    }

    @Test("writing replaces nothing without overwrite, and replaces everything with it")
    func atomicWrite() throws {
        let root = try Fixtures.temporaryDirectory()
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "keep".write(to: out.appendingPathComponent("mine.txt"), atomically: true, encoding: .utf8)
        let bundle = try Self.bundle()
        #expect(throws: ManifestError.self) { try bundle.write(to: out.path, overwrite: false) }
        #expect(try Fixtures.text(out.appendingPathComponent("mine.txt")) == "keep")
        try bundle.write(to: out.path, overwrite: true)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("mine.txt").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("solution.zip").path))
        // No staging folders are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["out"])
    }

    @Test("writing into a path under a file fails cleanly")
    func unwritable() throws {
        let root = try Fixtures.temporaryDirectory()
        try "x".write(to: root.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        #expect(throws: ManifestError.self) { try Self.bundle().write(to: root.appendingPathComponent("file/out").path, overwrite: false) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["file"])
    }

    @Test("protos are found by proto_uri or file name, never outside the folder")
    func protos() throws {
        let dir = try Fixtures.temporaryDirectory()
        let nested = dir.appendingPathComponent("org/acumos/99a477a3-99ef-4ca9-a1e2-b21d520d554f/tensorboard/1.0.0")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "syntax = \"proto3\";\n".write(to: nested.appendingPathComponent("tensorboard-1.0.0.proto"), atomically: true, encoding: .utf8)
        try "// news trainer\n".write(to: dir.appendingPathComponent("newstrainer-1.0.0.proto"), atomically: true, encoding: .utf8)
        let loaded = try BlueprintLoader.load(contentsOf: Fixtures.blueprint("news-training-sharedfolder.json").path)
        var graph = loaded.graph
        // A hostile proto_uri must not read outside the folder.
        if let i = graph.nodes.firstIndex(where: { $0.containerName == "news-classifier1" }) {
            graph.nodes[i].protoURI = "../../../../etc/passwd"
        }
        let protos = try ProtoCollection.collect(for: graph, from: dir.path)
        #expect(protos.protos.keys.sorted() == ["newstrainer1", "tensorboard1"])
        #expect(protos.missing.map(\.node) == ["news-classifier1"])
        let bundle = try Self.bundle(protos: protos)
        #expect(bundle.file("microservice/tensorboard1.proto")?.text == "syntax = \"proto3\";\n")
    }
}
