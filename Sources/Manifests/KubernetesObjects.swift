import YAML

/// A value that renders itself as a YAML node: the typed Kubernetes objects below.
///
/// Fields that are `nil` (or empty collections marked optional) are left out, so the same
/// types describe both complete generated objects and partial template objects.
public protocol YAMLRepresentable {
    var yamlNode: YAMLNode { get }
}

extension YAMLMapping {
    mutating func set(_ key: String, _ value: (some YAMLRepresentable)?) {
        if let value { self[key] = value.yamlNode }
    }
    mutating func set(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }
    mutating func set(_ key: String, _ value: Int?) {
        if let value { self[key] = .int(value) }
    }
    mutating func set(_ key: String, _ value: Bool?) {
        if let value { self[key] = .bool(value) }
    }
    mutating func set(_ key: String, _ values: [some YAMLRepresentable]?) {
        if let values { self[key] = .sequence(values.map(\.yamlNode)) }
    }
    mutating func set(_ key: String, _ values: [String]?) {
        if let values { self[key] = .sequence(values.map(YAMLNode.string)) }
    }
    /// A string map written with sorted keys (labels, annotations, resource quantities).
    mutating func set(_ key: String, sorted map: [String: String]?) {
        guard let map, !map.isEmpty else { return }
        self[key] = .mapping(YAMLMapping(map.keys.sorted().map { ($0, YAMLNode.string(map[$0] ?? "")) }))
    }
}

public struct ObjectMeta: YAMLRepresentable, Hashable, Sendable {
    public var name: String?
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?

    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("name", name)
        m.set("namespace", namespace)
        m.set("labels", sorted: labels)
        m.set("annotations", sorted: annotations)
        return .mapping(m)
    }
}

public struct Deployment: YAMLRepresentable, Hashable, Sendable {
    public var metadata: ObjectMeta
    public var spec: DeploymentSpec

    public init(metadata: ObjectMeta, spec: DeploymentSpec) {
        self.metadata = metadata
        self.spec = spec
    }

    public var yamlNode: YAMLNode {
        ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata.yamlNode, "spec": spec.yamlNode]
    }
}

public struct DeploymentSpec: YAMLRepresentable, Hashable, Sendable {
    public var replicas: Int?
    public var revisionHistoryLimit: Int?
    public var selector: [String: String]?
    public var template: PodTemplateSpec

    public init(replicas: Int? = nil, revisionHistoryLimit: Int? = nil, selector: [String: String]? = nil, template: PodTemplateSpec) {
        self.replicas = replicas
        self.revisionHistoryLimit = revisionHistoryLimit
        self.selector = selector
        self.template = template
    }

    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("replicas", replicas)
        m.set("revisionHistoryLimit", revisionHistoryLimit)
        if let selector {
            var s = YAMLMapping()
            s.set("matchLabels", sorted: selector)
            m["selector"] = .mapping(s)
        }
        m["template"] = template.yamlNode
        return .mapping(m)
    }
}

public struct PodTemplateSpec: YAMLRepresentable, Hashable, Sendable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec

    public init(metadata: ObjectMeta? = nil, spec: PodSpec) {
        self.metadata = metadata
        self.spec = spec
    }

    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("metadata", metadata)
        m["spec"] = spec.yamlNode
        return .mapping(m)
    }
}

public struct PodSpec: YAMLRepresentable, Hashable, Sendable {
    public var automountServiceAccountToken: Bool?
    public var securityContext: PodSecurityContext?
    public var imagePullSecrets: [String]?
    public var containers: [Container]
    public var volumes: [Volume]?

    public init(automountServiceAccountToken: Bool? = nil, securityContext: PodSecurityContext? = nil,
                imagePullSecrets: [String]? = nil, containers: [Container], volumes: [Volume]? = nil)
    {
        self.automountServiceAccountToken = automountServiceAccountToken
        self.securityContext = securityContext
        self.imagePullSecrets = imagePullSecrets
        self.containers = containers
        self.volumes = volumes
    }

    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("automountServiceAccountToken", automountServiceAccountToken)
        m.set("securityContext", securityContext)
        if let imagePullSecrets, !imagePullSecrets.isEmpty {
            m["imagePullSecrets"] = .sequence(imagePullSecrets.map { ["name": .string($0)] })
        }
        m.set("containers", containers)
        if let volumes, !volumes.isEmpty { m.set("volumes", volumes) }
        return .mapping(m)
    }
}

