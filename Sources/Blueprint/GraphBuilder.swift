/// Checks names, links, images and shared folders, and builds the ``PipelineGraph``.
struct GraphBuilder {
    let blueprint: Blueprint
    var report: DiagnosticReport

    init(blueprint: Blueprint, report: DiagnosticReport) {
        self.blueprint = blueprint
        self.report = report
    }

    mutating func build() -> PipelineGraph {
        let nodes = blueprint.nodes
        checkDuplicates(nodes)
        var byName: [String: BlueprintNode] = [:]
        for node in nodes where byName[node.containerName] == nil { byName[node.containerName] = node }
        let containerNames = nodes.map(\.containerName)

        var sharedFolders: [SharedFolder] = []
        var mounts: [String: [String]] = [:]
        for node in nodes where node.nodeType == .sharedFolder {
            sharedFolders.append(sharedFolder(node, byName: byName, mounts: &mounts))
        }
        checkKubernetesNames(nodes.filter { $0.nodeType == .sharedFolder }, kind: "shared folder",
                             name: { $0.sharedFolderVolumeName })

        var edges: [PipelineEdge] = []
        var pipelineNodes: [PipelineNode] = []
        for node in nodes where node.nodeType != .sharedFolder {
            if node.nodeType.isLegacy {
                report.add(.warning, .legacyNodeType,
                           "\(node.nodeType.rawValue) nodes are a legacy Design Studio feature; the node is kept in the graph but not deployed",
                           at: JSONPath.key(node.path, "node_type"), node: node.containerName,
                           hint: "current orchestrators connect models directly; remove the node to silence this warning")
            } else if node.isKeptOnly {
                // reported when the node was read (an unknown type without an image)
            } else if !node.image.isEmpty, let problem = ImageReference.problem(in: node.image) {
                report.add(.error, .invalidImage, problem.message, at: JSONPath.key(node.path, "image"), node: node.containerName,
                           hint: problem.suggestion.map { "use \"\($0)\"" } ?? "use the form registry.example.com:5000/team/model:1.0")
            }
            for (o, operation) in node.operations.enumerated() {
                for (l, link) in operation.connectedTo.enumerated() {
                    let linkPath = JSONPath.index(JSONPath.key(JSONPath.index(JSONPath.key(node.path, "operation_signature_list"), o), "connected_to"), l)
                    guard let target = byName[link.containerName] else {
                        report.add(.error, .unknownConnection, "connected_to names unknown container '\(link.containerName)'",
                                   at: JSONPath.key(linkPath, "container_name"), node: node.containerName,
                                   hint: Suggestion.hint(for: link.containerName, among: containerNames, noun: "Containers"))
                        continue
                    }
                    if target.nodeType == .sharedFolder {
                        report.add(.warning, .ignoredLink, "a link into shared folder '\(target.containerName)' means nothing; it is ignored",
                                   at: linkPath, node: node.containerName,
                                   hint: "link the shared folder's provideFolder operation to this node's mountVolume operation instead")
                        continue
                    }
                    checkOperation(link, on: target, at: linkPath, from: node)
                    edges.append(PipelineEdge(from: node.containerName, fromOperation: operation.name,
                                              to: target.containerName, toOperation: link.operationName))
                }
            }
            let role: PipelineNode.Role = node.isKeptOnly ? .legacy : .model
            pipelineNodes.append(PipelineNode(
                containerName: node.containerName, kubernetesName: KubernetesName.make(from: node.containerName),
                role: role, nodeType: node.nodeType, image: node.image, protoURI: node.protoURI,
                operations: node.operations, sharedFolders: mounts[node.containerName] ?? []))
        }
        let deployable = nodes.filter(\.isDeployable)
        checkKubernetesNames(deployable, kind: "container", name: { KubernetesName.make(from: $0.containerName) })
        for node in deployable where KubernetesName.make(from: node.containerName) == PipelineNode.orchestratorName {
            report.add(.error, .reservedName, "container name '\(node.containerName)' becomes '\(PipelineNode.orchestratorName)', the name of the orchestrator kubeprint adds",
                       at: JSONPath.key(node.path, "container_name"), node: node.containerName,
                       hint: "rename the node, e.g. '\(node.containerName)1'")
        }
        if !nodes.isEmpty && deployable.isEmpty {
            report.add(.error, .noDeployableNodes, "the blueprint has no MLModel, DataBroker or DataSource node, so there is nothing to deploy",
                       at: "nodes", hint: "add the model nodes of the pipeline")
        }
        if blueprint.wantsProbe {
            report.add(.warning, .probeNotDeployed, "probeIndicator asks for the Acumos probe, which kubeprint does not deploy",
                       at: "probeIndicator", hint: "set probeIndicator to [{\"value\": \"false\"}] to silence this warning")
        }
        for (i, port) in blueprint.inputPorts.enumerated() where byName[port.containerName] == nil {
            report.add(.error, .unknownInputPort, "input_ports names unknown container '\(port.containerName)'",
                       at: JSONPath.key(JSONPath.index("input_ports", i), "container_name"),
                       hint: Suggestion.hint(for: port.containerName, among: containerNames, noun: "Containers"))
        }

        pipelineNodes.append(PipelineNode(
            containerName: PipelineNode.orchestratorName, kubernetesName: PipelineNode.orchestratorName,
            role: .orchestrator, nodeType: nil, image: nil, protoURI: nil, operations: [], sharedFolders: []))
        let name = blueprint.name.flatMap { $0.isEmpty ? nil : $0 } ?? "pipeline"
        return PipelineGraph(name: name, nodes: pipelineNodes, edges: edges, sharedFolders: sharedFolders,
                             entryNodes: entryNodes(pipelineNodes, edges: edges))
    }

