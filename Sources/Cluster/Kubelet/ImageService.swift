import Simulation

/// The kubelets' image service: layer pulls over the network, extraction, caches, image GC.
extension ClusterSimulator {
    /// The image service's own state: the max-min fair network the layer transfers share,
    /// the transfers running and requested, the main storage's pull-through cache and which
    /// images are complete on which node (for ImageLocality). The per-node caches, pins and
    /// pull queues are in the node table's ``NodeState``; the methods below (`startPull`,
    /// `finishTransfers`, `layerReady`, `imageGC`, `releaseLayers`, …) are the kubelets'
    /// side of the coordinator and the only code that changes this state.
    struct ImageService {
        var network: FlowNetwork
        /// Bumped whenever the network's next completion changes; older ticks are stale.
        var networkVersion = 0
        /// Running transfers by flow.
        var flowPulls: [Int: Pull] = [:]
        /// When each (node, layer) transfer was requested and from where, until it starts.
        var requestTimes: [UInt64: (time: SimTime, source: Int)] = [:]
        /// Transfers running from each source (registries, then storage).
        var sourceFlows: [Int]
        /// Layers in the main storage: layer → last use.
        var storageCache: [Int: UInt64] = [:]
        var storageBytes: Int64 = 0
        /// The sequence number for LRU order (node caches and storage).
        var useCounter: UInt64 = 0
        /// Node × image: all of the image's layers are unpacked on the node.
        var imagePresent: [[Bool]] = []
        /// Nodes holding each image completely.
        var imageNodeCount: [Int] = []

        init(network: FlowNetwork, sources: Int) {
            self.network = network
            sourceFlows = Array(repeating: 0, count: sources)
        }

        /// Makes room for an image declared during a run (complete on no node yet).
        mutating func addImage() {
            for n in imagePresent.indices { imagePresent[n].append(false) }
            imageNodeCount.append(0)
        }
    }

    struct Pull {
        var node: Int
        var layer: Int
        var source: Int
        var requested: SimTime
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
        if layers.allSatisfy(nodeTable.nodes[n].ready.contains) {
            fetchLayers(p, layers: layers)
            return
        }
        if let k = nodeTable.nodes[n].activePulls.firstIndex(where: { $0.image == image }) {
            nodeTable.nodes[n].activePulls[k].pods.append(p)
            fetchLayers(p, layers: layers)
            return
        }
        if let k = nodeTable.nodes[n].queuedPulls.firstIndex(where: { $0.image == image }) {
            nodeTable.nodes[n].queuedPulls[k].pods.append(p)
            return
        }
        nodeTable.nodes[n].queuedPulls.append((image, [p]))
        activatePulls(node: n)
    }

    /// Starts waiting image pulls while the node has free pull slots.
    mutating func activatePulls(node n: Int) {
        let limit = scenario.kubelet.parallelImagePulls
        while nodeTable.nodes[n].activePulls.count < limit, !nodeTable.nodes[n].queuedPulls.isEmpty {
            let job = nodeTable.nodes[n].queuedPulls.removeFirst()
            let waiting = job.pods.filter { pods[$0].node == n && pods[$0].phase == .pullingImage }
            guard !waiting.isEmpty else { continue }
            let layers = imageLayers[job.image][nodeTable.hot[n].architecture] ?? []
            if layers.allSatisfy(nodeTable.nodes[n].ready.contains) {
                for p in waiting { fetchLayers(p, layers: layers) }
                continue
            }
            nodeTable.nodes[n].activePulls.append((job.image, waiting))
            for p in waiting { fetchLayers(p, layers: layers) }
        }
    }

    /// Ends the node's image pulls whose layers are all unpacked, then starts waiting ones.
    mutating func finishImagePulls(node n: Int) {
        guard !nodeTable.nodes[n].activePulls.isEmpty else { return }
        let arch = nodeTable.hot[n].architecture
        let before = nodeTable.nodes[n].activePulls.count
        let ready = nodeTable.nodes[n].ready
        nodeTable.nodes[n].activePulls.removeAll { job in
            (imageLayers[job.image][arch] ?? []).allSatisfy(ready.contains)
                || !job.pods.contains { pods[$0].node == n && pods[$0].phase == .pullingImage }
        }
        if nodeTable.nodes[n].activePulls.count < before { activatePulls(node: n) }
    }