public struct PodSecurityContext: YAMLRepresentable, Hashable, Sendable {
    public var seccompProfileType: String?
    public init(seccompProfileType: String? = nil) { self.seccompProfileType = seccompProfileType }
    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        if let seccompProfileType { m["seccompProfile"] = ["type": .string(seccompProfileType)] }
        return .mapping(m)
    }
}

public enum ImagePullPolicy: String, Sendable, CaseIterable, Hashable {
    case always = "Always"
    case ifNotPresent = "IfNotPresent"
    case never = "Never"
}

public struct Container: YAMLRepresentable, Hashable, Sendable {
    public var name: String
    public var image: String?
    public var imagePullPolicy: ImagePullPolicy?
    public var env: [EnvVar]?
    public var ports: [ContainerPort]?
    public var resources: ResourceRequirements?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var securityContext: SecurityContext?
    public var volumeMounts: [VolumeMount]?

    public init(name: String, image: String? = nil, imagePullPolicy: ImagePullPolicy? = nil, env: [EnvVar]? = nil,
                ports: [ContainerPort]? = nil, resources: ResourceRequirements? = nil, readinessProbe: Probe? = nil,
                livenessProbe: Probe? = nil, securityContext: SecurityContext? = nil, volumeMounts: [VolumeMount]? = nil)
    {
        self.name = name
        self.image = image
        self.imagePullPolicy = imagePullPolicy
        self.env = env
        self.ports = ports
        self.resources = resources
        self.readinessProbe = readinessProbe
        self.livenessProbe = livenessProbe
        self.securityContext = securityContext
        self.volumeMounts = volumeMounts
    }

    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("name", name)
        m.set("image", image)
        m.set("imagePullPolicy", imagePullPolicy?.rawValue)
        if let env, !env.isEmpty { m.set("env", env) }
        m.set("ports", ports)
        m.set("resources", resources)
        m.set("readinessProbe", readinessProbe)
        m.set("livenessProbe", livenessProbe)
        m.set("securityContext", securityContext)
        if let volumeMounts, !volumeMounts.isEmpty { m.set("volumeMounts", volumeMounts) }
        return .mapping(m)
    }
}

public struct EnvVar: YAMLRepresentable, Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
    public var yamlNode: YAMLNode { ["name": .string(name), "value": .string(value)] }
}

public struct ContainerPort: YAMLRepresentable, Hashable, Sendable {
    public var name: String
    public var containerPort: Int
    public init(name: String, containerPort: Int) {
        self.name = name
        self.containerPort = containerPort
    }
    public var yamlNode: YAMLNode {
        ["name": .string(name), "containerPort": .int(containerPort), "protocol": "TCP"]
    }
}

public struct ResourceRequirements: YAMLRepresentable, Hashable, Sendable {
    public var requests: [String: String]?
    public var limits: [String: String]?
    public init(requests: [String: String]? = nil, limits: [String: String]? = nil) {
        self.requests = requests
        self.limits = limits
    }
    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("requests", sorted: requests)
        m.set("limits", sorted: limits)
        return .mapping(m)
    }
}

/// A TCP-socket probe on a named or numbered container port.
public struct Probe: YAMLRepresentable, Hashable, Sendable {
    public var port: IntOrString
    public var initialDelaySeconds: Int?
    public var periodSeconds: Int?
    public var timeoutSeconds: Int?
    public var failureThreshold: Int?

    public init(port: IntOrString, initialDelaySeconds: Int? = nil, periodSeconds: Int? = nil,
                timeoutSeconds: Int? = nil, failureThreshold: Int? = nil)
    {
        self.port = port
        self.initialDelaySeconds = initialDelaySeconds
        self.periodSeconds = periodSeconds
        self.timeoutSeconds = timeoutSeconds
        self.failureThreshold = failureThreshold
    }

    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m["tcpSocket"] = ["port": port.yamlNode]
        m.set("initialDelaySeconds", initialDelaySeconds)
        m.set("periodSeconds", periodSeconds)
        m.set("timeoutSeconds", timeoutSeconds)
        m.set("failureThreshold", failureThreshold)
        return .mapping(m)
    }
}

public enum IntOrString: YAMLRepresentable, Hashable, Sendable {
    case int(Int)
    case string(String)
    public var yamlNode: YAMLNode {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        }
    }
}

