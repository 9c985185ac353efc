import Simulation

/// A simulated Kubernetes cluster: a scheduler, a kubelet per node, image pulls over a
/// max-min fair network with LRU image caches, and the pod lifecycle, in virtual time.
///
/// ```swift
/// var sim = try ClusterSimulator(scenario: scenario)
/// sim.onEvent = { print($0) }
/// sim.run(until: .seconds(600))
/// print(sim.summary())
/// ```
public struct ClusterSimulator {
    enum Event {
        case podArrives(Int)
        case scheduleCycle
        case retry(pod: Int, generation: Int)
        case flushUnschedulable(pod: Int, attempts: Int)
        case requestSent(node: Int, layer: Int, source: Int, generation: Int)
        case networkTick(version: Int)
        case layerExtracted(node: Int, layer: Int, generation: Int)
        case imageGC(node: Int, generation: Int)
        case containerStarted(pod: Int, generation: Int)
        case setupDone(pod: Int, generation: Int)
        case deletePod(String)
        case terminated(pod: Int, generation: Int)
        case nodeFails(Int)
        case nodeRecovers(Int)
        case nodeJoins(Int)
        case arrival(workload: Int)
        case invocationEnd(request: Int32, token: UInt32)
        case scalerTick(function: Int)
        case idleCheck(function: Int, generation: Int)
        case monitorTick
        case scaleCommand(Int)
    }

    struct PodState {
        var spec: PodSpec
        var image: Int
        var owner: Int
        var phase: PodPhase = .pending
        var node: Int = -1
        var generation = 0
        var attempts = 0
        /// When the last scheduling attempt failed (kube-scheduler's `QueuedPodInfo.Timestamp`).
        var lastAttempt: SimTime = .zero
        var created: SimTime
        var scheduled: SimTime?
        var pullStarted: SimTime?
        var imageReady: SimTime?
        var started: SimTime?
        var ready: SimTime?
        var pendingLayers = 0
        var usedCache = true
        var lastFailure: String?
        /// For function replicas: the function and the replica index; -1 otherwise.
        var function = -1
        var replica = -1
        var imageRank = 0
        var extraSetup = 0.0
    }

    /// The fields the scheduler reads for every node on every attempt, kept apart in plain
    /// values (no reference counting) so filtering thousands of nodes stays cheap.
    struct NodeHot {
        var capacity: Resources
        var allocated = Resources()
        var podCount = 0
        var maxPods: Int
        var diskBytes: Int64
        var pinnedBytes: Int64 = 0
        var architecture: Architecture
        var isUp: Bool
        var hasJoined: Bool
        var hasTaints: Bool
        /// CPU used by running invocations, millicores, and its integrals for utilisation and energy.
    }

    /// A node's resource use over time, for utilisation and energy (kept apart from
    /// ``NodeHot`` so the scheduler's per-node reads stay small).
    struct NodeUsage {
        /// Power model: watts above idle at full CPU, GPU, network and block I/O.
        var cpuWatts: Double = 0
        var gpuWatts: Double = 0
        var networkWatts: Double = 0
        var blockIOWatts: Double = 0
        var networkCapacity: Double = 1
        var blockIOCapacity: Double = 1
        var cpuInUse: Double = 0
        var gpuInUse: Double = 0
        var networkInUse: Double = 0
        var blockIOInUse: Double = 0
        var lastUsageChange: Double = 0
        var busyIntegral: Double = 0
        var dynamicEnergy: Double = 0
        /// Dynamic energy per unit of each resource in use, integrated over time: each
        /// resource's power split over its users in proportion to their use, so invocations'
        /// shares add up to the node's dynamic energy even when it is oversubscribed.
        var cpuEnergyPerUnit: Double = 0
        var gpuEnergyPerUnit: Double = 0
        var networkEnergyPerUnit: Double = 0
        var blockIOEnergyPerUnit: Double = 0
        /// Dynamic energy charged to invocations so far.
        var attributedEnergy: Double = 0
        var upSince: Double = 0
        var upSeconds: Double = 0
    }

    /// Everything the filters need to know about a pod, computed once per attempt.
    struct PodInfo {
        var requests: Resources
        var image: Int
        var hasSelector: Bool
        var hasAffinity: Bool
    }

    struct NodeState {
        var spec: NodeSpec
        var labels: [String: String]
        var generation = 0
        /// Layers on disk: layer → last use (a sequence number).
        var cached: [Int: UInt64] = [:]
        var cachedBytes: Int64 = 0
        /// Layers being fetched: layer → pods waiting for it.
        var inFlight: [Int: [Int]] = [:]
        var inFlightBytes: Int64 = 0
        /// Extracted and usable.
        var ready: Set<Int> = []
        /// Pods on the node using each layer (pinned layers are never evicted).
        var pins: [Int: Int] = [:]
        var data: Set<String> = []
        /// When each layer on disk was pulled (kubelet's `firstDetected`, for the minimum GC age).
        var detected: [Int: Double] = [:]
        /// Layers being unpacked.
        var extracting: Set<Int> = []
        /// Image pulls running (image index) and waiting, with the pods waiting for each
        /// (kubelet's image puller: one at a time when serialised).
        var activePulls: [(image: Int, pods: [Int])] = []
        var queuedPulls: [(image: Int, pods: [Int])] = []
        /// When the node joined: image GC runs every period from then.
        var joinedAt: Double = 0
        var gcScheduled = false
    }

    struct Pull {
        var node: Int
        var layer: Int
        var source: Int
        var requested: SimTime
    }

    // Configuration
    public let scenario: ClusterScenario
    let profile: SchedulerProfile
    var layerSizes: [Int64] = []
    var layerDigests: [String] = []
    var imageNames: [String] = []
    var imageLayers: [[Architecture: [Int]]] = []
    var imageBytes: [[Architecture: Int64]] = []
    var imageBytesTable: [Int64] = []
    /// The registries holding each image, in preference order.
    var imageRegistries: [[Int]] = []
    /// Transfers running from each source (registries, then storage).
    var sourceFlows: [Int] = []
    var sourceNames: [String] = []
    var sourceRoundTrip: [Double] = []
    var storageSource: Int?
    var ownerNames: [String] = []

    // State
    var nodes: [NodeState] = []
    var hot: [NodeHot] = []
    /// CPU and memory requested on each node with kube-scheduler's non-zero defaults for pods
    /// that request none (`NodeInfo.NonZeroRequested`, used by LeastAllocated); apart from
    /// ``NodeHot`` so the filters' per-node reads stay small.
    var nonZeroRequested: [(cpu: Int64, memory: Int64)] = []
    var usage: [NodeUsage] = []
    var joinedNodes = 0
    var pods: [PodState] = []
    var podByName: [String: Int] = [:]
    var activeQueue: [Int] = []
    var activeHead = 0
    var unschedulable: Set<Int> = []
    var schedulerBusy = false
    var nextStartNode = 0
    var network: FlowNetwork
    var networkVersion = 0
    var flowPulls: [Int: Pull] = [:]
    var storageCache: [Int: UInt64] = [:]
    var storageBytes: Int64 = 0
    var useCounter: UInt64 = 0
    var imagePresent: [[Bool]] = []
    var imageNodeCount: [Int] = []
    var ownerCounts: [[Int32]] = []
    var schedulerRandom: RandomSource
    var lifecycleRandom: RandomSource
    var queue = EventQueue<Event>()
    public private(set) var now: SimTime = .zero
    public private(set) var eventsProcessed: UInt64 = 0
    /// The limit of the current run: periodic ticks stop when nothing else is left and the run
    /// has no limit.
    var runLimit: SimTime = .infinity
    var stats = Statistics()
    var faas = FaaSState()
    var functionIndex: [String: Int] = [:]
    var pipelineIndex: [String: Int] = [:]
    var deviceTypeIndex: [String: Int] = [:]
    var nodeDeviceType: [Int] = []
    var workloadRandom = RandomSource(seed: 0)
    var executionRandom = RandomSource(seed: 0)

