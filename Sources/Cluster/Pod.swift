import Simulation

/// How long a container takes in each lifecycle phase.
public struct LifecycleProfile: Hashable, Sendable {
    /// Container start after the image is present (runtime overhead).
    public var startup: Distribution
    /// Function-specific setup before the pod is ready (e.g. loading a model).
    public var setup: Distribution
    /// Grace period between a delete and the pod being gone.
    public var terminationGrace: Distribution

    public init(startup: Distribution = .constant(1), setup: Distribution = .constant(0), terminationGrace: Distribution = .constant(0)) {
        self.startup = startup
        self.setup = setup
        self.terminationGrace = terminationGrace
    }
}

/// What to run: the scheduling-relevant parts of a Kubernetes pod.
public struct PodSpec: Hashable, Sendable {
    public var name: String
    /// The deployment the pod belongs to (replicas are spread across nodes by it); pods of a
    /// deployment are replaced when their node fails.
    public var owner: String?
    public var image: String
    public var requests: Resources
    public var nodeSelector: [String: String]
    public var requiredAffinity: [NodeSelectorRequirement]
    public var tolerations: [Toleration]
    public var labels: [String: String]
    /// Data items the pod reads (for the data-locality score).
    public var dataItems: [String]
    public var lifecycle: LifecycleProfile

    public init(name: String, owner: String? = nil, image: String, requests: Resources = Resources(),
                nodeSelector: [String: String] = [:], requiredAffinity: [NodeSelectorRequirement] = [],
                tolerations: [Toleration] = [], labels: [String: String] = [:], dataItems: [String] = [],
                lifecycle: LifecycleProfile = LifecycleProfile())
    {
        self.name = name
        self.owner = owner
        self.image = image
        self.requests = requests
        self.nodeSelector = nodeSelector
        self.requiredAffinity = requiredAffinity
        self.tolerations = tolerations
        self.labels = labels
        self.dataItems = dataItems
        self.lifecycle = lifecycle
    }
}

/// Where a pod is in its life.
public enum PodPhase: String, Hashable, Sendable, CaseIterable {
    case pending = "Pending"
    case scheduled = "Scheduled"
    case pullingImage = "PullingImage"
    case starting = "Starting"
    case settingUp = "SettingUp"
    case ready = "Ready"
    case terminating = "Terminating"
    case removed = "Removed"
    case failed = "Failed"
}