    mutating func fetchLayers(_ p: Int, layers: [Int]) {
        let n = pods[p].node
        var pending = 0
        var hitAll = true
        for layer in layers {
            stats.layerRequests += 1
            if nodeTable.nodes[n].ready.contains(layer) {
                stats.layerCacheHits += 1
                imageService.useCounter += 1
                nodeTable.nodes[n].cached[layer] = imageService.useCounter
                continue
            }
            hitAll = false
            pending += 1
            if nodeTable.nodes[n].inFlight[layer] != nil {
                nodeTable.nodes[n].inFlight[layer]?.append(p)
                continue
            }
            nodeTable.nodes[n].inFlight[layer] = [p]
            nodeTable.nodes[n].inFlightBytes += layerSizes[layer]
            // The main storage is a pull-through cache: the first request for a layer goes to
            // the registry and the storage keeps a copy as it streams by; later requests (even
            // while that first transfer runs) are served by the storage.
            let source: Int
            if let storage = storageSource, imageService.storageCache[layer] != nil {
                source = storage
                imageService.useCounter += 1
                imageService.storageCache[layer] = imageService.useCounter
            } else {
                source = pickRegistry(pods[p].image)
                if storageSource != nil { cacheInStorage(layer) }
            }
            imageService.requestTimes[Self.requestKey(n, layer)] = (now, source)
            imageService.sourceFlows[source] += 1
            queue.schedule(.requestSent(node: Int32(n), layer: Int32(layer), source: Int32(source), generation: Int32(truncatingIfNeeded: nodeTable.nodes[n].generation)),
                           at: now + .seconds(sourceRoundTrip[source]))
        }
        pods[p].usedCache = hitAll
        pods[p].pendingLayers = pending
        if pending == 0 { imageReady(p) }
    }

