import Blueprint
import Foundation
import ZIPFoundation

/// The files of a solution: what `kubeprint convert` writes to a folder and into `solution.zip`.
///
/// Layout (AI4EU compatible):
/// ```
/// deployments/<name>_deployment.yaml, <name>_service.yaml, pvc-<folder>.yaml, namespace.yaml
/// blueprint.json        the blueprint for the orchestrator (shared folders removed)
/// dockerinfo.json       {"docker_info_list": [{container_name, ip_address, port}]}
/// microservice/<name>.proto
/// deploy.sh             sh + kubectl deploy script
/// README.txt
/// ```
public struct SolutionBundle: Sendable {
    public struct File: Sendable, Hashable {
        public var path: String
        public var contents: Data
        public var isExecutable: Bool

        public init(path: String, contents: Data, isExecutable: Bool = false) {
            self.path = path
            self.contents = contents
            self.isExecutable = isExecutable
        }

        public var text: String { String(decoding: contents, as: UTF8.self) }
    }

    /// Files sorted by path.
    public private(set) var files: [File]

    public init(files: [File]) {
        self.files = files.sorted { $0.path < $1.path }
    }

    public func file(_ path: String) -> File? { files.first { $0.path == path } }

    public static let zipName = "solution.zip"
    /// DOS timestamps start in 1980; every entry gets this fixed time so zips are reproducible.
    static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    /// The bundle of a pipeline.
    public static func pipeline(_ loaded: LoadedBlueprint, manifests: ManifestSet, options: ManifestOptions,
                                protos: ProtoCollection) throws -> SolutionBundle
    {
        var files = try manifestFiles(manifests)
        let blueprintJSON = JSONWriter().write(loaded.blueprint.orchestratorDocument())
        files.append(File(path: "blueprint.json", contents: Data(blueprintJSON.utf8)))
        files.append(File(path: "dockerinfo.json", contents: Data(dockerInfo(loaded.graph).utf8)))
        for (name, data) in protos.protos.sorted(by: { $0.key < $1.key }) {
            files.append(File(path: "microservice/\(name).proto", contents: data))
        }
        files.append(File(path: "deploy.sh", contents: Data(DeployScript.text.utf8), isExecutable: true))
        files.append(File(path: "README.txt", contents: Data(readme(graph: loaded.graph, options: options,
                                                                    hasProtos: !protos.protos.isEmpty).utf8)))
        return SolutionBundle(files: files)
    }

    /// The bundle of a single model (no blueprint, no orchestrator).
    public static func singleModel(name: String, image: String, manifests: ManifestSet, options: ManifestOptions) throws -> SolutionBundle {
        var files = try manifestFiles(manifests)
        files.append(File(path: "modelname.txt", contents: Data((name + "\n").utf8)))
        files.append(File(path: "deploy.sh", contents: Data(DeployScript.text.utf8), isExecutable: true))
        let model = SingleModel(name: name, image: image, files: files.map(\.path).filter { $0.hasPrefix("deployments/") })
        files.append(File(path: "README.txt", contents: Data(readme(graph: nil, single: model, options: options).utf8)))
        return SolutionBundle(files: files)
    }

    struct SingleModel {
        var name: String
        var image: String
        var files: [String]
    }

    /// The command that deploys a written solution: with a namespace in the manifests the
    /// script must use that namespace (kubectl refuses objects of another one).
    public static func deployCommand(script: String, namespace: String?) -> String {
        if let namespace { return "\(script) -n \(namespace)" }
        return "\(script) -n <namespace> --create-namespace"
    }

    static func manifestFiles(_ manifests: ManifestSet) throws -> [File] {
        try manifests.manifests.map { File(path: "deployments/" + $0.fileName, contents: Data(try ManifestSet.yaml(of: $0).utf8)) }
    }

    /// dockerinfo.json: original container names (the orchestrator looks nodes up by them),
    /// the Service name as address, one entry per line so `deploy.sh` can update ports with sed.
    static func dockerInfo(_ graph: PipelineGraph) -> String {
        let entries: [JSONValue] = graph.deployableNodes.map { node in
            let port = node.role == .orchestrator ? ManifestOptions.orchestratorPort : ManifestOptions.servicePort
            return .object(JSONObject([
                "container_name": .string(node.containerName),
                "ip_address": .string(node.kubernetesName),
                "port": .string(String(port)),
            ]))
        }
        return JSONWriter(pretty: true, inlineDepth: 2).write(.object(JSONObject(["docker_info_list": .array(entries)])))
    }

