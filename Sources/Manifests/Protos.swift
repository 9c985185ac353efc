import Blueprint
import Foundation

/// Finds each model's `.proto` file under a folder given with `--protos`.
///
/// A node's proto is looked up by its `proto_uri` (a relative path, e.g. the Nexus layout
/// `org/acumos/<id>/<name>/<ver>/<name>-<ver>.proto`), then by that path's file name. Paths are
/// resolved inside the folder only: `..`, absolute paths and symbolic links leading out of it
/// are never followed.
public struct ProtoCollection: Sendable {
    /// Proto text by node Kubernetes name.
    public var protos: [String: Data]
    /// Nodes whose proto was not found, with the reason.
    public var missing: [(node: String, reason: String)]

    public init(protos: [String: Data] = [:], missing: [(node: String, reason: String)] = []) {
        self.protos = protos
        self.missing = missing
    }

    public static func collect(for graph: PipelineGraph, from directory: String) throws -> ProtoCollection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ManifestError(.protos, "protos folder '\(directory)' does not exist", hint: "pass the folder holding the models' .proto files")
        }
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        var result = ProtoCollection()
        for node in graph.nodes where node.role == .model {
            guard let uri = node.protoURI, !uri.isEmpty else {
                result.missing.append((node.containerName, "the node has no proto_uri"))
                continue
            }
            let components = uri.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
            if components.contains("..") {
                result.missing.append((node.containerName, "proto_uri '\(uri)' contains '..' and is not followed"))
                continue
            }
            var candidates = [components.joined(separator: "/")]
            if let last = components.last, components.count > 1 { candidates.append(last) }
            var found: Data?
            for candidate in candidates {
                let url = root.appendingPathComponent(candidate).standardizedFileURL.resolvingSymlinksInPath()
                guard url.path.hasPrefix(root.path + "/") else { continue }
                if let data = try? Data(contentsOf: url) {
                    found = data
                    break
                }
            }
            if let found {
                result.protos[node.kubernetesName] = found
            } else {
                result.missing.append((node.containerName, "no file '\(candidates.joined(separator: "' or '"))' under \(directory)"))
            }
        }
        return result
    }
}
