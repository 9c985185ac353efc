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
///
/// Besides the Design Studio types, `DataSource` comes from the platforms that followed AI4EU
/// (Eclipse Graphene, AI-Effect): an entry node that produces data and needs no input message.
/// Any other type (`DataSink`, `REST`, …) is kept as ``other(_:)`` and, when the node has an
/// image, deployed like a model.
public enum NodeType: Sendable, Hashable, Codable, CustomStringConvertible {
    case mlModel
    /// A model node too (the Acumos data broker); kubeprint keeps its name, unlike the
    /// original deployer that renamed every broker to "databroker".
    case dataBroker
    /// An entry node of the pipeline that produces data (Graphene / AI-Effect); deployed like a model.
    case dataSource
    case sharedFolder
    case splitter
    case collator
    case probe
    /// A type kubeprint does not know, as written in the blueprint.
    case other(String)

    /// Every type kubeprint knows, in the order they are listed to users.
    public static let known: [NodeType] = [.mlModel, .dataBroker, .dataSource, .sharedFolder, .splitter, .collator, .probe]

    /// The type named by `text`: a known type (matched exactly, else ignoring case), else ``other(_:)``.
    public init(_ text: String) {
        self = Self.known.first { $0.rawValue == text }
            ?? Self.known.first { $0.rawValue.lowercased() == text.lowercased() }
            ?? .other(text)
    }

    /// The `node_type` string.
    public var rawValue: String {
        switch self {
        case .mlModel: "MLModel"
        case .dataBroker: "DataBroker"
        case .dataSource: "DataSource"
        case .sharedFolder: "SharedFolder"
        case .splitter: "Splitter"
        case .collator: "Collator"
        case .probe: "Probe"
        case .other(let text): text
        }
    }

    public var description: String { rawValue }

    public var isKnown: Bool {
        if case .other = self { return false }
        return true
    }

    /// Whether a node of this type becomes a Deployment and a Service (an unknown type only
    /// when its node has an image, see ``BlueprintNode/isDeployable``).
    public var isDeployable: Bool {
        switch self {
        case .mlModel, .dataBroker, .dataSource, .other: true
        case .sharedFolder, .splitter, .collator, .probe: false
        }
    }

    /// Legacy Design Studio node types, kept in the graph but never deployed.
    public var isLegacy: Bool { self == .splitter || self == .collator || self == .probe }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension BlueprintNode {
    /// Whether `image` names an image at all: an empty or all-white-space value counts as none.
    /// The loader's warning and ``isDeployable`` both decide by this, so they always agree.
    public static func hasImage(_ image: String) -> Bool { !image.allSatisfy(\.isWhitespace) }

    /// Whether the node has an image (see ``hasImage(_:)``).
    public var hasImage: Bool { Self.hasImage(image) }

    /// Whether the node becomes a Deployment and a Service: every model-like type, and a node
    /// of an unknown type that has an image.
    public var isDeployable: Bool { nodeType.isDeployable && (nodeType.isKnown || hasImage) }

    /// Kept in the pipeline graph but not deployed: legacy types, and unknown types without an image.
    public var isKeptOnly: Bool { nodeType.isLegacy || (!nodeType.isKnown && !hasImage) }
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