    static func readme(graph: PipelineGraph?, single: SingleModel? = nil, options: ManifestOptions, hasProtos: Bool = false) -> String {
        var lines = ["This solution was generated by kubeprint.", ""]
        if let graph {
            lines.append("Pipeline: \(graph.name)")
            lines.append("Models: " + graph.deployableNodes.filter { $0.role == .model }.map(\.containerName).joined(separator: ", "))
            if !graph.sharedFolders.isEmpty {
                lines.append("Shared folders: " + graph.sharedFolders.map { "\($0.path) (claim \($0.kubernetesName))" }.joined(separator: ", "))
            }
            lines.append("")
        }
        if let single {
            lines += [
                "Model: \(single.name) (image \(single.image)), deployed on its own (no pipeline).",
                "",
                "Files:",
            ]
            lines += single.files.map { "    \($0)" }
            lines += [
                "    modelname.txt           the model's name",
                "    deploy.sh               the deploy script",
                "    solution.zip            all of the above in one archive",
                "",
            ]
        }
        let namespaceFlag = options.namespace.map { "-n \($0)" } ?? "-n my-namespace"
        let deploy = options.namespace.map { "./deploy.sh -n \($0)" } ?? "./deploy.sh -n my-namespace --create-namespace"
        lines += [
            "Deploy with kubectl (a kubeconfig for the target cluster is needed):",
            "",
            "    \(deploy)",
            "",
        ]
        if options.namespace != nil {
            lines += [
                "The manifests name the namespace \(options.namespace ?? "") (deployments/namespace.yaml creates it);",
                "kubectl refuses to apply them to another namespace.",
                "",
            ]
        }
        if single == nil {
            lines += [
                "deploy.sh applies deployments/ in order (Namespace, PersistentVolumeClaims, Services,",
                "Deployments), waits for every rollout, writes the NodePorts Kubernetes assigned into",
                "dockerinfo.json and prints the orchestrator's address. Run ./deploy.sh --help for options.",
            ]
        } else {
            lines += [
                "deploy.sh applies deployments/ (Service, then Deployment) and waits for the rollout.",
                "Run ./deploy.sh --help for options.",
            ]
        }
        lines += [
            "",
            "Or apply the manifests yourself:",
            "",
            "    kubectl apply \(namespaceFlag) -f deployments/",
            "",
            "Services are of type \(options.serviceType.rawValue).",
        ]
        if graph != nil {
            lines += [
                "blueprint.json and dockerinfo.json are what the orchestrator needs to run the pipeline;",
                hasProtos ? "microservice/ holds the models' protobuf definitions that were found."
                    : "kubeprint convert --protos DIR adds the models' protobuf definitions in microservice/.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The zip archive of all files: entries sorted, fixed timestamps, deflate; same bytes for
    /// the same files.
    public func zipData() throws -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for file in files {
                let contents = file.contents
                try archive.addEntry(
                    with: file.path, type: .file, uncompressedSize: Int64(contents.count),
                    modificationDate: Self.fixedDate, permissions: file.isExecutable ? 0o755 : 0o644,
                    compressionMethod: .deflate,
                    provider: { position, size in
                        contents.subdata(in: Int(position)..<Int(position) + size)
                    })
            }
            guard let data = archive.data else { throw ManifestError(.output, "the zip archive has no data") }
            return data
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError(.output, "cannot build \(Self.zipName): \(error)")
        }
    }

    /// Creates a new file with plain POSIX calls. (Foundation's `Data.write` syncs every file
    /// to disk, which made writing a large solution ten times slower; the staging folder is
    /// moved into place only after everything was written, so nothing half-written is seen.)
    static func createFile(_ path: String, contents: Data, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ManifestError(.output, "cannot create '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try contents.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ManifestError(.output, "cannot write '\(path)': \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        // The umask may have narrowed the mode; the script must stay executable.
        if mode & 0o111 != 0 { fchmod(fd, mode) }
    }

    /// The file in every solution folder that marks it as written by kubeprint, so that
    /// `--force` can tell kubeprint's folders from anyone else's. It is not part of the zip.
    public static let markerName = ".kubeprint-solution"
    static let markerText = """
        This folder was written by kubeprint convert. `kubeprint convert --force` may replace it
        as a whole, as long as it holds nothing but what kubeprint writes.

        """

    /// Top-level entries a solution folder may hold: what kubeprint writes, and the
    /// temporary files of an interrupted `deploy.sh`.
    static let ownTopLevel: Set<String> = [
        markerName, zipName, "blueprint.json", "dockerinfo.json", "deploy.sh", "README.txt", "modelname.txt",
        "dockerinfo.json.tmp", "dockerinfo.json.tmp.next",
    ]
    static let ownFolders: [String: String] = ["deployments": ".yaml", "microservice": ".proto"]

    /// The entries of an existing folder that kubeprint's solution writer did not write
    /// (paths relative to the folder). Without the marker (or, for folders written before
    /// it existed, kubeprint's README.txt) everything counts as foreign. A folder (or one of
    /// its `deployments`, `microservice` folders) that cannot be listed throws
    /// ``OutputPaths/UnlistableFolder``: it is never taken for an empty one.
    public static func foreignEntries(in folder: String, access: OutputPaths.FolderAccess = .system) throws -> [String] {
        try foreignEntries(in: folder, entries: OutputPaths.list(folder, access: access), access: access)
    }

    static func foreignEntries(in folder: String, entries: [String], access: OutputPaths.FolderAccess) throws -> [String] {
        let fm = FileManager.default
        guard !entries.isEmpty else { return [] }
        let root = URL(fileURLWithPath: folder)
        let marked = fm.fileExists(atPath: root.appendingPathComponent(markerName).path)
            || ((try? String(contentsOf: root.appendingPathComponent("README.txt"), encoding: .utf8))?
                .hasPrefix("This solution was generated by kubeprint.") ?? false)
        guard marked else { return entries }
        var foreign: [String] = []
        for entry in entries {
            let url = root.appendingPathComponent(entry)
            let kind = OutputPaths.kind(of: url.path)
            if let suffix = ownFolders[entry], kind == .folder {
                let inner = try OutputPaths.list(url.path, access: access)
                foreign += inner.filter { !$0.hasSuffix(suffix) || OutputPaths.kind(of: url.appendingPathComponent($0).path) != .file }
                    .map { entry + "/" + $0 }
            } else if !(ownTopLevel.contains(entry) && kind == .file) {
                foreign.append(entry)
            }
        }
        return foreign
    }

    /// Checks that `directory` may receive a solution, before anything is computed: see
    /// ``write(to:overwrite:inputs:zip:)``.
    public static func checkTarget(_ directory: String, overwrite: Bool, inputs: [String] = [],
                                   access: OutputPaths.FolderAccess = .system) throws
    {
        var holdsEntries = false
        try OutputPaths.checkFolder(directory, option: "--output", inputs: inputs) { folder in
            let entries = try OutputPaths.list(folder, access: access)
            holdsEntries = !entries.isEmpty
            return try foreignEntries(in: folder, entries: entries, access: access)
        }
        if holdsEntries, !overwrite {
            throw ManifestError(.output, "output folder '\(directory)' already exists and holds an earlier solution",
                                hint: "pass --force to replace it, or choose another --output path")
        }
    }

    /// Writes the files and `solution.zip` into `directory`, all or nothing.
    ///
    /// Everything is written to a hidden sibling folder first and moved into place with one
    /// rename, so a failure never leaves a half-written folder. An existing non-empty folder
    /// is replaced only when `overwrite` is set and kubeprint wrote everything in it (it holds
    /// the marker file and nothing but a solution's files); a folder holding any of `inputs`,
    /// or the current folder, is never replaced. `zip` is this bundle's ``zipData()`` when
    /// the caller already has it.
    ///
    /// Returns warnings: a replaced solution that could not be removed afterwards is left in a
    /// hidden sibling folder, and the warning names it.
    @discardableResult
    public func write(to directory: String, overwrite: Bool, inputs: [String] = [], zip: Data? = nil,
                      access: OutputPaths.FolderAccess = .system) throws -> [String]
    {
        try Self.checkTarget(directory, overwrite: overwrite, inputs: inputs, access: access)
        let fm = FileManager.default
        // A symbolic link to a folder keeps pointing where it did: its target is replaced.
        let target = URL(fileURLWithPath: OutputPaths.canonical(directory))
        let parent = target.deletingLastPathComponent()
        let exists = OutputPaths.kind(of: target.path) == .folder
        var warnings: [String] = []
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw ManifestError(.output, "cannot create the folder '\(parent.path)': \(OutputPaths.describe(error))",
                                hint: "check the --output path and its permissions")
        }
        let staging = URL(fileURLWithPath: OutputPaths.temporarySibling(of: target.path))
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Self.createFile(url.path, contents: file.contents, mode: file.isExecutable ? 0o755 : 0o644)
            }
            try Self.createFile(staging.appendingPathComponent(Self.zipName).path, contents: zip ?? zipData(), mode: 0o644)
            try Self.createFile(staging.appendingPathComponent(Self.markerName).path, contents: Data(Self.markerText.utf8), mode: 0o644)
            if exists {
                let old = URL(fileURLWithPath: OutputPaths.temporarySibling(of: target.path, tag: "old"))
                try fm.moveItem(at: target, to: old)
                do {
                    try fm.moveItem(at: staging, to: target)
                } catch {
                    do {
                        try fm.moveItem(at: old, to: target)
                    } catch let restoreError {
                        throw ManifestError(.output, "cannot write '\(directory)': \(OutputPaths.describe(error)); the earlier solution could not be put back (\(OutputPaths.describe(restoreError))) and is in '\(old.path)'",
                                            hint: "move it back yourself: mv '\(old.path)' '\(target.path)'")
                    }
                    throw error
                }
                do {
                    try access.remove(old.path)
                } catch {
                    warnings.append("the replaced solution could not be removed (\(OutputPaths.describe(error))) and is left in '\(old.path)'; remove it yourself: rm -rf '\(old.path)'")
                }
            } else {
                try fm.moveItem(at: staging, to: target)
            }
        } catch {
            try? fm.removeItem(at: staging)
            if let error = error as? ManifestError { throw error }
            throw ManifestError(.output, "cannot write '\(directory)': \(OutputPaths.describe(error))",
                                hint: "check the --output path, its permissions and the free space")
        }
        return warnings
    }
}
