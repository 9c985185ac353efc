import Blueprint
import YAML

/// One generated Kubernetes object with the file it is written to.
public struct Manifest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case namespace = "Namespace"
        case persistentVolumeClaim = "PersistentVolumeClaim"
        case service = "Service"
        case deployment = "Deployment"

        /// Apply order: what others depend on first (as Helm orders kinds).
        var order: Int {
            switch self {
            case .namespace: return 0
            case .persistentVolumeClaim: return 1
            case .service: return 2
            case .deployment: return 3
            }
        }
    }

    public var kind: Kind
    public var name: String
    /// File name under `deployments/` (AI4EU style: `<name>_deployment.yaml`).
    public var fileName: String
    /// The final object, templates merged.
    public var object: YAMLNode
}

/// The ordered objects of a pipeline: Namespace, PersistentVolumeClaims, Services,
/// Deployments, each group by name.
public struct ManifestSet: Sendable, Hashable {
    public var manifests: [Manifest]

    public init(_ manifests: [Manifest]) {
        self.manifests = manifests.sorted {
            ($0.kind.order, $0.name, $0.fileName) < ($1.kind.order, $1.name, $1.fileName)
        }
    }

    /// One object as a YAML document.
    public static func yaml(of manifest: Manifest) throws -> String {
        do {
            return try YAMLEmitter().emit(manifest.object)
        } catch {
            throw ManifestError(.emit, "cannot write \(manifest.fileName): \(error)")
        }
    }

    /// All objects as one multi-document stream (for `kubectl apply -f -`).
    public func yamlStream() throws -> String {
        do {
            return try YAMLEmitter(explicitDocumentStart: true).emit(documents: manifests.map(\.object))
        } catch {
            throw ManifestError(.emit, "cannot write the manifest stream: \(error)")
        }
    }
}

/// Turns a ``PipelineGraph`` into Kubernetes objects.
///
/// ```swift
/// let loaded = try BlueprintLoader.load(contentsOf: "blueprint.json")
/// let set = ManifestGenerator(options: ManifestOptions()).generate(loaded.graph)
/// print(try set.yamlStream())
/// ```
public struct ManifestGenerator: Sendable {
    public var options: ManifestOptions
    public var templates: TemplateSet

    public init(options: ManifestOptions, templates: TemplateSet = .builtIn) {
        self.options = options
        self.templates = templates
    }

    public func generate(_ graph: PipelineGraph) -> ManifestSet {
        let partOf = KubernetesName.make(from: graph.name)
        var manifests: [Manifest] = []
        if let namespace = options.namespace {
            manifests.append(namespaceManifest(namespace, partOf: partOf))
        }
        for folder in graph.sharedFolders where !folder.consumers.isEmpty {
            manifests.append(pvcManifest(folder, partOf: partOf))
        }
        for node in graph.deployableNodes {
            let workload = Workload(node: node, graph: graph, partOf: partOf, options: options)
            manifests.append(finish(.service, name: workload.name, file: "\(workload.name)_service.yaml",
                                    generated: workload.service().yamlNode, template: .service))
            manifests.append(finish(.deployment, name: workload.name, file: "\(workload.name)_deployment.yaml",
                                    generated: workload.deployment().yamlNode,
                                    template: node.role == .orchestrator ? .orchestrator : .deployment))
        }
        return ManifestSet(manifests)
    }

    /// A single model without a blueprint: one Deployment and one Service named `name`.
    public func generateSingle(image: String, name: String) -> ManifestSet {
        let node = PipelineNode(containerName: name, kubernetesName: KubernetesName.make(from: name), role: .model,
                                nodeType: .mlModel, image: image, protoURI: nil, operations: [], sharedFolders: [])
        let graph = PipelineGraph(name: name, nodes: [node], edges: [], sharedFolders: [], entryNodes: [name])
        let workload = Workload(node: node, graph: graph, partOf: node.kubernetesName, options: options)
        var manifests: [Manifest] = []
        if let namespace = options.namespace {
            manifests.append(namespaceManifest(namespace, partOf: node.kubernetesName))
        }
        manifests.append(finish(.service, name: workload.name, file: "service.yaml", generated: workload.service().yamlNode, template: .service))
        manifests.append(finish(.deployment, name: workload.name, file: "deployment.yaml", generated: workload.deployment().yamlNode, template: .deployment))
        return ManifestSet(manifests)
    }

    func finish(_ kind: Manifest.Kind, name: String, file: String, generated: YAMLNode, template: TemplateSet.Kind) -> Manifest {
        var object = generated
        if let base = templates[template] {
            object = TemplateSet.merge(template: base, generated: generated)
        }
        return Manifest(kind: kind, name: name, fileName: file, object: TemplateSet.canonicalOrder(object))
    }

    func namespaceManifest(_ namespace: String, partOf: String) -> Manifest {
        let object = Namespace(metadata: ObjectMeta(name: namespace, labels: [
            "app.kubernetes.io/part-of": partOf, "app.kubernetes.io/managed-by": "kubeprint",
        ]))
        return finish(.namespace, name: namespace, file: "namespace.yaml", generated: object.yamlNode, template: .namespace)
    }

