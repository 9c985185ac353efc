import Simulation

/// Where a pod submitted during a run is, as the live playground's kubelet view reads it.
public struct LivePodState: Hashable, Sendable {
    public var phase: PodPhase
    public var node: String?
    public var created: SimTime
    public var scheduled: SimTime?
    public var pullStarted: SimTime?
    public var imageReady: SimTime?
    public var started: SimTime?
    public var ready: SimTime?
    /// Whether the image was already on the node when the pod was bound.
    public var usedCache: Bool
    public var lastFailure: String?
}

/// A node's allocation and use now, for `kubectl top` and the dashboard.
public struct LiveNodeState: Hashable, Sendable {
    public var name: String
    public var capacity: Resources
    public var allocated: Resources
    public var podCount: Int
    public var isUp: Bool
    /// CPU millicores used by running invocations.
    public var cpuInUse: Double
    /// Bytes of image layers on the node's disk.
    public var imageBytes: Int64
}

/// Driving a simulator from outside while it runs: the live playground submits and removes
/// pods as API requests arrive, learning images from the pods it is given.
extension ClusterSimulator {
    /// Whether `name` is a declared image.
    public func knowsImage(_ name: String) -> Bool { imageNames.contains(name) }

    /// Declares an image during a run; an image already declared is left as it is.
    public mutating func declare(image: ImageSpec) throws {
        guard !imageNames.contains(image.name) else { return }
        try appendImage(image)
        imageService.addImage()
    }

    /// A pod arriving now; its image must be declared. Its name must be new to the run.
    public mutating func submit(_ pod: PodSpec) throws {
        guard podByName[pod.name] == nil else { throw ClusterError("pod '\(pod.name)' already exists") }
        guard let image = imageNames.firstIndex(of: pod.image) else {
            throw ClusterError("pod '\(pod.name)' uses unknown image '\(pod.image)'")
        }
        var owner = -1
        if let name = pod.owner {
            if let o = ownerNames.firstIndex(of: name) {
                owner = o
            } else {
                owner = ownerNames.count
                ownerNames.append(name)
                ownerCounts.append(Array(repeating: 0, count: nodeTable.nodes.count))
            }
        }
        podByName[pod.name] = pods.count
        pods.append(PodState(spec: pod, image: image, owner: owner, created: now))
        queue.schedule(.podArrives(pods.count - 1), at: now)
    }

    /// Deletes a pod now (graceful: it terminates, then is removed); unknown names are ignored.
    public mutating func remove(pod name: String) {
        guard let p = podByName[name] else { return }
        deletePod(p)
    }

    /// The time of the next event, if any.
    public var nextEventTime: SimTime? { queue.nextTime }

    /// A submitted pod's state, or nil for an unknown name.
    public func livePod(_ name: String) -> LivePodState? {
        guard let p = podByName[name] else { return nil }
        let s = pods[p]
        return LivePodState(phase: s.phase, node: s.node >= 0 ? nodeTable.nodes[s.node].spec.name : nil, created: s.created, scheduled: s.scheduled,
                            pullStarted: s.pullStarted, imageReady: s.imageReady, started: s.started, ready: s.ready,
                            usedCache: s.usedCache, lastFailure: s.lastFailure)
    }

    /// Every node that has joined, in declaration order.
    public var liveNodes: [LiveNodeState] {
        nodeTable.nodes.indices.filter { nodeTable.hot[$0].hasJoined }.map { n in
            LiveNodeState(name: nodeTable.nodes[n].spec.name, capacity: nodeTable.hot[n].capacity, allocated: nodeTable.hot[n].allocated, podCount: nodeTable.hot[n].podCount,
                          isUp: nodeTable.hot[n].isUp, cpuInUse: nodeTable.usage[n].cpuInUse, imageBytes: nodeTable.nodes[n].cachedBytes)
        }
    }
}
