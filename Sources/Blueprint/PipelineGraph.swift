/// The validated pipeline a blueprint describes: what to deploy and how data flows.
///
/// Built by ``BlueprintLoader``; every name in it is known to exist, every Kubernetes name is
/// valid and unique, and the orchestrator has been added.
public struct PipelineGraph: Sendable, Hashable {
    /// The pipeline's name (blueprint `name`, or "pipeline" when it has none).
    public var name: String
    /// Nodes in blueprint order, shared folders excluded, the orchestrator last.
    public var nodes: [PipelineNode]
    /// Data links between operations (`connected_to`), shared-folder links excluded.
    public var edges: [PipelineEdge]
    public var sharedFolders: [SharedFolder]
    /// Where requests enter: `input_ports` when the blueprint lists them, else nodes with no
    /// incoming link, else (a fully cyclic graph) nodes with an operation taking `Empty`. A
    /// `DataSource` node that no link reaches is always an entry; in a fully cyclic graph every
    /// `DataSource` is.
    public var entryNodes: [String]

    public init(name: String, nodes: [PipelineNode], edges: [PipelineEdge], sharedFolders: [SharedFolder], entryNodes: [String]) {
        self.name = name
        self.nodes = nodes
        self.edges = edges
        self.sharedFolders = sharedFolders
        self.entryNodes = entryNodes
    }

    /// Nodes that become a Deployment and a Service, orchestrator included.
    public var deployableNodes: [PipelineNode] { nodes.filter { $0.role != .legacy } }

    public var orchestrator: PipelineNode? { nodes.first { $0.role == .orchestrator } }

    public func node(named containerName: String) -> PipelineNode? {
        nodes.first { $0.containerName == containerName }
    }

    /// Container names reached directly from `containerName`.
    public func successors(of containerName: String) -> [String] {
        var seen: Set<String> = []
        return edges.filter { $0.from == containerName }.map(\.to).filter { seen.insert($0).inserted }
    }

    /// Whether following links can lead back to where it started (the sudoku samples do).
    public var hasCycles: Bool {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        func visit(_ n: String) -> Bool {
            if state[n] == 1 { return true }
            if state[n] == 2 { return false }
            state[n] = 1
            for next in successors(of: n) where visit(next) { return true }
            state[n] = 2
            return false
        }
        return nodes.contains { visit($0.containerName) }
    }
}

/// A node of the pipeline graph.
public struct PipelineNode: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// A model (or data broker) that is deployed.
        case model
        /// A legacy Splitter / Collator / Probe node, or a node of an unknown type without an
        /// image: kept in the graph, not deployed.
        case legacy
        /// The orchestrator kubeprint adds to every pipeline.
        case orchestrator
    }

    /// The blueprint's `container_name`, unchanged (the orchestrator looks nodes up by it).
    public var containerName: String
    /// The Kubernetes object name derived from it (see ``KubernetesName``).
    public var kubernetesName: String
    public var role: Role
    public var nodeType: NodeType?
    /// The image from the blueprint; `nil` for the orchestrator (its image is a deployment option).
    public var image: String?
    public var protoURI: String?
    public var operations: [Operation]
    /// Container names (paths) of the shared folders mounted into this node.
    public var sharedFolders: [String]

    public static let orchestratorName = "orchestrator"

    public init(containerName: String, kubernetesName: String, role: Role, nodeType: NodeType?, image: String?,
                protoURI: String?, operations: [Operation], sharedFolders: [String])
    {
        self.containerName = containerName
        self.kubernetesName = kubernetesName
        self.role = role
        self.nodeType = nodeType
        self.image = image
        self.protoURI = protoURI
        self.operations = operations
        self.sharedFolders = sharedFolders
    }
}

/// A link from one node's operation output to another node's operation.
public struct PipelineEdge: Sendable, Hashable, Codable {
    public var from: String
    public var fromOperation: String
    public var to: String
    public var toOperation: String

    public init(from: String, fromOperation: String, to: String, toOperation: String) {
        self.from = from
        self.fromOperation = fromOperation
        self.to = to
        self.toOperation = toOperation
    }
}

/// A shared-folder node: a PersistentVolumeClaim mounted into its consumers.
public struct SharedFolder: Sendable, Hashable {
    /// The node's `container_name`, which is the mount path (e.g. `/data/shared`).
    public var path: String
    /// Name of the PersistentVolumeClaim and of the pod volume.
    public var kubernetesName: String
    /// Container names of the nodes whose `mountVolume` operation it connects to.
    public var consumers: [String]

    public init(path: String, kubernetesName: String, consumers: [String]) {
        self.path = path
        self.kubernetesName = kubernetesName
        self.consumers = consumers
    }
}