    func pvcManifest(_ folder: SharedFolder, partOf: String) -> Manifest {
        let pvc = PersistentVolumeClaim(
            metadata: ObjectMeta(
                name: folder.kubernetesName, namespace: options.namespace,
                labels: Labels.standard(name: folder.kubernetesName, partOf: partOf, component: "shared-folder"),
                annotations: ["kubeprint/shared-folder-path": folder.path]),
            storageClassName: options.storageClass, storage: options.storageSize)
        return finish(.persistentVolumeClaim, name: folder.kubernetesName, file: "pvc-\(folder.kubernetesName).yaml",
                      generated: pvc.yamlNode, template: .pvc)
    }
}

/// The recommended labels, plus `app` for compatibility with the AI4EU deployer's selectors.
enum Labels {
    static func standard(name: String, partOf: String, component: String) -> [String: String] {
        [
            "app": name,
            "app.kubernetes.io/name": name,
            "app.kubernetes.io/instance": partOf,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": partOf,
            "app.kubernetes.io/managed-by": "kubeprint",
        ]
    }

    /// Selectors use only labels fixed by the node's name, which never change between revisions.
    static func selector(name: String) -> [String: String] {
        ["app": name, "app.kubernetes.io/name": name]
    }
}

/// The Deployment and Service of one deployable node.
struct Workload {
    let node: PipelineNode
    let graph: PipelineGraph
    let partOf: String
    let options: ManifestOptions

    init(node: PipelineNode, graph: PipelineGraph, partOf: String, options: ManifestOptions) {
        self.node = node
        self.graph = graph
        self.partOf = partOf
        self.options = options
    }

    var name: String { node.kubernetesName }
    var isOrchestrator: Bool { node.role == .orchestrator }
    var apiPortName: String { isOrchestrator ? "mc-api" : "protobuf-api" }
    var component: String {
        if isOrchestrator { return "orchestrator" }
        switch node.nodeType {
        case .dataBroker?: return "data-broker"
        case .dataSource?: return "data-source"
        default: return "model"
        }
    }
    var labels: [String: String] { Labels.standard(name: name, partOf: partOf, component: component) }

    var folders: [SharedFolder] {
        node.sharedFolders.compactMap { path in graph.sharedFolders.first { $0.path == path } }
    }

    func deployment() -> Deployment {
        let apiPort = isOrchestrator ? ManifestOptions.orchestratorPort : ManifestOptions.modelPort
        var env: [EnvVar] = []
        if let first = folders.first { env.append(EnvVar(name: "SHARED_FOLDER_PATH", value: first.path)) }
        var resources: ResourceRequirements?
        let requests = compact(["cpu": options.cpuRequest, "memory": options.memoryRequest])
        let limits = compact(["cpu": options.cpuLimit, "memory": options.memoryLimit])
        if !requests.isEmpty || !limits.isEmpty {
            resources = ResourceRequirements(requests: requests.isEmpty ? nil : requests, limits: limits.isEmpty ? nil : limits)
        }
        let container = Container(
            name: name,
            image: isOrchestrator ? options.orchestratorImage : node.image,
            imagePullPolicy: options.imagePullPolicy,
            env: env,
            ports: [ContainerPort(name: apiPortName, containerPort: apiPort),
                    ContainerPort(name: "webui", containerPort: ManifestOptions.webUIPort)],
            resources: resources,
            volumeMounts: folders.map { VolumeMount(name: $0.kubernetesName, mountPath: $0.path) })
        let pod = PodSpec(imagePullSecrets: options.imagePullSecrets, containers: [container],
                          volumes: folders.map { Volume(name: $0.kubernetesName, claimName: $0.kubernetesName) })
        return Deployment(
            metadata: ObjectMeta(name: name, namespace: options.namespace, labels: labels,
                                 annotations: ["kubeprint/container-name": node.containerName]),
            spec: DeploymentSpec(
                replicas: options.replicas, selector: Labels.selector(name: name),
                template: PodTemplateSpec(metadata: ObjectMeta(labels: labels), spec: pod)))
    }

    func service() -> Service {
        let port: ServicePort
        if isOrchestrator {
            port = ServicePort(name: apiPortName, port: ManifestOptions.orchestratorPort, targetPort: .int(ManifestOptions.orchestratorPort))
        } else {
            port = ServicePort(name: apiPortName, port: ManifestOptions.servicePort, targetPort: .int(ManifestOptions.modelPort))
        }
        let webui = ServicePort(name: "webui", port: ManifestOptions.webUIPort, targetPort: .int(ManifestOptions.webUIPort))
        return Service(
            metadata: ObjectMeta(name: name, namespace: options.namespace, labels: labels,
                                 annotations: ["kubeprint/container-name": node.containerName]),
            spec: ServiceSpec(type: options.serviceType, selector: Labels.selector(name: name), ports: [port, webui]))
    }

    func compact(_ values: [String: String?]) -> [String: String] {
        values.compactMapValues { $0 }
    }
}