    func entryNodes(_ nodes: [PipelineNode], edges: [PipelineEdge]) -> [String] {
        let candidates = nodes.filter { $0.role != .orchestrator }
        let targets = Set(edges.map(\.to))
        // Data sources produce the pipeline's data: the ones no link reaches start every run.
        let sources = candidates.filter { $0.nodeType == .dataSource && !targets.contains($0.containerName) }.map(\.containerName)
        var entries: [String]
        if !blueprint.inputPorts.isEmpty {
            entries = blueprint.inputPorts.map(\.containerName) + sources
        } else {
            entries = candidates.filter { !targets.contains($0.containerName) }.map(\.containerName)
            if entries.isEmpty {
                let dataSources = candidates.filter { $0.nodeType == .dataSource }.map(\.containerName)
                entries = dataSources.isEmpty
                    ? candidates.filter { $0.operations.contains { $0.inputMessage == "Empty" } }.map(\.containerName)
                    : dataSources
            }
        }
        var seen: Set<String> = []
        return entries.filter { seen.insert($0).inserted }
    }

    mutating func checkDuplicates(_ nodes: [BlueprintNode]) {
        var first: [String: BlueprintNode] = [:]
        for node in nodes {
            if let earlier = first[node.containerName] {
                report.add(.error, .duplicateContainerName,
                           "container name '\(node.containerName)' is used by nodes[\(earlier.index)] and nodes[\(node.index)]",
                           at: JSONPath.key(node.path, "container_name"), node: node.containerName,
                           hint: "container names must be unique; rename one, e.g. '\(node.containerName)2'")
            } else {
                first[node.containerName] = node
            }
        }
    }

    /// Two different container names that become the same Kubernetes name.
    mutating func checkKubernetesNames(_ nodes: [BlueprintNode], kind: String, name: (BlueprintNode) -> String) {
        var first: [String: BlueprintNode] = [:]
        for node in nodes {
            let k8s = name(node)
            if let earlier = first[k8s] {
                guard earlier.containerName != node.containerName else { continue }  // reported as a duplicate
                report.add(.error, .nameCollision,
                           "\(kind) names '\(earlier.containerName)' (nodes[\(earlier.index)]) and '\(node.containerName)' both become the Kubernetes name '\(k8s)'",
                           at: JSONPath.key(node.path, "container_name"), node: node.containerName,
                           hint: "Kubernetes names are lower case with '-' for other characters; rename one so they differ")
            } else {
                first[k8s] = node
            }
        }
    }

