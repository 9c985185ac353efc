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
    /// Payloads are at most 16 bytes (Int32 where an index fits) so queue entries stay small:
    /// the heap's sift loops are most of the engine's time.
    enum Event {
        case podArrives(Int)
        case scheduleCycle
        case retry(pod: Int, generation: Int)
        case flushUnschedulable(pod: Int, attempts: Int)
        case requestSent(node: Int32, layer: Int32, source: Int32, generation: Int32)
        case networkTick(version: Int)
        case layerExtracted(node: Int32, layer: Int32, generation: Int32)
        case imageGC(node: Int, generation: Int)
        case containerStarted(pod: Int, generation: Int)
        case setupDone(pod: Int, generation: Int)
        /// The scenario's deletion at this index (its pod is looked up by name when it falls due).
        case deletePod(deletion: Int)
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

    // Configuration
    public let scenario: ClusterScenario
    let profile: SchedulerProfile
    var layerSizes: [Int64] = []
    var layerDigests: [String] = []
    /// Layer index by digest: images declared during a run share layers with earlier ones.
    var layerIndex: [String: Int] = [:]
    var imageNames: [String] = []
    var imageLayers: [[Architecture: [Int]]] = []
    var imageBytes: [[Architecture: Int64]] = []
    var imageBytesTable: [Int64] = []
    /// The registries holding each image, in preference order.
    var imageRegistries: [[Int]] = []
    var sourceNames: [String] = []
    var sourceRoundTrip: [Double] = []
    var storageSource: Int?
    var ownerNames: [String] = []

    // State
    /// The node table the scheduler, the kubelets and the FaaS platform read.
    var nodeTable = NodeTable()
    var pods: SegmentedArray<PodState> = []
    var podByName: ShardedDictionary<String, Int> = [:]
    /// The scheduler's queues and round-robin position.
    var scheduler: SchedulerState
    /// The kubelets' image service: transfers, storage cache and image presence.
    var imageService: ImageService
    var ownerCounts: [[Int32]] = []
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
    /// Receives, at every FaaS monitor tick, each node's CPU utilisation (0…1) since the last
    /// tick: (time in seconds, node name, utilisation); only nodes up are reported.
    public var onNodeUtilization: ((Double, String, Double) -> Void)?

    public init(scenario: ClusterScenario) throws {
        self.scenario = scenario
        profile = scenario.scheduler
        var seedSource = RandomSource(seed: scenario.seed)
        scheduler = SchedulerState(random: seedSource.fork())
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
        let allNodes = scenario.nodes + scenario.nodeAdditions.map(\.node)
        var seenNodes: Set<String> = []
        for spec in allNodes {
            guard seenNodes.insert(spec.name).inserted else { throw ClusterError("node '\(spec.name)' is declared twice") }
        }
        var sourceBandwidth = scenario.registries.map(\.bandwidth)
        if let storage = scenario.storage { sourceBandwidth.append(storage.bandwidth) }
        imageService = ImageService(network: FlowNetwork(nodeBandwidth: allNodes.map(\.bandwidth), sourceBandwidth: sourceBandwidth),
                                    sources: sourceBandwidth.count)
        var imageIndex: [String: Int] = [:]
        for image in scenario.images {
            guard imageIndex[image.name] == nil else { throw ClusterError("image '\(image.name)' is declared twice") }
            imageIndex[image.name] = imageNames.count
            try appendImage(image)
        }
        for (i, spec) in allNodes.enumerated() {
            var data: Set<String> = []
            for (item, holders) in scenario.dataPlacement where holders.contains(spec.name) { data.insert(item) }
            nodeTable.append(spec, joined: i < scenario.nodes.count, data: data)
        }
        imageService.imagePresent = Array(repeating: Array(repeating: false, count: imageNames.count), count: nodeTable.nodes.count)
        imageService.imageNodeCount = Array(repeating: 0, count: imageNames.count)

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
        ownerCounts = Array(repeating: Array(repeating: 0, count: nodeTable.nodes.count), count: ownerNames.count)
        for (i, deletion) in scenario.deletions.enumerated() {
            guard podByName[deletion.pod] != nil else { throw ClusterError("deletion names unknown pod '\(deletion.pod)'") }
            queue.schedule(.deletePod(deletion: i), at: deletion.at)
        }
        let nodeIndex = Dictionary(uniqueKeysWithValues: nodeTable.nodes.enumerated().map { ($1.spec.name, $0) })
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

    /// Adds an image to the image tables (its layers, sizes per architecture, registries);
    /// the per-node tables are sized after the scenario's images, or grown by ``declare(image:)``.
    mutating func appendImage(_ image: ImageSpec) throws {
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
        let names = image.registries.isEmpty ? [scenario.registries.first?.name ?? ""] : image.registries
        var registries: [Int] = []
        for registryName in names {
            guard let r = scenario.registries.firstIndex(where: { $0.name == registryName }) else {
                throw ClusterError("image '\(image.name)' names unknown registry '\(registryName)'",
                                   hint: "declare it under registries, or leave the image's registry out to use the first one")
            }
            registries.append(r)
        }
        imageNames.append(image.name)
        imageLayers.append(perArch)
        imageBytes.append(bytes)
        imageRegistries.append(registries)
        for arch in Architecture.allCases { imageBytesTable.append(bytes[arch] ?? -1) }
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
            // faas-sim profile: a run without a time limit ends with its last request.
            if faas.maybeDone {
                faas.maybeDone = false
                if limit == .infinity && !isFaaSActive { return false }
            }
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
            guard pods[p].attempts == attempts, pods[p].phase == .pending, scheduler.unschedulable.contains(p) else { return }
            scheduler.unschedulable.remove(p)
            moveToActiveOrBackoff(p)
        case .requestSent(let node, let layer, let source, let generation):
            let n = Int(node)
            guard Int32(truncatingIfNeeded: nodeTable.nodes[n].generation) == generation, nodeTable.hot[n].isUp else { return }
            startTransfer(node: n, layer: Int(layer), source: Int(source))
        case .networkTick(let version):
            guard version == imageService.networkVersion else { return }
            finishTransfers()
        case .layerExtracted(let node, let layer, let generation):
            let n = Int(node)
            guard Int32(truncatingIfNeeded: nodeTable.nodes[n].generation) == generation else { return }
            layerReady(node: n, layer: Int(layer))
        case .imageGC(let n, let generation):
            nodeTable.nodes[n].gcScheduled = false
            guard nodeTable.nodes[n].generation == generation, nodeTable.hot[n].isUp else { return }
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
        case .deletePod(let i):
            guard let p = podByName[scenario.deletions[i].pod] else { return }
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
            guard nodeTable.hot[n].hasJoined, !nodeTable.hot[n].isUp else { return }
            nodeTable.hot[n].isUp = true
            nodeTable.usage[n].upSince = now.seconds
            nodeTable.usage[n].lastUsageChange = now.seconds
            nodeTable.nodes[n].generation += 1
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
            guard !nodeTable.hot[n].hasJoined else { return }
            nodeTable.hot[n].hasJoined = true
            nodeTable.hot[n].isUp = true
            nodeTable.joined += 1
            nodeTable.nodes[n].joinedAt = now.seconds
            // Billed from the moment it joins, not from the start of the run.
            nodeTable.usage[n].upSince = now.seconds
            nodeTable.usage[n].lastUsageChange = now.seconds
            emit(.nodeAdded, node: n)
            capacityFreed()
        }
    }

    // MARK: Pods leaving

    mutating func deletePod(_ p: Int) {
        switch pods[p].phase {
        case .pending:
            scheduler.unschedulable.remove(p)
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
        nodeTable.release(pods[p].spec.requests, on: n)
        if pods[p].owner >= 0 { ownerCounts[pods[p].owner][n] -= 1 }
        releaseLayers(of: p, node: n)
        pods[p].node = -1
        pods[p].generation += 1
    }


    mutating func failNode(_ n: Int) {
        guard nodeTable.hot[n].isUp else { return }
        advanceNodeUsage(n, to: now.seconds)
        nodeTable.usage[n].upSeconds += now.seconds - nodeTable.usage[n].upSince
        nodeTable.hot[n].isUp = false
        nodeTable.nodes[n].generation += 1
        emit(.nodeFailed, node: n)
        let cancelled = imageService.network.cancelAll(node: n, at: now.seconds)
        for flow in cancelled {
            if let pull = imageService.flowPulls.removeValue(forKey: flow.raw) { imageService.sourceFlows[pull.source] -= 1 }
        }
        for (key, request) in imageService.requestTimes where key >> 32 == UInt64(n) { imageService.sourceFlows[request.source] -= 1 }
        imageService.requestTimes = imageService.requestTimes.filter { $0.key >> 32 != UInt64(n) }
        nodeTable.nodes[n].inFlight = [:]
        nodeTable.nodes[n].inFlightBytes = 0
        nodeTable.nodes[n].extracting = []
        nodeTable.nodes[n].activePulls = []
        nodeTable.nodes[n].queuedPulls = []
        nodeTable.nodes[n].gcScheduled = false
        // Layers downloaded but not yet extracted are dropped with the failure.
        for layer in nodeTable.nodes[n].cached.keys where !nodeTable.nodes[n].ready.contains(layer) {
            nodeTable.nodes[n].cached[layer] = nil
            nodeTable.nodes[n].cachedBytes -= layerSizes[layer]
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
                pods[p].lastFailure = "node \(nodeTable.nodes[n].spec.name) failed"
                }
        }
    }


    // MARK: Pods for the FaaS platform
    //
    // The FaaS layer creates, restarts, re-images and deletes its replicas' pods only through
    // these calls (and `deletePod`); it reads pod phases and nodes' use, never the scheduler's
    // queues or the kubelets' caches.

    /// Adds a pod created now and queues it for scheduling. Returns its index.
    mutating func createPod(_ state: PodState) -> Int {
        let p = pods.count
        pods.append(state)
        podByName[state.spec.name] = p
        emit(.podCreated, pod: p)
        enqueue(p)
        return p
    }

    /// Restarts a running pod's container in place (killed for memory): it starts again on
    /// the same node with its image already there.
    mutating func restartContainer(pod p: Int) {
        pods[p].generation += 1
        pods[p].phase = .starting
        pods[p].imageReady = now
        let startup = pods[p].spec.lifecycle.startup.sample(using: &lifecycleRandom)
        queue.schedule(.containerStarted(pod: p, generation: pods[p].generation), at: now + .seconds(startup))
    }

    /// Gives a pending pod that fits nowhere another image (a function's next ranked image)
    /// and queues it for scheduling again.
    mutating func reschedule(pod p: Int, image: Int, rank: Int, _ variant: FunctionImage) {
        pods[p].imageRank = rank
        pods[p].image = image
        pods[p].spec.image = variant.image
        pods[p].spec.requests = variant.requests
        pods[p].spec.nodeSelector = variant.nodeSelector
        scheduler.unschedulable.remove(p)
        enqueue(p)
    }

    // MARK: Events

    func emit(_ kind: ClusterEventRecord.Kind, pod p: Int? = nil, node n: Int? = nil, image: String? = nil, bytes: Int64? = nil,
              duration: Double? = nil, source: String? = nil, detail: String? = nil)
    {
        guard let onEvent else { return }
        let nodeIndex = n ?? p.flatMap { pods[$0].node >= 0 ? pods[$0].node : nil }
        onEvent(ClusterEventRecord(time: now, kind: kind, pod: p.map { pods[$0].spec.name }, node: nodeIndex.map { nodeTable.nodes[$0].spec.name },
                                   image: image, bytes: bytes, duration: duration, source: source, detail: detail))
    }
}