public struct SecurityContext: YAMLRepresentable, Hashable, Sendable {
    public var allowPrivilegeEscalation: Bool?
    public var dropCapabilities: [String]?
    public init(allowPrivilegeEscalation: Bool? = nil, dropCapabilities: [String]? = nil) {
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.dropCapabilities = dropCapabilities
    }
    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("allowPrivilegeEscalation", allowPrivilegeEscalation)
        if let dropCapabilities { m["capabilities"] = ["drop": .sequence(dropCapabilities.map(YAMLNode.string))] }
        return .mapping(m)
    }
}

public struct VolumeMount: YAMLRepresentable, Hashable, Sendable {
    public var name: String
    public var mountPath: String
    public init(name: String, mountPath: String) {
        self.name = name
        self.mountPath = mountPath
    }
    public var yamlNode: YAMLNode { ["name": .string(name), "mountPath": .string(mountPath)] }
}

/// A pod volume backed by a PersistentVolumeClaim.
public struct Volume: YAMLRepresentable, Hashable, Sendable {
    public var name: String
    public var claimName: String
    public init(name: String, claimName: String) {
        self.name = name
        self.claimName = claimName
    }
    public var yamlNode: YAMLNode {
        ["name": .string(name), "persistentVolumeClaim": ["claimName": .string(claimName)]]
    }
}

public enum ServiceType: String, Sendable, CaseIterable, Hashable {
    case nodePort = "NodePort"
    case clusterIP = "ClusterIP"
    case loadBalancer = "LoadBalancer"
}

public struct Service: YAMLRepresentable, Hashable, Sendable {
    public var metadata: ObjectMeta
    public var spec: ServiceSpec
    public init(metadata: ObjectMeta, spec: ServiceSpec) {
        self.metadata = metadata
        self.spec = spec
    }
    public var yamlNode: YAMLNode {
        ["apiVersion": "v1", "kind": "Service", "metadata": metadata.yamlNode, "spec": spec.yamlNode]
    }
}

public struct ServiceSpec: YAMLRepresentable, Hashable, Sendable {
    public var type: ServiceType?
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    public init(type: ServiceType? = nil, selector: [String: String]? = nil, ports: [ServicePort]? = nil) {
        self.type = type
        self.selector = selector
        self.ports = ports
    }
    public var yamlNode: YAMLNode {
        var m = YAMLMapping()
        m.set("type", type?.rawValue)
        m.set("selector", sorted: selector)
        m.set("ports", ports)
        return .mapping(m)
    }
}

public struct ServicePort: YAMLRepresentable, Hashable, Sendable {
    public var name: String
    public var port: Int
    public var targetPort: IntOrString
    public var nodePort: Int?
    public init(name: String, port: Int, targetPort: IntOrString, nodePort: Int? = nil) {
        self.name = name
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
    public var yamlNode: YAMLNode {
        var m: YAMLMapping = ["name": .string(name), "protocol": "TCP", "port": .int(port), "targetPort": targetPort.yamlNode]
        m.set("nodePort", nodePort)
        return .mapping(m)
    }
}

public struct PersistentVolumeClaim: YAMLRepresentable, Hashable, Sendable {
    public var metadata: ObjectMeta
    public var accessModes: [String]?
    public var storageClassName: String?
    public var volumeMode: String?
    public var storage: String?
    public init(metadata: ObjectMeta, accessModes: [String]? = nil, storageClassName: String? = nil,
                volumeMode: String? = nil, storage: String? = nil)
    {
        self.metadata = metadata
        self.accessModes = accessModes
        self.storageClassName = storageClassName
        self.volumeMode = volumeMode
        self.storage = storage
    }
    public var yamlNode: YAMLNode {
        var spec = YAMLMapping()
        spec.set("accessModes", accessModes)
        spec.set("storageClassName", storageClassName)
        spec.set("volumeMode", volumeMode)
        if let storage { spec["resources"] = ["requests": ["storage": .string(storage)]] }
        return ["apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": metadata.yamlNode, "spec": .mapping(spec)]
    }
}

public struct Namespace: YAMLRepresentable, Hashable, Sendable {
    public var metadata: ObjectMeta
    public init(metadata: ObjectMeta) { self.metadata = metadata }
    public var yamlNode: YAMLNode {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": metadata.yamlNode]
    }
}