    mutating func checkOperation(_ link: PortReference, on target: BlueprintNode, at path: String, from node: BlueprintNode) {
        let names = target.operations.map(\.name)
        guard !names.isEmpty, !names.contains(link.operationName) else { return }
        report.add(.warning, .unknownOperation,
                   "link calls operation '\(link.operationName)', which node '\(target.containerName)' does not list",
                   at: JSONPath.key(JSONPath.key(path, "operation_signature"), "operation_name"), node: node.containerName,
                   hint: Suggestion.hint(for: link.operationName, among: names, noun: "Operations of '\(target.containerName)'"))
    }

    mutating func sharedFolder(_ node: BlueprintNode, byName: [String: BlueprintNode], mounts: inout [String: [String]]) -> SharedFolder {
        let path = node.containerName
        let namePath = JSONPath.key(node.path, "container_name")
        let fix = "the shared folder's container_name is its mount path, e.g. \"/data/shared\""
        if !path.hasPrefix("/") {
            report.add(.error, .invalidSharedFolderPath, "shared-folder path '\(path)' is not absolute", at: namePath, node: path, hint: fix)
        }
        if path.split(separator: "/").contains("..") {
            report.add(.error, .invalidSharedFolderPath, "shared-folder path '\(path)' contains '..'", at: namePath, node: path, hint: fix)
        }
        if path.contains(":") {
            report.add(.error, .invalidSharedFolderPath, "shared-folder path '\(path)' contains ':', which Kubernetes rejects in a mountPath",
                       at: namePath, node: path, hint: fix)
        }
        var consumers: [String] = []
        for (o, operation) in node.operations.enumerated() {
            for (l, link) in operation.connectedTo.enumerated() {
                let linkPath = JSONPath.index(JSONPath.key(JSONPath.index(JSONPath.key(node.path, "operation_signature_list"), o), "connected_to"), l)
                guard let target = byName[link.containerName] else {
                    report.add(.error, .unknownConnection, "connected_to names unknown container '\(link.containerName)'",
                               at: JSONPath.key(linkPath, "container_name"), node: path,
                               hint: Suggestion.hint(for: link.containerName, among: Array(byName.keys).sorted(), noun: "Containers"))
                    continue
                }
                guard link.operationName.lowercased() == "mountvolume" else {
                    report.add(.warning, .ignoredLink, "shared folder links to '\(link.operationName)' of '\(link.containerName)'; only mountVolume links mount the folder",
                               at: linkPath, node: path, hint: "link to the consumer's mountVolume operation")
                    continue
                }
                guard target.isDeployable else {
                    report.add(.warning, .ignoredLink, "shared folder links to '\(target.containerName)', which is not deployed; the link is ignored",
                               at: linkPath, node: path)
                    continue
                }
                if !consumers.contains(target.containerName) {
                    consumers.append(target.containerName)
                    mounts[target.containerName, default: []].append(path)
                }
            }
        }
        if consumers.isEmpty {
            report.add(.warning, .unusedSharedFolder, "shared folder '\(path)' is connected to no node's mountVolume operation; no volume is created",
                       at: node.path, node: path, hint: "connect its provideFolder operation to each consumer's mountVolume operation")
        }
        return SharedFolder(path: path, kubernetesName: node.sharedFolderVolumeName, consumers: consumers)
    }
}

extension BlueprintNode {
    /// The PersistentVolumeClaim name of a shared-folder node.
    var sharedFolderVolumeName: String { KubernetesName.make(from: containerName) }
}
