import Simulation

/// Everything a cluster simulation starts from: a plain value the edges (scenario files, the
/// playground) build.
public struct ClusterScenario: Sendable {
    public struct PodArrival: Sendable {
        public var pod: PodSpec
        public var at: SimTime
        public init(pod: PodSpec, at: SimTime = .zero) {
            self.pod = pod
            self.at = at
        }
    }

    public struct PodDeletion: Sendable {
        public var pod: String
        public var at: SimTime
        public init(pod: String, at: SimTime) {
            self.pod = pod
            self.at = at
        }
    }

    public struct NodeFailure: Sendable {
        public var node: String
        public var at: SimTime
        /// When the node comes back (`nil`: never).
        public var recoversAt: SimTime?
        public init(node: String, at: SimTime, recoversAt: SimTime? = nil) {
            self.node = node
            self.at = at
            self.recoversAt = recoversAt
        }
    }

    /// Kubelet behaviour shared by all nodes.
    public struct KubeletConfig: Hashable, Sendable {
        /// Bytes per second a node unpacks after downloading a layer.
        public var extractionBytesPerSecond: Double
        /// Image garbage collection: above `highThreshold` of the disk, evict least recently
        /// used layers until below `lowThreshold`.
        public var imageGCHighThreshold: Double
        public var imageGCLowThreshold: Double
        /// How often image GC runs (kubelet's `ImageGCPeriod`, 5 min), in seconds.
        public var imageGCPeriod: Double
        /// Layers younger than this (since they were pulled) are not collected
        /// (`imageMinimumGCAge`, 2 min), in seconds.
        public var imageMinimumGCAge: Double
        /// Pull one image at a time per node (kubelet's `serializeImagePulls`, default true).
        public var serializeImagePulls: Bool
        /// With `serializeImagePulls` false: at most this many images pulled at once per node
        /// (`maxParallelImagePulls`); `nil` is no limit.
        public var maxParallelImagePulls: Int?
        /// Unpack an image's layers one after another in layer order, as containerd does
        /// (downloads still run in parallel); false unpacks each layer as soon as it is downloaded.
        public var orderedExtraction: Bool

        public init(extractionBytesPerSecond: Double = 200 * Double(Units.MB), imageGCHighThreshold: Double = 0.85,
                    imageGCLowThreshold: Double = 0.80, imageGCPeriod: Double = 300, imageMinimumGCAge: Double = 120,
                    serializeImagePulls: Bool = true, maxParallelImagePulls: Int? = nil, orderedExtraction: Bool = true)
        {
            self.extractionBytesPerSecond = extractionBytesPerSecond
            self.imageGCHighThreshold = imageGCHighThreshold
            self.imageGCLowThreshold = imageGCLowThreshold
            self.imageGCPeriod = imageGCPeriod
            self.imageMinimumGCAge = imageMinimumGCAge
            self.serializeImagePulls = serializeImagePulls
            self.maxParallelImagePulls = maxParallelImagePulls
            self.orderedExtraction = orderedExtraction
        }

        /// Every image and layer of a node pulled at once, each layer unpacked as soon as it is
        /// downloaded (the model before serialised pulls and ordered unpacking).
        public static let allAtOnce = KubeletConfig(serializeImagePulls: false, orderedExtraction: false)

        /// Images a node pulls at once.
        public var parallelImagePulls: Int {
            serializeImagePulls ? 1 : max(1, maxParallelImagePulls ?? Int.max)
        }
    }

    public var nodes: [NodeSpec]
    /// Nodes that join later, with the time they join.
    public var nodeAdditions: [(node: NodeSpec, at: SimTime)]
    public var registries: [RegistrySpec]
    public var storage: StorageSpec?
    public var images: [ImageSpec]
    public var pods: [PodArrival]
    public var deletions: [PodDeletion]
    public var failures: [NodeFailure]
    /// Which nodes hold each data item (for the DataLocality score).
    public var dataPlacement: [String: [String]]
    public var scheduler: SchedulerProfile
    public var kubelet: KubeletConfig
    public var seed: UInt64
    public var functions: [FunctionSpec] = []
    /// Workloads name a function (single requests) or a pipeline (runs through it).
    public var workloads: [WorkloadSpec] = []
    public var pipelines: [PipelineSpec] = []
    public var scaleCommands: [ScaleCommand] = []
    public var billing: BillingModel = .awsLambda
    /// How often utilisation and replica counts are sampled, in seconds.
    public var monitorInterval: Double = 1
    /// Whose behaviour the FaaS platform follows where simulators differ (see ``Compatibility``).
    public var compatibility: Compatibility = .kubernetes
    /// Slow invocations down when a node's CPU is oversubscribed (time × demand / capacity).
    public var slowdownWhenOversubscribed = false
    /// Swift models of functions' lifecycle phases, by function name (see ``FunctionSimulator``).
    public var functionSimulators: [String: any FunctionSimulator] = [:]

    public init(nodes: [NodeSpec], nodeAdditions: [(node: NodeSpec, at: SimTime)] = [], registries: [RegistrySpec] = [RegistrySpec(name: "registry")],
                storage: StorageSpec? = nil, images: [ImageSpec], pods: [PodArrival], deletions: [PodDeletion] = [],
                failures: [NodeFailure] = [], dataPlacement: [String: [String]] = [:], scheduler: SchedulerProfile = .default,
                kubelet: KubeletConfig = KubeletConfig(), seed: UInt64 = 1)
    {
        self.nodes = nodes
        self.nodeAdditions = nodeAdditions
        self.registries = registries
        self.storage = storage
        self.images = images
        self.pods = pods
        self.deletions = deletions
        self.failures = failures
        self.dataPlacement = dataPlacement
        self.scheduler = scheduler
        self.kubelet = kubelet
        self.seed = seed
    }
}

/// A problem that makes a scenario impossible to run (an unknown image, node, …).
public struct ClusterError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
    public var description: String { hint.map { "\(message)\n    hint: \($0)" } ?? message }
}

/// Whose behaviour a scenario follows where FaaS simulators differ.
public enum Compatibility: String, Hashable, Sendable, CaseIterable {
    /// Kubernetes-faithful (the default): load from the workloads' start, kube-scheduler
    /// scoring, image extraction after the pull, the scaler's rate per second.
    case kubernetes
    /// faas-sim's choices, without its confirmed bugs: the load starts once every function has a
    /// running replica, images are not extracted after the pull, a function's replicas stay on
    /// the node holding its image (ImagePresence scoring), and the average-requests scaler decides
    /// as faas-sim's (dispatched requests per window, its open tolerance band, scale-ups on top
    /// of starting replicas).
    case faasSim = "faas-sim"
}

extension ClusterScenario {
    /// Follows faas-sim (see ``Compatibility/faasSim``): sets the compatibility and, where
    /// asked, the scheduler's scores (ImagePresence, BalancedAllocation, every feasible node
    /// scored, as skippy does) and no extraction.
    public mutating func useFaaSSimProfile(scores: Bool = true, nodesToScore: Bool = true, extraction: Bool = true) {
        compatibility = .faasSim
        if scores { scheduler.scores = [.init(.imagePresence), .init(.balancedAllocation)] }
        if nodesToScore { scheduler.percentageOfNodesToScore = 100 }
        if extraction { kubelet.extractionBytesPerSecond = 1e15 }
    }
}