    mutating func startTransfer(node n: Int, layer: Int, source: Int) {
        guard nodeTable.nodes[n].inFlight[layer] != nil else { return }
        if !makeRoom(node: n, bytes: 0) {
            // Disk above the limit even after collection: report the waiting pods.
            failLayer(node: n, layer: layer, reason: "image does not fit on the node's disk")
            return
        }
        let requested = takeRequest(node: n, layer: layer)
        let bytes = Double(layerSizes[layer])
        emit(.pullStarted, node: n, image: layerDigests[layer], bytes: layerSizes[layer], source: sourceNames[source])
        let flow = imageService.network.start(node: n, source: source, bytes: bytes, at: now.seconds)
        imageService.flowPulls[flow.raw] = Pull(node: n, layer: layer, source: source, requested: requested ?? now)
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
            let load = Double(imageService.sourceFlows[r] + 1) / max(1, scenario.registries[r].bandwidth)
            if load < bestLoad { best = r; bestLoad = load }
        }
        return best
    }


    static func requestKey(_ node: Int, _ layer: Int) -> UInt64 { UInt64(node) << 32 | UInt64(layer) }

    mutating func takeRequest(node n: Int, layer: Int) -> SimTime? {
        imageService.requestTimes.removeValue(forKey: Self.requestKey(n, layer))?.time
    }

    mutating func rescheduleNetwork() {
        imageService.networkVersion += 1
        guard let next = imageService.network.nextCompletion() else { return }
        let scaled = (next * Double(SimTime.ticksPerSecond)).rounded(.up)
        let ticks = scaled < 9.0e18 ? Int64(max(0, scaled)) : .max  // a transfer that never ends waits forever
        queue.schedule(.networkTick(version: imageService.networkVersion), at: max(now, SimTime(ticks: ticks)))
    }

    mutating func finishTransfers() {
        let done = imageService.network.complete(at: now.seconds, tolerance: 1.0 / Double(SimTime.ticksPerSecond))
        for completion in done {
            guard let pull = imageService.flowPulls.removeValue(forKey: completion.flow.raw) else { continue }
            imageService.sourceFlows[pull.source] -= 1
            let n = pull.node
            let bytes = layerSizes[pull.layer]
            stats.pulls += 1
            stats.pulledBytes += bytes
            stats.pullSeconds.append((now - pull.requested).seconds)
            if pull.source == storageSource { stats.storageHits += 1 }
            emit(.pullFinished, node: n, image: layerDigests[pull.layer], bytes: bytes,
                 duration: (now - pull.requested).seconds, source: sourceNames[pull.source])
            guard nodeTable.nodes[n].inFlight[pull.layer] != nil else { continue }
            nodeTable.nodes[n].inFlightBytes -= bytes
            imageService.useCounter += 1
            nodeTable.nodes[n].cached[pull.layer] = imageService.useCounter
            nodeTable.nodes[n].cachedBytes += bytes
            if scenario.kubelet.orderedExtraction {
                startExtractions(node: n)
            } else {
                extract(node: n, layer: pull.layer)
            }
        }
        rescheduleNetwork()
    }

    mutating func extract(node n: Int, layer: Int) {
        nodeTable.nodes[n].extracting.insert(layer)
        let extraction = Double(layerSizes[layer]) / max(1, scenario.kubelet.extractionBytesPerSecond)
        queue.schedule(.layerExtracted(node: Int32(n), layer: Int32(layer), generation: Int32(truncatingIfNeeded: nodeTable.nodes[n].generation)), at: now + .seconds(extraction))
    }

    /// containerd unpacks an image's layers in order: for each running pull, the first layer
    /// not yet unpacked starts unpacking once it is downloaded and no earlier one is unpacking.
    /// Downloaded layers no running pull is waiting for are unpacked at once.
    mutating func startExtractions(node n: Int) {
        let arch = nodeTable.hot[n].architecture
        var wanted: Set<Int> = []
        for job in nodeTable.nodes[n].activePulls {
            let layers = imageLayers[job.image][arch] ?? []
            for layer in layers { wanted.insert(layer) }
            for layer in layers where !nodeTable.nodes[n].ready.contains(layer) {
                if !nodeTable.nodes[n].extracting.contains(layer), nodeTable.nodes[n].cached[layer] != nil, nodeTable.nodes[n].inFlight[layer] != nil {
                    extract(node: n, layer: layer)
                }
                break
            }
        }
        for (layer, _) in nodeTable.nodes[n].inFlight where !wanted.contains(layer) && nodeTable.nodes[n].cached[layer] != nil && !nodeTable.nodes[n].extracting.contains(layer) {
            extract(node: n, layer: layer)
        }
    }

    mutating func layerReady(node n: Int, layer: Int) {
        nodeTable.nodes[n].ready.insert(layer)
        nodeTable.nodes[n].extracting.remove(layer)
        nodeTable.nodes[n].detected[layer] = now.seconds
        let waiters = nodeTable.nodes[n].inFlight.removeValue(forKey: layer) ?? []
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
        nodeTable.nodes[n].cachedBytes + nodeTable.nodes[n].inFlightBytes + nodeTable.hot[n].allocated.diskBytes
    }

    /// Above the high threshold, GC runs at the kubelet's next GC period (every `imageGCPeriod`
    /// from when the node joined).
    mutating func scheduleImageGC(node n: Int) {
        guard !nodeTable.nodes[n].gcScheduled, isAboveGCThreshold(node: n) else { return }
        let period = max(1, SimTime.seconds(scenario.kubelet.imageGCPeriod).ticks)
        let base = SimTime.seconds(nodeTable.nodes[n].joinedAt).ticks
        let elapsed = max(0, now.ticks - base)
        let at = SimTime(ticks: base + (elapsed + period - 1) / period * period)
        nodeTable.nodes[n].gcScheduled = true
        queue.schedule(.imageGC(node: n, generation: nodeTable.nodes[n].generation), at: at)
    }

    /// A periodic GC run: above the high threshold, evict unused layers at least
    /// `imageMinimumGCAge` old, least recently used first, until below the low threshold; if
    /// young layers kept it above, the next period tries again.
    mutating func imageGC(node n: Int) {
        if isAboveGCThreshold(node: n) {
            _ = evict(node: n, downTo: Double(nodeTable.nodes[n].spec.diskBytes) * scenario.kubelet.imageGCLowThreshold)
        }
        // Still above: try again next period only if a layer will have become old enough by
        // then. Layers held by running pods cannot go; releasing them re-arms GC
        // (`releaseLayers`). Without this, a disk filled by running pods would keep a GC event
        // pending forever and a run without a time limit would never end.
        if isAboveGCThreshold(node: n), hasYoungUnpinnedLayer(node: n) {
            nodeTable.nodes[n].gcScheduled = true
            queue.schedule(.imageGC(node: n, generation: nodeTable.nodes[n].generation), at: now + .seconds(max(1e-6, scenario.kubelet.imageGCPeriod)))
        }
    }

    /// Disk use above the image GC high threshold (`imageGC.high`).
    func isAboveGCThreshold(node n: Int) -> Bool {
        Double(diskUsage(node: n)) > Double(nodeTable.nodes[n].spec.diskBytes) * scenario.kubelet.imageGCHighThreshold
    }

    /// How long ago an unpacked layer no pod uses was pulled; `nil` for layers GC cannot take
    /// (in use, or still arriving).
    func unusedLayerAge(node n: Int, layer: Int) -> Double? {
        guard nodeTable.nodes[n].pins[layer] == nil, nodeTable.nodes[n].ready.contains(layer) else { return nil }
        let t = now.seconds
        return t - (nodeTable.nodes[n].detected[layer] ?? t)
    }

    /// Whether the node holds an unpacked layer no pod uses that is still too young for GC.
    func hasYoungUnpinnedLayer(node n: Int) -> Bool {
        let minimumAge = scenario.kubelet.imageMinimumGCAge
        return nodeTable.nodes[n].cached.keys.contains { unusedLayerAge(node: n, layer: $0).map { $0 < minimumAge - 1e-9 } ?? false }
    }

    /// Evicts unpinned, unpacked layers old enough for GC, least recently used first, until
    /// disk use is at most `target` bytes. Returns whether any was evicted.
    mutating func evict(node n: Int, downTo target: Double) -> Bool {
        let minimumAge = scenario.kubelet.imageMinimumGCAge
        let candidates = nodeTable.nodes[n].cached.filter {
            unusedLayerAge(node: n, layer: $0.key).map { $0 >= minimumAge - 1e-9 } ?? false
        }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        var freed = false
        for (layer, _) in candidates {
            guard Double(diskUsage(node: n)) > target else { break }
            freed = true
            nodeTable.nodes[n].cached[layer] = nil
            nodeTable.nodes[n].ready.remove(layer)
            nodeTable.nodes[n].detected[layer] = nil
            nodeTable.nodes[n].cachedBytes -= layerSizes[layer]
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
        let waiters = nodeTable.nodes[n].inFlight.removeValue(forKey: layer) ?? []
        nodeTable.nodes[n].inFlightBytes -= layerSizes[layer]
        if let request = imageService.requestTimes.removeValue(forKey: Self.requestKey(n, layer)) { imageService.sourceFlows[request.source] -= 1 }
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
        let disk = Double(nodeTable.nodes[n].spec.diskBytes)
        if Double(diskUsage(node: n) + bytes) > disk { _ = evict(node: n, downTo: 0) }
        return Double(diskUsage(node: n) + bytes) <= disk
    }

    mutating func refreshImagePresence(node n: Int) {
        let arch = nodeTable.nodes[n].spec.architecture
        for i in imageNames.indices {
            let present = imageLayers[i][arch].map { $0.allSatisfy(nodeTable.nodes[n].ready.contains) } ?? false
            if present != imageService.imagePresent[n][i] {
                imageService.imagePresent[n][i] = present
                imageService.imageNodeCount[i] += present ? 1 : -1
            }
        }
    }

    mutating func cacheInStorage(_ layer: Int) {
        guard let storage = scenario.storage, imageService.storageCache[layer] == nil else { return }
        imageService.useCounter += 1
        imageService.storageCache[layer] = imageService.useCounter
        imageService.storageBytes += layerSizes[layer]
        if imageService.storageBytes > storage.capacityBytes {
            for (victim, _) in imageService.storageCache.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) where victim != layer {
                guard imageService.storageBytes > storage.capacityBytes else { break }
                imageService.storageCache[victim] = nil
                imageService.storageBytes -= layerSizes[victim]
            }
        }
    }

    /// Unpins the pod's image layers on its node; layers no pod uses any more can be collected,
    /// so GC is re-armed when the disk is above its threshold.
    mutating func releaseLayers(of p: Int, node n: Int) {
        var unpinned = false
        for layer in imageLayers[pods[p].image][nodeTable.nodes[n].spec.architecture] ?? [] {
            guard let count = nodeTable.nodes[n].pins[layer] else { continue }
            if count <= 1 {
                nodeTable.nodes[n].pins[layer] = nil
                nodeTable.hot[n].pinnedBytes -= layerSizes[layer]
                unpinned = true
            } else {
                nodeTable.nodes[n].pins[layer] = count - 1
            }
        }
        if unpinned && nodeTable.hot[n].isUp { scheduleImageGC(node: n) }
    }
}
