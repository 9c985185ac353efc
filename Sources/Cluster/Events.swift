import Simulation

/// One entry of the simulation's event log.
public struct ClusterEventRecord: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case podCreated = "pod-created"
        case podScheduled = "pod-scheduled"
        case podUnschedulable = "pod-unschedulable"
        case layerCacheHit = "layer-cache-hit"
        case pullStarted = "pull-started"
        case pullFinished = "pull-finished"
        case imageReady = "image-ready"
        case containerStarted = "container-started"
        case podReady = "pod-ready"
        case podTerminating = "pod-terminating"
        case podRemoved = "pod-removed"
        case podFailed = "pod-failed"
        case podLost = "pod-lost"
        case layerEvicted = "layer-evicted"
        case nodeFailed = "node-failed"
        case nodeRecovered = "node-recovered"
        case nodeAdded = "node-added"
    }

    public var time: SimTime
    public var kind: Kind
    public var pod: String?
    public var node: String?
    public var image: String?
    public var bytes: Int64?
    /// Seconds (a pull's transfer time, a phase's length).
    public var duration: Double?
    /// Where bytes came from: a registry name, "storage" or "node-cache".
    public var source: String?
    public var detail: String?

    public init(time: SimTime, kind: Kind, pod: String? = nil, node: String? = nil, image: String? = nil, bytes: Int64? = nil,
                duration: Double? = nil, source: String? = nil, detail: String? = nil)
    {
        self.time = time
        self.kind = kind
        self.pod = pod
        self.node = node
        self.image = image
        self.bytes = bytes
        self.duration = duration
        self.source = source
        self.detail = detail
    }
}
