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

    @Test("writing replaces nothing without overwrite, and with it only a folder kubeprint wrote")
    func atomicWrite() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("out")
        let bundle = try Self.bundle()
        try bundle.write(to: out.path, overwrite: false)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(SolutionBundle.markerName).path))
        #expect(throws: ManifestError.self) { try bundle.write(to: out.path, overwrite: false) }
        try bundle.write(to: out.path, overwrite: true)  // its own folder: replaced
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("solution.zip").path))
        // A file kubeprint did not write makes the folder the user's: never replaced.
        try "keep".write(to: out.appendingPathComponent("mine.txt"), atomically: true, encoding: .utf8)
        let refused = #expect(throws: ManifestError.self) { try bundle.write(to: out.path, overwrite: true) }
        #expect(refused?.message.contains("'mine.txt'") == true)
        #expect(try Fixtures.text(out.appendingPathComponent("mine.txt")) == "keep")
        // No staging folders are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["out"])
    }

    /// Every file and folder under `folder`, sorted.
    static func tree(_ folder: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
    }

    /// Folder access whose listing of `unlistable` fails as a folder with mode 000 does for a
    /// user other than root. (The tests run as root, where permissions never stop a listing,
    /// so the failure is injected.)
    static func failingList(_ unlistable: String) -> OutputPaths.FolderAccess {
        OutputPaths.FolderAccess(
            list: { path in
                if OutputPaths.canonical(path) == OutputPaths.canonical(unlistable) { throw CocoaError(.fileReadNoPermission) }
                return try FileManager.default.contentsOfDirectory(atPath: path)
            },
            remove: OutputPaths.FolderAccess.system.remove)
    }

    @Test("a folder kubeprint cannot list is never replaced, with overwrite or without", arguments: ["", "deployments"])
    func unlistableFolder(inner: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("out")
        let bundle = try Self.bundle()
        try bundle.write(to: out.path, overwrite: false)
        let before = try Self.tree(out)
        let unlistable = inner.isEmpty ? out.path : out.appendingPathComponent(inner).path
        let access = Self.failingList(unlistable)
        for overwrite in [false, true] {
            let refused = #expect(throws: ManifestError.self) { try bundle.write(to: out.path, overwrite: overwrite, access: access) }
            #expect(refused?.message.contains("'\(unlistable)' cannot be listed (permission denied)") == true, "\(String(describing: refused))")
            #expect(refused?.message.hasPrefix("--output '\(out.path)'") == true, "\(String(describing: refused))")
            #expect(refused?.hint?.contains("chmod u+rx '\(unlistable)'") == true, "\(String(describing: refused?.hint))")
        }
        #expect(try Self.tree(out) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["out"])
    }

    @Test("a replaced solution that cannot be removed is reported as a warning naming where it was left")
    func leftoverOfReplacedSolution() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let out = root.appendingPathComponent("out")
        let bundle = try Self.bundle()
        #expect(try bundle.write(to: out.path, overwrite: false).isEmpty)
        let access = OutputPaths.FolderAccess(list: OutputPaths.FolderAccess.system.list,
                                              remove: { _ in throw CocoaError(.fileWriteNoPermission) })
        let warnings = try bundle.write(to: out.path, overwrite: true, access: access)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0 != "out" }
        #expect(leftovers.count == 1)
        let leftover = try #require(leftovers.first)
        #expect(leftover.hasPrefix(".out.kubeprint-old-"))
        let leftoverPath = OutputPaths.canonical(root.appendingPathComponent(leftover).path)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("'\(leftoverPath)'") == true, "\(warnings)")
        #expect(warnings.first?.contains("permission denied") == true, "\(warnings)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(SolutionBundle.markerName).path))
    }

    @Test("a folder is kubeprint's by its marker or README, and then only with a solution's files", arguments: [
        ([SolutionBundle.markerName, "deploy.sh", "deployments/a_deployment.yaml", "microservice/a.proto"], [String]()),
        (["README.txt", "solution.zip"], [String]()),  // written before the marker existed
        ([SolutionBundle.markerName, "deployments/notes.txt", "data.csv"], ["data.csv", "deployments/notes.txt"]),
        (["deploy.sh", "solution.zip"], ["deploy.sh", "solution.zip"]),  // no marker: not recognised
    ])
    func foreignEntries(files: [String], foreign: [String]) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = file == "README.txt" ? "This solution was generated by kubeprint.\n" : "x"
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try SolutionBundle.foreignEntries(in: root.path) == foreign)
    }

    @Test("writing into a path under a file fails cleanly")
    func unwritable() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        try "x".write(to: root.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        #expect(throws: ManifestError.self) { try Self.bundle().write(to: root.appendingPathComponent("file/out").path, overwrite: false) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["file"])
    }

    @Test("protos are found by proto_uri or file name, never outside the folder")
    func protos() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(dir) }
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
        // README.txt says what microservice/ holds, or, without protos, how to get them.
        #expect(bundle.file("README.txt")?.text.contains("microservice/ holds the models' protobuf definitions") == true)
        let without = try Self.bundle(protos: ProtoCollection())
        #expect(without.file("README.txt")?.text.contains("kubeprint convert --protos DIR adds") == true)
        #expect(without.file("README.txt")?.text.contains("microservice/ holds") == false)
    }
}