    /// Receives every event as it happens (for streaming logs); `nil` to keep none.
    public var onEvent: ((ClusterEventRecord) -> Void)?
    /// Receives every finished request (completed or failed); `nil` to keep none.
    public var onRequest: ((RequestRecord) -> Void)?

    public init(scenario: ClusterScenario) throws {
        self.scenario = scenario
        profile = scenario.scheduler
        var seedSource = RandomSource(seed: scenario.seed)
        schedulerRandom = seedSource.fork()
        lifecycleRandom = seedSource.fork()

        for r in scenario.registries {
            sourceNames.append(r.name)
            sourceRoundTrip.append(r.roundTrip)
        }
        if let storage = scenario.storage {
            storageSource = sourceNames.count
            sourceNames.append("storage")
            sourceRoundTrip.append(storage.roundTrip)
        }
        var layerIndex: [String: Int] = [:]
        var imageIndex: [String: Int] = [:]
        for image in scenario.images {
            guard imageIndex[image.name] == nil else { throw ClusterError("image '\(image.name)' is declared twice") }
            imageIndex[image.name] = imageNames.count
            imageNames.append(image.name)
            var perArch: [Architecture: [Int]] = [:]
            var bytes: [Architecture: Int64] = [:]
            for (arch, layers) in image.variants {
                var indices: [Int] = []
                for layer in layers {
                    if let i = layerIndex[layer.digest] {
                        indices.append(i)
                        continue
                    }
                    layerIndex[layer.digest] = layerSizes.count
                    indices.append(layerSizes.count)
                    layerSizes.append(layer.sizeBytes)
                    layerDigests.append(layer.digest)
                }
                perArch[arch] = indices
                bytes[arch] = layers.reduce(0) { $0 + $1.sizeBytes }
            }
            imageLayers.append(perArch)
            imageBytes.append(bytes)
            let names = image.registries.isEmpty ? [scenario.registries.first?.name ?? ""] : image.registries
            var indices: [Int] = []
            for registryName in names {
                guard let r = scenario.registries.firstIndex(where: { $0.name == registryName }) else {
                    throw ClusterError("image '\(image.name)' names unknown registry '\(registryName)'",
                                       hint: "declare it under registries, or leave the image's registry out to use the first one")
                }
                indices.append(r)
            }
            imageRegistries.append(indices)
        }

        for bytes in imageBytes {
            for arch in Architecture.allCases { imageBytesTable.append(bytes[arch] ?? -1) }
        }
        let allNodes = scenario.nodes + scenario.nodeAdditions.map(\.node)
        var seenNodes: Set<String> = []
        for spec in allNodes {
            guard seenNodes.insert(spec.name).inserted else { throw ClusterError("node '\(spec.name)' is declared twice") }
        }
        var sourceBandwidth = scenario.registries.map(\.bandwidth)
        if let storage = scenario.storage { sourceBandwidth.append(storage.bandwidth) }
        network = FlowNetwork(nodeBandwidth: allNodes.map(\.bandwidth), sourceBandwidth: sourceBandwidth)
        sourceFlows = Array(repeating: 0, count: sourceBandwidth.count)
        for (i, spec) in allNodes.enumerated() {
            let joined = i < scenario.nodes.count
            var state = NodeState(spec: spec, labels: spec.effectiveLabels)
            for (item, holders) in scenario.dataPlacement where holders.contains(spec.name) { state.data.insert(item) }
            nodes.append(state)
            hot.append(NodeHot(capacity: spec.capacity, maxPods: spec.maxPods, diskBytes: spec.diskBytes, architecture: spec.architecture,
                               isUp: joined, hasJoined: joined, hasTaints: spec.taints.contains { $0.effect != .preferNoSchedule }))
            var h = NodeUsage()
            h.cpuWatts = spec.maxWatts - spec.idleWatts
            h.gpuWatts = spec.capacity.gpus > 0 ? spec.gpuWatts : 0
            h.networkWatts = spec.networkWatts
            h.blockIOWatts = spec.blockIOWatts
            h.networkCapacity = max(1, spec.bandwidth)
            h.blockIOCapacity = max(1, spec.blockIOBandwidth)
            usage.append(h)
            if joined { joinedNodes += 1 }
        }
        imagePresent = Array(repeating: Array(repeating: false, count: imageNames.count), count: nodes.count)
        nonZeroRequested = Array(repeating: (0, 0), count: nodes.count)
        imageNodeCount = Array(repeating: 0, count: imageNames.count)

        var ownerIndex: [String: Int] = [:]
        pods.reserveCapacity(scenario.pods.count)
        for arrival in scenario.pods {
            guard podByName[arrival.pod.name] == nil else { throw ClusterError("pod '\(arrival.pod.name)' is declared twice") }
            guard let image = imageIndex[arrival.pod.image] else {
                throw ClusterError("pod '\(arrival.pod.name)' uses unknown image '\(arrival.pod.image)'",
                                   hint: "declare the image under images")
            }
            var owner = -1
            if let name = arrival.pod.owner {
                if let o = ownerIndex[name] {
                    owner = o
                } else {
                    owner = ownerNames.count
                    ownerIndex[name] = owner
                    ownerNames.append(name)
                }
            }
            podByName[arrival.pod.name] = pods.count
            pods.append(PodState(spec: arrival.pod, image: image, owner: owner, created: arrival.at))
            queue.schedule(.podArrives(pods.count - 1), at: arrival.at)
        }
        ownerCounts = Array(repeating: Array(repeating: 0, count: nodes.count), count: ownerNames.count)
        for deletion in scenario.deletions {
            guard podByName[deletion.pod] != nil else { throw ClusterError("deletion names unknown pod '\(deletion.pod)'") }
            queue.schedule(.deletePod(deletion.pod), at: deletion.at)
        }
        let nodeIndex = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.spec.name, $0) })
        for failure in scenario.failures {
            guard let n = nodeIndex[failure.node] else { throw ClusterError("failure names unknown node '\(failure.node)'") }
            queue.schedule(.nodeFails(n), at: failure.at)
            if let back = failure.recoversAt { queue.schedule(.nodeRecovers(n), at: back) }
        }
        for (offset, addition) in scenario.nodeAdditions.enumerated() {
            queue.schedule(.nodeJoins(scenario.nodes.count + offset), at: addition.at)
        }
        try setUpFunctions(imageIndex: imageIndex)
    }

    // MARK: Running

    /// Runs until no event is left or the next one is after `limit`.
    /// - Returns: whether events remain (the run stopped at the limit).
    @discardableResult
    public mutating func run(until limit: SimTime = .infinity) -> Bool {
        run(until: limit, every: .max) { _ in true }
    }

    /// Processes events up to `limit`, calling `progress` with the simulated time now and
    /// then (for progress bars); stops early when `progress` returns false.
    @discardableResult
    public mutating func run(until limit: SimTime = .infinity, every interval: Int = 100_000, progress: (SimTime) -> Bool) -> Bool {
        runLimit = limit
        var count = 0
        while let next = queue.nextTime, next <= limit, let (time, event) = queue.pop() {
            now = time
            eventsProcessed &+= 1
            handle(event)
            count += 1
            if count % interval == 0 && !progress(now) { return true }
        }
        if limit != .infinity, now < limit { now = limit }
        return !queue.isEmpty
    }

    mutating func handle(_ event: Event) {
        switch event {
        case .podArrives(let p):
            emit(.podCreated, pod: p)
            enqueue(p)
        case .scheduleCycle:
            scheduleCycle()
        case .retry(let p, let generation):
            guard pods[p].generation == generation, pods[p].phase == .pending else { return }
            enqueue(p)
        case .flushUnschedulable(let p, let attempts):
            // Still waiting since that attempt: podMaxInUnschedulablePodsDuration passed.
            guard pods[p].attempts == attempts, pods[p].phase == .pending, unschedulable.contains(p) else { return }
            unschedulable.remove(p)
            moveToActiveOrBackoff(p)
        case .requestSent(let n, let layer, let source, let generation):
            guard nodes[n].generation == generation, hot[n].isUp else { return }
            startTransfer(node: n, layer: layer, source: source)
        case .networkTick(let version):
            guard version == networkVersion else { return }
            finishTransfers()
        case .layerExtracted(let n, let layer, let generation):
            guard nodes[n].generation == generation else { return }
            layerReady(node: n, layer: layer)
        case .imageGC(let n, let generation):
            nodes[n].gcScheduled = false
            guard nodes[n].generation == generation, hot[n].isUp else { return }
            imageGC(node: n)
        case .containerStarted(let p, let generation):
            guard pods[p].generation == generation, pods[p].phase == .starting else { return }
            pods[p].phase = .settingUp
            emit(.containerStarted, pod: p, duration: (now - (pods[p].imageReady ?? now)).seconds)
            var setup = pods[p].spec.lifecycle.setup.sample(using: &lifecycleRandom) + pods[p].extraSetup
            if hasCustomSimulator(pod: p), let (custom, context) = functionSimulator(forPod: p) {
                var random = lifecycleRandom
                if let s = custom.setup(context, random: &random) { setup = s + pods[p].extraSetup }
                lifecycleRandom = random
            }
            queue.schedule(.setupDone(pod: p, generation: generation), at: now + .seconds(setup))
        case .setupDone(let p, let generation):
            guard pods[p].generation == generation, pods[p].phase == .settingUp else { return }
            pods[p].phase = .ready
            // A container restarted in place (a replica killed for memory) is not a new start.
            if pods[p].ready == nil { stats.podReady(pods[p], at: now) }
            pods[p].ready = now
            emit(.podReady, pod: p, duration: (now - pods[p].created).seconds)
            if pods[p].replica >= 0 { replicaReady(pods[p].replica) }
        case .deletePod(let name):
            guard let p = podByName[name] else { return }
            deletePod(p)
        case .terminated(let p, let generation):
            guard pods[p].generation == generation, pods[p].phase == .terminating else { return }
            releasePod(p)
            pods[p].phase = .removed
            emit(.podRemoved, pod: p)
            if pods[p].replica >= 0 { replicaRemoved(pods[p].replica) }
            capacityFreed()
        case .nodeFails(let n):
            failNode(n)
        case .nodeRecovers(let n):
            guard hot[n].hasJoined, !hot[n].isUp else { return }
            hot[n].isUp = true
            usage[n].upSince = now.seconds
            usage[n].lastUsageChange = now.seconds
            nodes[n].generation += 1
            emit(.nodeRecovered, node: n)
            capacityFreed()
        case .arrival(let w):
            requestArrives(workload: w)
        case .invocationEnd(let request, let token):
            invocationEnds(request: Int(request), token: token)
        case .scalerTick(let f):
            scalerTick(f)
        case .idleCheck(let f, let generation):
            idleCheck(f, generation: generation)
        case .monitorTick:
            monitorTick()
        case .scaleCommand(let i):
            let command = scenario.scaleCommands[i]
            if let f = functionIndex[command.function] {
                scale(f, to: command.replicas, reason: "scale command", inputs: nil)
            }
        case .nodeJoins(let n):
            guard !hot[n].hasJoined else { return }
            hot[n].hasJoined = true
            hot[n].isUp = true
            joinedNodes += 1
            nodes[n].joinedAt = now.seconds
            // Billed from the moment it joins, not from the start of the run.
            usage[n].upSince = now.seconds
            usage[n].lastUsageChange = now.seconds
            emit(.nodeAdded, node: n)
            capacityFreed()
        }
    }

    // MARK: Scheduling

    mutating func enqueue(_ p: Int) {
        activeQueue.append(p)
        if !schedulerBusy {
            schedulerBusy = true
            queue.schedule(.scheduleCycle, at: now)
        }
    }

    mutating func scheduleCycle() {
        let latency = profile.schedulingLatency
        repeat {
            guard activeHead < activeQueue.count else {
                activeQueue.removeAll(keepingCapacity: true)
                activeHead = 0
                schedulerBusy = false
                return
            }
            let p = activeQueue[activeHead]
            activeHead += 1
            if activeHead > 4096 && activeHead * 2 > activeQueue.count {
                activeQueue.removeFirst(activeHead)
                activeHead = 0
            }
            if pods[p].phase == .pending { attemptToSchedule(p) }
        } while latency <= 0
        queue.schedule(.scheduleCycle, at: now + .seconds(latency))
    }

    mutating func attemptToSchedule(_ p: Int) {
        pods[p].attempts += 1
        stats.schedulingAttempts += 1
        let decision = selectNode(for: p)
        guard let n = decision.node else {
            stats.unschedulableAttempts += 1
            let reason = decision.summary
            pods[p].lastFailure = reason
            pods[p].lastAttempt = now
            unschedulable.insert(p)
            scheduleLeftoverFlush(p)
            emit(.podUnschedulable, pod: p, detail: reason)
            if pods[p].replica >= 0 { replicaUnschedulable(pods[p].replica) }
            return
        }
        bind(p, to: n, score: decision.score, feasible: decision.feasible)
    }

    struct Decision {
        var node: Int?
        var score: Double = 0
        var feasible = 0
        var rejections: [FilterPlugin: (count: Int, reason: String)] = [:]

        var summary: String {
            let total = rejections.values.reduce(0) { $0 + $1.count }
            let parts = rejections.sorted { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key.rawValue < $1.key.rawValue) }
                .map { "\($0.value.count) \($0.value.reason)" }
            return "0/\(total) nodes are available: " + parts.joined(separator: ", ")
        }
    }

    /// Filter (round robin from where the last cycle stopped, until enough feasible nodes are
    /// found), then score, as kube-scheduler does.
    mutating func selectNode(for p: Int) -> Decision {
        let count = nodes.count
        // Nodes that have not joined do not exist for the scheduler yet: they are neither
        // counted for percentageOfNodesToScore nor examined.
        guard count > 0, joinedNodes > 0 else { return Decision() }
        let want = profile.feasibleNodesToFind(of: joinedNodes)
        var feasible: [Int] = []
        feasible.reserveCapacity(min(want, 512))
        var decision = Decision()
        let info = podInfo(p)
        var rejectedCount = [Int](repeating: 0, count: FilterPlugin.allCases.count)
        var firstRejected = [Int](repeating: -1, count: FilterPlugin.allCases.count)
        let steps = findFeasible(info, pod: p, want: want, into: &feasible, rejectedCount: &rejectedCount, firstRejected: &firstRejected)
        if feasible.isEmpty {
            for plugin in FilterPlugin.allCases where rejectedCount[plugin.index] > 0 {
                decision.rejections[plugin] = (rejectedCount[plugin.index], rejectionReason(plugin, pod: p, node: firstRejected[plugin.index]))
            }
        }
        nextStartNode = (nextStartNode + steps) % count
        decision.feasible = feasible.count
        guard !feasible.isEmpty else { return decision }
        if feasible.count == 1 {
            decision.node = feasible[0]
            return decision
        }
        let scores = score(pod: p, nodes: feasible)
        var best = -Double.infinity
        var ties = 0
        for (k, s) in scores.enumerated() {
            if s > best + 1e-9 {
                best = s
                decision.node = feasible[k]
                ties = 1
            } else if abs(s - best) <= 1e-9 {
                // Reservoir sampling among equal scores, as kube-scheduler picks ties at random.
                ties += 1
                if schedulerRandom.next() % UInt64(ties) == 0 { decision.node = feasible[k] }
            }
        }
        decision.score = best
        return decision
    }

    /// The filter pass: nodes round robin from `nextStartNode` until `want` feasible ones are
    /// found; nodes that have not joined are skipped. Returns the nodes stepped over.
    /// (Non-mutating, so the loop reads the node arrays in place.)
    func findFeasible(_ info: PodInfo, pod p: Int, want: Int, into feasible: inout [Int], rejectedCount: inout [Int],
                      firstRejected: inout [Int]) -> Int
    {
        let count = nodes.count
        var i = nextStartNode
        var steps = 0
        let allJoined = joinedNodes == count
        while steps < count && feasible.count < want {
            steps += 1
            if allJoined || hot[i].hasJoined {
                if let plugin = failingFilter(info, pod: p, node: i) {
                    let k = plugin.index
                    if rejectedCount[k] == 0 { firstRejected[k] = i }
                    rejectedCount[k] += 1
                } else {
                    feasible.append(i)
                }
            }
            i += 1
            if i == count { i = 0 }
        }
        return steps
    }

    func podInfo(_ p: Int) -> PodInfo {
        let spec = pods[p].spec
        return PodInfo(requests: spec.requests, image: pods[p].image, hasSelector: !spec.nodeSelector.isEmpty,
                       hasAffinity: !spec.requiredAffinity.isEmpty)
    }

    func filter(pod p: Int, node n: Int) -> FilterRejection? {
        let info = podInfo(p)
        guard let plugin = failingFilter(info, pod: p, node: n) else { return nil }
        return FilterRejection(plugin: plugin, reason: rejectionReason(plugin, pod: p, node: n))
    }

    /// The bytes of an image's variant for an architecture, or -1 when it has none (a flat
    /// table: the filters look this up for every node).
    @inline(__always)
    func imageSize(_ image: Int, _ arch: Architecture) -> Int64 {
        imageBytesTable[image &* Architecture.allCases.count &+ arch.index]
    }

    /// The first filter that rejects the node, or `nil` when it fits. The hot path: no
    /// strings, no dictionaries unless the pod or node needs them.
    func failingFilter(_ info: PodInfo, pod p: Int, node n: Int) -> FilterPlugin? {
        let h = hot[n]
        for plugin in profile.filters {
            switch plugin {
            case .nodeUnschedulable:
                if !h.isUp { return plugin }
            case .nodeResourcesFit:
                let r = info.requests, a = h.allocated, c = h.capacity
                if a.cpuMillis + r.cpuMillis > c.cpuMillis || a.memoryBytes + r.memoryBytes > c.memoryBytes
                    || a.gpus + r.gpus > c.gpus || a.tpus + r.tpus > c.tpus
                {
                    return plugin
                }
                let bytes = imageSize(info.image, h.architecture)
                if bytes >= 0 {
                    // Quick bound first; the exact count of missing layers only near the limit.
                    let committed = a.diskBytes + h.pinnedBytes + r.diskBytes
                    if committed + bytes > h.diskBytes && committed + missingBytes(image: info.image, node: n) > h.diskBytes {
                        return plugin
                    }
                }
            case .nodeAffinity:
                guard info.hasSelector || info.hasAffinity else { continue }
                let labels = nodes[n].labels
                for (k, v) in pods[p].spec.nodeSelector where labels[k] != v { return plugin }
                for term in pods[p].spec.requiredAffinity where !term.matches(labels) { return plugin }
            case .taintToleration:
                guard h.hasTaints else { continue }
                if untoleratedTaint(pod: p, node: n) != nil { return plugin }
            case .imageArchitecture:
                if imageSize(info.image, h.architecture) < 0 { return plugin }
            case .maxPods:
                if h.podCount >= h.maxPods { return plugin }
            }
        }
        return nil
    }

    func missingBytes(image: Int, node n: Int) -> Int64 {
        var missing: Int64 = 0
        for layer in imageLayers[image][hot[n].architecture] ?? [] where nodes[n].pins[layer] == nil {
            missing += layerSizes[layer]
        }
        return missing
    }

    func untoleratedTaint(pod p: Int, node n: Int) -> Taint? {
        nodes[n].spec.taints.first { taint in
            taint.effect != .preferNoSchedule && !pods[p].spec.tolerations.contains { $0.tolerates(taint) }
        }
    }

    /// The message kube-scheduler would give for a rejection.
    func rejectionReason(_ plugin: FilterPlugin, pod p: Int, node n: Int) -> String {
        let h = hot[n]
        let r = pods[p].spec.requests, a = h.allocated, c = h.capacity
        switch plugin {
        case .nodeUnschedulable:
            return h.hasJoined ? "node(s) were down" : "node(s) had not joined yet"
        case .nodeResourcesFit:
            if a.cpuMillis + r.cpuMillis > c.cpuMillis { return "Insufficient cpu" }
            if a.memoryBytes + r.memoryBytes > c.memoryBytes { return "Insufficient memory" }
            if a.gpus + r.gpus > c.gpus { return "Insufficient gpu" }
            if a.tpus + r.tpus > c.tpus { return "Insufficient tpu" }
            return "Insufficient disk (image and local storage)"
        case .nodeAffinity:
            return "node(s) didn't match Pod's node affinity/selector"
        case .taintToleration:
            let t = untoleratedTaint(pod: p, node: n)
            return "node(s) had untolerated taint {\(t?.key ?? ""): \(t?.value ?? "")}"
        case .imageArchitecture:
            return "node(s) had no image variant for their architecture (\(h.architecture.rawValue))"
        case .maxPods:
            return "Too many pods"
        }
    }

    /// Weighted sum of the plugins' scores. Each plugin's score is a whole number from 0 to 100,
    /// as the framework's `int64` scores (`framework.MaxNodeScore`), so equal nodes tie exactly
    /// and the tie is broken at random.
    func score(pod p: Int, nodes candidates: [Int]) -> [Double] {
        var totals = [Double](repeating: 0, count: candidates.count)
        for weighted in profile.scores where weighted.weight != 0 {
            let w = Double(weighted.weight)
            let raw = rawScores(weighted.plugin, pod: p, nodes: candidates)
            for k in totals.indices { totals[k] += w * raw[k] }
        }
        return totals
    }

    /// kube-scheduler's defaults for a pod that requests no CPU or memory, used for scoring
    /// (`schedutil.DefaultMilliCPURequest`, `DefaultMemoryRequest`).
    static let defaultCPURequest: Int64 = 100
    static let defaultMemoryRequest: Int64 = 200 * 1024 * 1024

    /// A pod's requests with the non-zero defaults (`schedutil.GetNonzeroRequests`).
    static func nonZero(_ r: Resources) -> (cpu: Int64, memory: Int64) {
        (r.cpuMillis > 0 ? r.cpuMillis : defaultCPURequest, r.memoryBytes > 0 ? r.memoryBytes : defaultMemoryRequest)
    }

    /// `leastRequestedScore`: `(capacity − requested) × 100 / capacity` in integers, 0 when over.
    @inline(__always)
    static func leastRequested(_ requested: Int64, _ capacity: Int64) -> Int64 {
        guard capacity > 0, requested <= capacity else { return 0 }
        return (capacity - requested) * 100 / capacity
    }

    func rawScores(_ plugin: ScorePlugin, pod p: Int, nodes candidates: [Int]) -> [Double] {
        let r = pods[p].spec.requests
        let image = pods[p].image
        switch plugin {
        case .leastAllocated:
            // NodeResourcesFit's LeastAllocated over CPU and memory (weight 1 each), on the
            // non-zero requests (pkg/scheduler/framework/plugins/noderesources/least_allocated.go).
            let pod = Self.nonZero(r)
            return candidates.map { n in
                let c = hot[n].capacity
                var sum: Int64 = 0, weights: Int64 = 0
                let used = nonZeroRequested[n]
                if c.cpuMillis > 0 { sum += Self.leastRequested(used.cpu + pod.cpu, c.cpuMillis); weights += 1 }
                if c.memoryBytes > 0 { sum += Self.leastRequested(used.memory + pod.memory, c.memoryBytes); weights += 1 }
                return weights > 0 ? Double(sum / weights) : 0
            }
        case .balancedAllocation:
            // `int64((1 − |cpuFraction − memFraction| / 2) × 100)` on the actual requests
            // (balanced_allocation.go); a resource without capacity is left out.
            return candidates.map { n in
                let a = hot[n].allocated, c = hot[n].capacity
                guard c.cpuMillis > 0, c.memoryBytes > 0 else { return 100 }  // one fraction: deviation 0
                let cpu = min(1, Double(a.cpuMillis + r.cpuMillis) / Double(c.cpuMillis))
                let mem = min(1, Double(a.memoryBytes + r.memoryBytes) / Double(c.memoryBytes))
                return Double(Int64((1 - abs((cpu - mem) / 2)) * 100))
            }
        case .imageLocality:
            // image_locality.go: `int64(size × spread)` summed, clamped to 23–1000 MiB, then
            // `100 × (sum − min) / (max − min)` in integers; spread divides by the nodes that exist.
            let total = Double(joinedNodes)
            let spread = total > 0 ? Double(imageNodeCount[image]) / total : 0
            let minThreshold: Int64 = 23 * 1024 * 1024, maxThreshold: Int64 = 1000 * 1024 * 1024
            return candidates.map { n in
                let size = imageSize(image, hot[n].architecture)
                let scaled: Int64 = imagePresent[n][image] && size >= 0 ? Int64(Double(size) * spread) : 0
                let sum = min(max(scaled, minThreshold), maxThreshold)
                return Double(100 * (sum - minThreshold) / (maxThreshold - minThreshold))
            }
        case .spread:
            // SelectorSpread's NormalizeScore: `int64(100 × (float64(max − count) / float64(max)))`,
            // the division first (so 29 of 100 gives 28: 100 × 0.29 is just below 29).
            let owner = pods[p].owner
            guard owner >= 0 else { return candidates.map { _ in 100 } }
            let counts = ownerCounts[owner]
            let maxCount = candidates.reduce(Int32(0)) { max($0, counts[$1]) }
            guard maxCount > 0 else { return candidates.map { _ in 100 } }
            return candidates.map { Double(Int64(100 * (Double(maxCount - counts[$0]) / Double(maxCount)))) }
        case .dataLocality:
            let items = pods[p].spec.dataItems
            guard !items.isEmpty else { return candidates.map { _ in 0 } }
            return candidates.map { n in Double(100 * items.filter { nodes[n].data.contains($0) }.count / items.count) }
        }
    }

    mutating func bind(_ p: Int, to n: Int, score: Double, feasible: Int) {
        unschedulable.remove(p)
        pods[p].node = n
        pods[p].phase = .scheduled
        pods[p].scheduled = now
        hot[n].allocated += pods[p].spec.requests
        let nonZero = Self.nonZero(pods[p].spec.requests)
        nonZeroRequested[n].cpu += nonZero.cpu
        nonZeroRequested[n].memory += nonZero.memory
        hot[n].podCount += 1
        if pods[p].owner >= 0 { ownerCounts[pods[p].owner][n] += 1 }
        let arch = nodes[n].spec.architecture
        let layers = imageLayers[pods[p].image][arch] ?? []
        for layer in layers {
            if nodes[n].pins[layer, default: 0] == 0 { hot[n].pinnedBytes += layerSizes[layer] }
            nodes[n].pins[layer, default: 0] += 1
        }
        emit(.podScheduled, pod: p, node: n, detail: "score \(Int(score.rounded())) among \(feasible) feasible")
        startPull(p, layers: layers)
    }

    // MARK: Images

    /// The kubelet's image puller: a pod whose image is being pulled or waits to be joins that
    /// pull; otherwise its image waits for a free pull slot (one per node when pulls are
    /// serialised).
    mutating func startPull(_ p: Int, layers: [Int]) {
        let n = pods[p].node
        pods[p].phase = .pullingImage
        pods[p].pullStarted = now
        let image = pods[p].image
        if layers.allSatisfy(nodes[n].ready.contains) {
            fetchLayers(p, layers: layers)
            return
        }
        if let k = nodes[n].activePulls.firstIndex(where: { $0.image == image }) {
            nodes[n].activePulls[k].pods.append(p)
            fetchLayers(p, layers: layers)
            return
        }
        if let k = nodes[n].queuedPulls.firstIndex(where: { $0.image == image }) {
            nodes[n].queuedPulls[k].pods.append(p)
            return
        }
        nodes[n].queuedPulls.append((image, [p]))
        activatePulls(node: n)
    }

    /// Starts waiting image pulls while the node has free pull slots.
    mutating func activatePulls(node n: Int) {
        let limit = scenario.kubelet.parallelImagePulls
        while nodes[n].activePulls.count < limit, !nodes[n].queuedPulls.isEmpty {
            let job = nodes[n].queuedPulls.removeFirst()
            let waiting = job.pods.filter { pods[$0].node == n && pods[$0].phase == .pullingImage }
            guard !waiting.isEmpty else { continue }
            let layers = imageLayers[job.image][hot[n].architecture] ?? []
            if layers.allSatisfy(nodes[n].ready.contains) {
                for p in waiting { fetchLayers(p, layers: layers) }
                continue
            }
            nodes[n].activePulls.append((job.image, waiting))
            for p in waiting { fetchLayers(p, layers: layers) }
        }
    }

    /// Ends the node's image pulls whose layers are all unpacked, then starts waiting ones.
    mutating func finishImagePulls(node n: Int) {
        guard !nodes[n].activePulls.isEmpty else { return }
        let arch = hot[n].architecture
        let before = nodes[n].activePulls.count
        let ready = nodes[n].ready
        nodes[n].activePulls.removeAll { job in
            (imageLayers[job.image][arch] ?? []).allSatisfy(ready.contains)
                || !job.pods.contains { pods[$0].node == n && pods[$0].phase == .pullingImage }
        }
        if nodes[n].activePulls.count < before { activatePulls(node: n) }
    }

    mutating func fetchLayers(_ p: Int, layers: [Int]) {
        let n = pods[p].node
        var pending = 0
        var hitAll = true
        for layer in layers {
            stats.layerRequests += 1
            if nodes[n].ready.contains(layer) {
                stats.layerCacheHits += 1
                useCounter += 1
                nodes[n].cached[layer] = useCounter
                continue
            }
            hitAll = false
            pending += 1
            if nodes[n].inFlight[layer] != nil {
                nodes[n].inFlight[layer]?.append(p)
                continue
            }
            nodes[n].inFlight[layer] = [p]
            nodes[n].inFlightBytes += layerSizes[layer]
            // The main storage is a pull-through cache: the first request for a layer goes to
            // the registry and the storage keeps a copy as it streams by; later requests (even
            // while that first transfer runs) are served by the storage.
            let source: Int
            if let storage = storageSource, storageCache[layer] != nil {
                source = storage
                useCounter += 1
                storageCache[layer] = useCounter
            } else {
                source = pickRegistry(pods[p].image)
                if storageSource != nil { cacheInStorage(layer) }
            }
            requestTimes[Self.requestKey(n, layer)] = (now, source)
            sourceFlows[source] += 1
            queue.schedule(.requestSent(node: n, layer: layer, source: source, generation: nodes[n].generation),
                           at: now + .seconds(sourceRoundTrip[source]))
        }
        pods[p].usedCache = hitAll
        pods[p].pendingLayers = pending
        if pending == 0 { imageReady(p) }
    }

    mutating func startTransfer(node n: Int, layer: Int, source: Int) {
        guard nodes[n].inFlight[layer] != nil else { return }
        if !makeRoom(node: n, bytes: 0) {
            // Disk above the limit even after collection: report the waiting pods.
            failLayer(node: n, layer: layer, reason: "image does not fit on the node's disk")
            return
        }
        let requested = takeRequest(node: n, layer: layer)
        let bytes = Double(layerSizes[layer])
        emit(.pullStarted, node: n, image: layerDigests[layer], bytes: layerSizes[layer], source: sourceNames[source])
        let flow = network.start(node: n, source: source, bytes: bytes, at: now.seconds)
        flowPulls[flow.raw] = Pull(node: n, layer: layer, source: source, requested: requested ?? now)
        rescheduleNetwork()
    }

    /// Of the registries holding an image, the one whose uplink is least loaded now
    /// (running transfers per byte of bandwidth); ties go to the earlier listed.
    func pickRegistry(_ image: Int) -> Int {
        let candidates = imageRegistries[image]
        guard candidates.count > 1 else { return candidates.first ?? 0 }
        var best = candidates[0]
        var bestLoad = Double.infinity
        for r in candidates {
            let load = Double(sourceFlows[r] + 1) / max(1, scenario.registries[r].bandwidth)
            if load < bestLoad { best = r; bestLoad = load }
        }
        return best
    }

    /// When each (node, layer) transfer was requested and from where, until it starts.
    var requestTimes: [UInt64: (time: SimTime, source: Int)] = [:]

    static func requestKey(_ node: Int, _ layer: Int) -> UInt64 { UInt64(node) << 32 | UInt64(layer) }

    mutating func takeRequest(node n: Int, layer: Int) -> SimTime? {
        requestTimes.removeValue(forKey: Self.requestKey(n, layer))?.time
    }

    mutating func rescheduleNetwork() {
        networkVersion += 1
        guard let next = network.nextCompletion() else { return }
        let scaled = (next * Double(SimTime.ticksPerSecond)).rounded(.up)
        let ticks = scaled < 9.0e18 ? Int64(max(0, scaled)) : .max  // a transfer that never ends waits forever
        queue.schedule(.networkTick(version: networkVersion), at: max(now, SimTime(ticks: ticks)))
    }

    mutating func finishTransfers() {
        let done = network.complete(at: now.seconds, tolerance: 1.0 / Double(SimTime.ticksPerSecond))
        for completion in done {
            guard let pull = flowPulls.removeValue(forKey: completion.flow.raw) else { continue }
            sourceFlows[pull.source] -= 1
            let n = pull.node
            let bytes = layerSizes[pull.layer]
            stats.pulls += 1
            stats.pulledBytes += bytes
            stats.pullSeconds.append((now - pull.requested).seconds)
            if pull.source == storageSource { stats.storageHits += 1 }
            emit(.pullFinished, node: n, image: layerDigests[pull.layer], bytes: bytes,
                 duration: (now - pull.requested).seconds, source: sourceNames[pull.source])
            guard nodes[n].inFlight[pull.layer] != nil else { continue }
            nodes[n].inFlightBytes -= bytes
            useCounter += 1
            nodes[n].cached[pull.layer] = useCounter
            nodes[n].cachedBytes += bytes
            if scenario.kubelet.orderedExtraction {
                startExtractions(node: n)
            } else {
                extract(node: n, layer: pull.layer)
            }
        }
        rescheduleNetwork()
    }

    mutating func extract(node n: Int, layer: Int) {
        nodes[n].extracting.insert(layer)
        let extraction = Double(layerSizes[layer]) / max(1, scenario.kubelet.extractionBytesPerSecond)
        queue.schedule(.layerExtracted(node: n, layer: layer, generation: nodes[n].generation), at: now + .seconds(extraction))
    }

    /// containerd unpacks an image's layers in order: for each running pull, the first layer
    /// not yet unpacked starts unpacking once it is downloaded and no earlier one is unpacking.
    /// Downloaded layers no running pull is waiting for are unpacked at once.
    mutating func startExtractions(node n: Int) {
        let arch = hot[n].architecture
        var wanted: Set<Int> = []
        for job in nodes[n].activePulls {
            let layers = imageLayers[job.image][arch] ?? []
            for layer in layers { wanted.insert(layer) }
            for layer in layers where !nodes[n].ready.contains(layer) {
                if !nodes[n].extracting.contains(layer), nodes[n].cached[layer] != nil, nodes[n].inFlight[layer] != nil {
                    extract(node: n, layer: layer)
                }
                break
            }
        }
        for (layer, _) in nodes[n].inFlight where !wanted.contains(layer) && nodes[n].cached[layer] != nil && !nodes[n].extracting.contains(layer) {
            extract(node: n, layer: layer)
        }
    }

    mutating func layerReady(node n: Int, layer: Int) {
        nodes[n].ready.insert(layer)
        nodes[n].extracting.remove(layer)
        nodes[n].detected[layer] = now.seconds
        let waiters = nodes[n].inFlight.removeValue(forKey: layer) ?? []
        refreshImagePresence(node: n)
        for p in waiters where pods[p].node == n && pods[p].phase == .pullingImage {
            pods[p].pendingLayers -= 1
            if pods[p].pendingLayers == 0 { imageReady(p) }
        }
        if scenario.kubelet.orderedExtraction { startExtractions(node: n) }
        finishImagePulls(node: n)
        scheduleImageGC(node: n)
    }

    /// Disk use counted by image GC: layers on disk or arriving, and containers' local disk.
    func diskUsage(node n: Int) -> Int64 {
        nodes[n].cachedBytes + nodes[n].inFlightBytes + hot[n].allocated.diskBytes
    }

    /// Above the high threshold, GC runs at the kubelet's next GC period (every `imageGCPeriod`
    /// from when the node joined).
    mutating func scheduleImageGC(node n: Int) {
        guard !nodes[n].gcScheduled, isAboveGCThreshold(node: n) else { return }
        let period = max(1, SimTime.seconds(scenario.kubelet.imageGCPeriod).ticks)
        let base = SimTime.seconds(nodes[n].joinedAt).ticks
        let elapsed = max(0, now.ticks - base)
        let at = SimTime(ticks: base + (elapsed + period - 1) / period * period)
        nodes[n].gcScheduled = true
        queue.schedule(.imageGC(node: n, generation: nodes[n].generation), at: at)
    }

    /// A periodic GC run: above the high threshold, evict unused layers at least
    /// `imageMinimumGCAge` old, least recently used first, until below the low threshold; if
    /// young layers kept it above, the next period tries again.
    mutating func imageGC(node n: Int) {
        if isAboveGCThreshold(node: n) {
            _ = evict(node: n, downTo: Double(nodes[n].spec.diskBytes) * scenario.kubelet.imageGCLowThreshold)
        }
        // Still above: try again next period only if a layer will have become old enough by
        // then. Layers held by running pods cannot go; releasing them re-arms GC
        // (`releaseLayers`). Without this, a disk filled by running pods would keep a GC event
        // pending forever and a run without a time limit would never end.
        if isAboveGCThreshold(node: n), hasYoungUnpinnedLayer(node: n) {
            nodes[n].gcScheduled = true
            queue.schedule(.imageGC(node: n, generation: nodes[n].generation), at: now + .seconds(max(1e-6, scenario.kubelet.imageGCPeriod)))
        }
    }

    /// Disk use above the image GC high threshold (`imageGC.high`).
    func isAboveGCThreshold(node n: Int) -> Bool {
        Double(diskUsage(node: n)) > Double(nodes[n].spec.diskBytes) * scenario.kubelet.imageGCHighThreshold
    }

    /// How long ago an unpacked layer no pod uses was pulled; `nil` for layers GC cannot take
    /// (in use, or still arriving).
    func unusedLayerAge(node n: Int, layer: Int) -> Double? {
        guard nodes[n].pins[layer] == nil, nodes[n].ready.contains(layer) else { return nil }
        let t = now.seconds
        return t - (nodes[n].detected[layer] ?? t)
    }

    /// Whether the node holds an unpacked layer no pod uses that is still too young for GC.
    func hasYoungUnpinnedLayer(node n: Int) -> Bool {
        let minimumAge = scenario.kubelet.imageMinimumGCAge
        return nodes[n].cached.keys.contains { unusedLayerAge(node: n, layer: $0).map { $0 < minimumAge - 1e-9 } ?? false }
    }

    /// Evicts unpinned, unpacked layers old enough for GC, least recently used first, until
    /// disk use is at most `target` bytes. Returns whether any was evicted.
    mutating func evict(node n: Int, downTo target: Double) -> Bool {
        let minimumAge = scenario.kubelet.imageMinimumGCAge
        let candidates = nodes[n].cached.filter {
            unusedLayerAge(node: n, layer: $0.key).map { $0 >= minimumAge - 1e-9 } ?? false
        }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        var freed = false
        for (layer, _) in candidates {
            guard Double(diskUsage(node: n)) > target else { break }
            freed = true
            nodes[n].cached[layer] = nil
            nodes[n].ready.remove(layer)
            nodes[n].detected[layer] = nil
            nodes[n].cachedBytes -= layerSizes[layer]
            stats.evictions += 1
            emit(.layerEvicted, node: n, image: layerDigests[layer], bytes: layerSizes[layer])
        }
        if freed {
            refreshImagePresence(node: n)
            // Freed disk is freed capacity: pods waiting for disk are retried.
            capacityFreed()
        }
        return freed
    }

    mutating func imageReady(_ p: Int) {
        pods[p].imageReady = now
        pods[p].phase = .starting
        let pullTime = (now - (pods[p].pullStarted ?? now)).seconds
        stats.podPullSeconds.append(pullTime)
        emit(.imageReady, pod: p, node: pods[p].node, image: imageNames[pods[p].image], duration: pullTime,
             source: pods[p].usedCache ? "node-cache" : nil)
        var startup = pods[p].spec.lifecycle.startup.sample(using: &lifecycleRandom)
        if hasCustomSimulator(pod: p), let (custom, context) = functionSimulator(forPod: p) {
            var random = lifecycleRandom
            startup = (custom.deploy(context, random: &random) ?? 0) + (custom.startup(context, random: &random) ?? startup)
            lifecycleRandom = random
        }
        stats.startupSeconds.append(startup)
        queue.schedule(.containerStarted(pod: p, generation: pods[p].generation), at: now + .seconds(startup))
    }

    mutating func failLayer(node n: Int, layer: Int, reason: String) {
        let waiters = nodes[n].inFlight.removeValue(forKey: layer) ?? []
        nodes[n].inFlightBytes -= layerSizes[layer]
        if let request = requestTimes.removeValue(forKey: Self.requestKey(n, layer)) { sourceFlows[request.source] -= 1 }
        for p in waiters where pods[p].node == n && pods[p].phase == .pullingImage {
            releasePod(p)
            pods[p].phase = .failed
            pods[p].lastFailure = reason
            emit(.podFailed, pod: p, node: n, detail: reason)
        }
        finishImagePulls(node: n)
    }

    /// Before a transfer: if the layer would not fit on the disk, the kubelet's eviction manager
    /// reclaims disk under pressure by deleting every unused image old enough for GC
    /// (`DeleteUnusedImages`). Returns whether usage is within the disk.
    mutating func makeRoom(node n: Int, bytes: Int64) -> Bool {
        let disk = Double(nodes[n].spec.diskBytes)
        if Double(diskUsage(node: n) + bytes) > disk { _ = evict(node: n, downTo: 0) }
        return Double(diskUsage(node: n) + bytes) <= disk
    }

    mutating func refreshImagePresence(node n: Int) {
        let arch = nodes[n].spec.architecture
        for i in imageNames.indices {
            let present = imageLayers[i][arch].map { $0.allSatisfy(nodes[n].ready.contains) } ?? false
            if present != imagePresent[n][i] {
                imagePresent[n][i] = present
                imageNodeCount[i] += present ? 1 : -1
            }
        }
    }

    mutating func cacheInStorage(_ layer: Int) {
        guard let storage = scenario.storage, storageCache[layer] == nil else { return }
        useCounter += 1
        storageCache[layer] = useCounter
        storageBytes += layerSizes[layer]
        if storageBytes > storage.capacityBytes {
            for (victim, _) in storageCache.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) where victim != layer {
                guard storageBytes > storage.capacityBytes else { break }
                storageCache[victim] = nil
                storageBytes -= layerSizes[victim]
            }
        }
    }

    // MARK: Pods leaving

    mutating func deletePod(_ p: Int) {
        switch pods[p].phase {
        case .pending:
            unschedulable.remove(p)
            pods[p].generation += 1
            pods[p].phase = .removed
            emit(.podRemoved, pod: p)
        case .removed, .failed, .terminating:
            return
        default:
            pods[p].phase = .terminating
            emit(.podTerminating, pod: p, node: pods[p].node)
            var grace = pods[p].spec.lifecycle.terminationGrace.sample(using: &lifecycleRandom)
            if hasCustomSimulator(pod: p), let (custom, context) = functionSimulator(forPod: p) {
                var random = lifecycleRandom
                if let t = custom.teardown(context, random: &random) { grace = t }
                lifecycleRandom = random
            }
            queue.schedule(.terminated(pod: p, generation: pods[p].generation), at: now + .seconds(grace))
        }
    }

    /// Gives back the pod's resources and image pins on its node.
    mutating func releasePod(_ p: Int) {
        let n = pods[p].node
        guard n >= 0 else { return }
        hot[n].allocated -= pods[p].spec.requests
        let nonZero = Self.nonZero(pods[p].spec.requests)
        nonZeroRequested[n].cpu -= nonZero.cpu
        nonZeroRequested[n].memory -= nonZero.memory
        hot[n].podCount -= 1
        if pods[p].owner >= 0 { ownerCounts[pods[p].owner][n] -= 1 }
        releaseLayers(of: p, node: n)
        pods[p].node = -1
        pods[p].generation += 1
    }

    /// Unpins the pod's image layers on its node; layers no pod uses any more can be collected,
    /// so GC is re-armed when the disk is above its threshold.
    mutating func releaseLayers(of p: Int, node n: Int) {
        var unpinned = false
        for layer in imageLayers[pods[p].image][nodes[n].spec.architecture] ?? [] {
            guard let count = nodes[n].pins[layer] else { continue }
            if count <= 1 {
                nodes[n].pins[layer] = nil
                hot[n].pinnedBytes -= layerSizes[layer]
                unpinned = true
            } else {
                nodes[n].pins[layer] = count - 1
            }
        }
        if unpinned && hot[n].isUp { scheduleImageGC(node: n) }
    }

    mutating func failNode(_ n: Int) {
        guard hot[n].isUp else { return }
        advanceNodeUsage(n, to: now.seconds)
        usage[n].upSeconds += now.seconds - usage[n].upSince
        hot[n].isUp = false
        nodes[n].generation += 1
        emit(.nodeFailed, node: n)
        let cancelled = network.cancelAll(node: n, at: now.seconds)
        for flow in cancelled {
            if let pull = flowPulls.removeValue(forKey: flow.raw) { sourceFlows[pull.source] -= 1 }
        }
        for (key, request) in requestTimes where key >> 32 == UInt64(n) { sourceFlows[request.source] -= 1 }
        requestTimes = requestTimes.filter { $0.key >> 32 != UInt64(n) }
        nodes[n].inFlight = [:]
        nodes[n].inFlightBytes = 0
        nodes[n].extracting = []
        nodes[n].activePulls = []
        nodes[n].queuedPulls = []
        nodes[n].gcScheduled = false
        // Layers downloaded but not yet extracted are dropped with the failure.
        for layer in nodes[n].cached.keys where !nodes[n].ready.contains(layer) {
            nodes[n].cached[layer] = nil
            nodes[n].cachedBytes -= layerSizes[layer]
        }
        rescheduleNetwork()
        let lost = pods.indices.filter { pods[$0].node == n }
        for p in lost {
            let phase = pods[p].phase
            releasePod(p)
            stats.lostPods += 1
            emit(.podLost, pod: p, node: n, detail: "node failed while \(phase.rawValue)")
            if pods[p].replica >= 0 { replicaLost(pods[p].replica) }
            if pods[p].owner >= 0 && phase != .terminating {
                // The deployment's controller replaces it: the pod starts over elsewhere.
                pods[p].phase = .pending
                pods[p].scheduled = nil
                pods[p].pullStarted = nil
                pods[p].imageReady = nil
                pods[p].ready = nil
                enqueue(p)
            } else {
                pods[p].phase = .failed
                pods[p].lastFailure = "node \(nodes[n].spec.name) failed"
                }
        }
    }

    /// Something freed capacity (a pod removed, a node added or back, image GC freed disk):
    /// unschedulable pods move on, as kube-scheduler's `MoveAllToActiveOrBackoffQueue` does.
    mutating func capacityFreed() {
        guard !unschedulable.isEmpty else { return }
        for p in unschedulable.sorted() { moveToActiveOrBackoff(p) }
        unschedulable.removeAll()
    }

    /// A pod whose backoff (measured from its last attempt, doubling from the initial backoff
    /// up to the maximum) has expired goes straight to the active queue; one still backing off
    /// is retried when its backoff ends.
    mutating func moveToActiveOrBackoff(_ p: Int) {
        let attempts = max(1, pods[p].attempts)
        let backoff = min(profile.maxBackoff, profile.initialBackoff * Double(1 << min(attempts - 1, 20)))
        let expires = pods[p].lastAttempt + .seconds(backoff)
        if expires <= now {
            enqueue(p)
        } else {
            queue.schedule(.retry(pod: p, generation: pods[p].generation), at: expires)
        }
    }

    /// kube-scheduler moves pods left unschedulable for more than
    /// `podMaxInUnschedulablePodsDuration` (5 min) back, checking every 30 s
    /// (`flushUnschedulablePodsLeftover`). Only in runs with a time limit: without one, a run
    /// ends once nothing but these retries of pods that cannot fit would happen.
    mutating func scheduleLeftoverFlush(_ p: Int) {
        guard runLimit != .infinity else { return }
        let period = Self.unschedulableFlushPeriod.ticks
        let due = (pods[p].lastAttempt + .seconds(Self.podMaxInUnschedulablePodsDuration)).ticks
        let at = SimTime(ticks: (due / period + 1) * period)  // the first check strictly after
        guard at <= runLimit else { return }
        queue.schedule(.flushUnschedulable(pod: p, attempts: pods[p].attempts), at: at)
    }

    static let podMaxInUnschedulablePodsDuration = 300.0
    static let unschedulableFlushPeriod = SimTime.seconds(30)

    // MARK: Events

    func emit(_ kind: ClusterEventRecord.Kind, pod p: Int? = nil, node n: Int? = nil, image: String? = nil, bytes: Int64? = nil,
              duration: Double? = nil, source: String? = nil, detail: String? = nil)
    {
        guard let onEvent else { return }
        let nodeIndex = n ?? p.flatMap { pods[$0].node >= 0 ? pods[$0].node : nil }
        onEvent(ClusterEventRecord(time: now, kind: kind, pod: p.map { pods[$0].spec.name }, node: nodeIndex.map { nodes[$0].spec.name },
                                   image: image, bytes: bytes, duration: duration, source: source, detail: detail))
    }
}
