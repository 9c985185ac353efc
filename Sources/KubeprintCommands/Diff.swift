import ArgumentParser
import Blueprint
import Foundation
import Manifests

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change does to the cluster: objects added and removed, and the fields that changed.",
        discussion: """
            OLD and NEW are each a blueprint.json, a solution folder (its deployments/*.yaml) \
            or a solution.zip, in any mix; blueprints are converted in memory with the default \
            options. Objects are matched by kind and name; list items that are mappings with a \
            name (containers, ports, env) are matched by name, other list items by position.

            Output, by kind, name and field path:
              + Deployment new-model
              - Service old-model
              ~ Deployment web: spec.template.spec.containers[name=web].image: web:1 → web:2
            A field one side lacks shows as (none). Exits 0 when both are the same, 1 when \
            they differ (like diff), 2 when an input cannot be read.

            Examples:
              kubeprint diff deploy/ blueprint.json
              kubeprint diff old/solution.zip new/solution.zip --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: ArgumentHelp("The state before: a blueprint.json, a solution folder or a solution.zip.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The state after: a blueprint.json, a solution folder or a solution.zip.", valueName: "new"))
    var new: String

    @Option(help: "Output format: text for people and pull-request comments, json for scripts.")
    var format: Format = .text

    init() {}

    func run() async throws {
        let diff: ManifestDiff
        do {
            diff = try ManifestDiff(old: ManifestInput.objects(at: old), new: ManifestInput.objects(at: new))
        } catch {
            // Differences exit 1; a failure must be told apart from them.
            guard let message = ErrorReport.message(for: error) else { throw error }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            throw ExitCode(2)
        }
        let console = Console()
        switch format {
        case .text: console.out(diff.text, terminator: "")
        case .json: console.out(JSONWriter(pretty: true).write(diff.json(old: old, new: new)), terminator: "")
        }
        if !diff.isEmpty { throw ExitCode(1) }
    }
}

/// The Kubernetes objects of what `kubeprint diff` compares.
enum ManifestInput {
    /// The objects of a solution folder, a solution.zip or a blueprint (converted with the
    /// default options).
    static func objects(at path: String) throws -> [ManifestObject] {
        switch OutputPaths.kind(of: path) {
        case .missing:
            throw CommandFailure("'\(path)' does not exist", hint: "give a blueprint.json, a solution folder or a solution.zip")
        case .folder:
            return try folderObjects(path)
        case .file:
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("cannot read '\(path)': \(OutputPaths.describe(error))", hint: "check the path and its permissions")
            }
            if path.lowercased().hasSuffix(".zip") || data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
                return try zipObjects(data, path: path)
            }
            return try blueprintObjects(path)
        }
    }

    static func folderObjects(_ path: String) throws -> [ManifestObject] {
        let folder = URL(fileURLWithPath: path).appendingPathComponent("deployments")
        guard OutputPaths.kind(of: folder.path) == .folder else {
            throw CommandFailure("'\(path)' has no deployments/ folder, so it is not a solution folder",
                                 hint: "give the folder kubeprint convert wrote, a solution.zip or a blueprint.json")
        }
        let names = try OutputPaths.list(folder.path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        var objects: [ManifestObject] = []
        for name in names {
            let file = folder.appendingPathComponent(name)
            guard OutputPaths.kind(of: file.path) == .file else { continue }
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read '\(file.path)': \(OutputPaths.describe(error))", hint: "manifests are UTF-8 YAML files")
            }
            objects += try ManifestObject.objects(fromYAML: text, source: (path as NSString).appendingPathComponent("deployments/" + name))
        }
        return objects
    }

    static func zipObjects(_ data: Data, path: String) throws -> [ManifestObject] {
        let archive: SolutionArchive
        do {
            archive = try SolutionArchive.read(data)
        } catch {
            throw CommandFailure("'\(path)' is not a readable solution archive: \(error.message)")
        }
        guard !archive.manifests.isEmpty else {
            throw CommandFailure("'\(path)' holds no deployments/*.yaml", hint: "give a solution.zip kubeprint convert wrote")
        }
        return try archive.manifests.flatMap { entry in
            try ManifestObject.objects(fromYAML: entry.text, source: "\(path):\(entry.path)")
        }
    }

    static func blueprintObjects(_ path: String) throws -> [ManifestObject] {
        let loaded: LoadedBlueprint
        do {
            loaded = try BlueprintLoader.load(contentsOf: path)
        } catch let error as BlueprintError {
            // Each diagnostic keeps its own `error:` tag; the failure sums them up.
            FileHandle.standardError.write(Data(error.errors.map { $0.description + "\n" }.joined().utf8))
            let count = error.errors.count
            throw CommandFailure("'\(path)' has \(count) error\(count == 1 ? "" : "s"), so it cannot be compared",
                                 hint: "kubeprint validate \(ShellWord.quoted(path)) lists them")
        }
        return try ManifestObject.objects(of: ManifestGenerator(options: ManifestOptions()).generate(loaded.graph))
    }
}
