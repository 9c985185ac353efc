/// A decoded AI4EU / Acumos / Graphene `blueprint.json`.
///
/// Both formats are read: the Design Studio format (`name`, `version`, `input_ports`, `nodes`,
/// `probeIndicator`) and Graphene's `pipeline-topology/v2` (`pipeline_id`, `creation_date`,
/// `type`). The whole document is kept in ``document`` so that fields this model does not know
/// survive into the cleaned blueprint shipped to the orchestrator.
public struct Blueprint: Sendable {
    public enum Format: String, Sendable, Codable {
        case designStudio = "design-studio"
        case topologyV2 = "pipeline-topology/v2"
    }

    public var name: String?
    public var version: String?
    public var format: Format
    public var pipelineID: String?
    public var creationDate: String?
    public var inputPorts: [PortReference]
    public var nodes: [BlueprintNode]
    /// `probeIndicator` (or the misspelt `probeIndocator`) said "true".
    public var wantsProbe: Bool
    /// The document as read, unknown fields included.
    public var document: JSONValue
}

/// One entry of `nodes`.
public struct BlueprintNode: Sendable, Hashable {
    public var containerName: String
    public var nodeType: NodeType
    public var image: String
    public var protoURI: String?
    public var operations: [Operation]
    /// Position in the blueprint's `nodes` array.
    public var index: Int

    public var path: String { "nodes[\(index)]" }
}

/// The kinds of node a blueprint can hold.
public enum NodeType: String, Sendable, Codable, CaseIterable {
    case mlModel = "MLModel"
    /// A model node too (the Acumos data broker); kubeprint keeps its name, unlike the
    /// original deployer that renamed every broker to "databroker".
    case dataBroker = "DataBroker"
    case sharedFolder = "SharedFolder"
    case splitter = "Splitter"
    case collator = "Collator"
    case probe = "Probe"

    /// Whether the node becomes a Deployment and a Service.
    public var isDeployable: Bool { self == .mlModel || self == .dataBroker }
    /// Legacy Design Studio node types, kept in the graph but never deployed.
    public var isLegacy: Bool { self == .splitter || self == .collator || self == .probe }
}

/// One operation of a node (`operation_signature_list[i]`) with its outgoing links.
public struct Operation: Sendable, Hashable {
    public var name: String
    public var inputMessage: String?
    public var outputMessage: String?
    public var inputStream: Bool?
    public var outputStream: Bool?
    public var connectedTo: [PortReference]
}

/// A container and one of its operations (`{container_name, operation_signature{operation_name}}`).
public struct PortReference: Sendable, Hashable, Codable {
    public var containerName: String
    public var operationName: String
    public init(containerName: String, operationName: String) {
        self.containerName = containerName
        self.operationName = operationName
    }
}

extension Operation {
    /// Whether this is the operation through which a node receives a shared folder.
    public var isMountVolume: Bool { name.lowercased() == "mountvolume" }
}

extension Blueprint {
    /// The blueprint as the orchestrator needs it: SharedFolder nodes removed, and every
    /// `mountVolume` operation and every link to one removed. Everything else, unknown fields
    /// and container names included, is unchanged.
    public func orchestratorDocument() -> JSONValue {
        guard var top = document.object, let nodes = top["nodes"]?.array else { return document }
        let sharedFolderNames = Set(self.nodes.filter { $0.nodeType == .sharedFolder }.map(\.containerName))
        let kept: [JSONValue] = nodes.compactMap { node in
            guard var object = node.object else { return node }
            if object["node_type"]?.string == NodeType.sharedFolder.rawValue { return nil }
            if let operations = object["operation_signature_list"]?.array {
                let cleaned: [JSONValue] = operations.compactMap { operation in
                    guard var op = operation.object else { return operation }
                    if let name = op["operation_signature"]?["operation_name"]?.string, name.lowercased() == "mountvolume" {
                        return nil
                    }
                    if let links = op["connected_to"]?.array {
                        op["connected_to"] = .array(links.filter { link in
                            let target = link["container_name"]?.string
                            let targetOp = link["operation_signature"]?["operation_name"]?.string
                            return !(targetOp?.lowercased() == "mountvolume" || target.map(sharedFolderNames.contains) == true)
                        })
                    }
                    return .object(op)
                }
                object["operation_signature_list"] = .array(cleaned)
            }
            return .object(object)
        }
        top["nodes"] = .array(kept)
        return .object(top)
    }
}
