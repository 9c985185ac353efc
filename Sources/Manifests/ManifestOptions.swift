/// Everything about the generated objects that does not come from the blueprint.
///
/// Values left `nil` come from the templates (the built-in defaults, or `--templates DIR`);
/// values set here win over templates.
public struct ManifestOptions: Sendable, Hashable {
    /// The AI4EU model API port (`protobuf-api`) inside each model container.
    public static let modelPort = 8061
    /// The port of each model Service (hard-coded in the AI4EU deployer).
    public static let servicePort = 8556
    /// The web UI port (`webui`) of models and orchestrator.
    public static let webUIPort = 8062
    /// The orchestrator API port (`mc-api`).
    public static let orchestratorPort = 8061
    public static let defaultOrchestratorImage = "cicd.ai4eu-dev.eu:7444/generic-parallel-orchestrator/orchestrator_container:1.8"

    public var serviceType: ServiceType = .nodePort
    public var orchestratorImage: String = ManifestOptions.defaultOrchestratorImage
    /// Adds `metadata.namespace` to every object and a Namespace object; `nil` leaves the
    /// namespace to `kubectl -n`.
    public var namespace: String?
    public var imagePullPolicy: ImagePullPolicy?
    public var imagePullSecrets: [String] = []
    public var replicas: Int?
    public var cpuRequest: String?
    public var memoryRequest: String?
    public var cpuLimit: String?
    public var memoryLimit: String?
    /// Size of each shared-folder PersistentVolumeClaim (template default 1Gi).
    public var storageSize: String?
    /// Storage class of shared-folder claims; `nil` uses the cluster's default class.
    public var storageClass: String?

    public init() {}
}
