import Simulation

/// The scheduler: active queue, backoff, unschedulable pods, filter and score.
extension ClusterSimulator {
    /// Everything the filters need to know about a pod, computed once per attempt.
    struct PodInfo {
        var requests: Resources
        var image: Int
        var hasSelector: Bool
        var hasAffinity: Bool
    }

    // MARK: Scheduling

    mutating func enqueue(_ p: Int) {
        if scheduler.push(p) { queue.schedule(.scheduleCycle, at: now) }
    }

    mutating func scheduleCycle() {
        let latency = profile.schedulingLatency
        repeat {
            guard let p = scheduler.popActive() else { return }
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
            scheduler.unschedulable.insert(p)
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
        let count = nodeTable.nodes.count
        // Nodes that have not joined do not exist for the scheduler yet: they are neither
        // counted for percentageOfNodesToScore nor examined.
        guard count > 0, nodeTable.joined > 0 else { return Decision() }
        let want = profile.feasibleNodesToFind(of: nodeTable.joined)
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
        scheduler.nextStartNode = (scheduler.nextStartNode + steps) % count
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
                if scheduler.random.next() % UInt64(ties) == 0 { decision.node = feasible[k] }
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
        let count = nodeTable.nodes.count
        var i = scheduler.nextStartNode
        var steps = 0
        let allJoined = nodeTable.joined == count
        while steps < count && feasible.count < want {
            steps += 1
            if allJoined || nodeTable.hot[i].hasJoined {
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
        let h = nodeTable.hot[n]
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
                let labels = nodeTable.nodes[n].labels
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
        for layer in imageLayers[image][nodeTable.hot[n].architecture] ?? [] where nodeTable.nodes[n].pins[layer] == nil {
            missing += layerSizes[layer]
        }
        return missing
    }

    func untoleratedTaint(pod p: Int, node n: Int) -> Taint? {
        nodeTable.nodes[n].spec.taints.first { taint in
            taint.effect != .preferNoSchedule && !pods[p].spec.tolerations.contains { $0.tolerates(taint) }
        }
    }

    /// The message kube-scheduler would give for a rejection.
    func rejectionReason(_ plugin: FilterPlugin, pod p: Int, node n: Int) -> String {
        let h = nodeTable.hot[n]
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

    func rawScores(_ plugin: ScorePlugin, pod p: Int, nodes candidates: [Int]) -> [Double] {
        let r = pods[p].spec.requests
        let image = pods[p].image
        switch plugin {
        case .leastAllocated:
            // NodeResourcesFit's LeastAllocated over CPU and memory (weight 1 each), on the
            // non-zero requests (pkg/scheduler/framework/plugins/noderesources/least_allocated.go).
            let pod = SchedulerState.nonZero(r)
            return candidates.map { n in
                let c = nodeTable.hot[n].capacity
                var sum: Int64 = 0, weights: Int64 = 0
                let used = nodeTable.nonZeroRequested[n]
                if c.cpuMillis > 0 { sum += SchedulerState.leastRequested(used.cpu + pod.cpu, c.cpuMillis); weights += 1 }
                if c.memoryBytes > 0 { sum += SchedulerState.leastRequested(used.memory + pod.memory, c.memoryBytes); weights += 1 }
                return weights > 0 ? Double(sum / weights) : 0
            }
        case .balancedAllocation:
            // `int64((1 − |cpuFraction − memFraction| / 2) × 100)` on the actual requests
            // (balanced_allocation.go); a resource without capacity is left out.
            return candidates.map { n in
                let a = nodeTable.hot[n].allocated, c = nodeTable.hot[n].capacity
                guard c.cpuMillis > 0, c.memoryBytes > 0 else { return 100 }  // one fraction: deviation 0
                let cpu = min(1, Double(a.cpuMillis + r.cpuMillis) / Double(c.cpuMillis))
                let mem = min(1, Double(a.memoryBytes + r.memoryBytes) / Double(c.memoryBytes))
                return Double(Int64((1 - abs((cpu - mem) / 2)) * 100))
            }
        case .imageLocality:
            // image_locality.go: `int64(size × spread)` summed, clamped to 23–1000 MiB, then
            // `100 × (sum − min) / (max − min)` in integers; spread divides by the nodes that exist.
            let total = Double(nodeTable.joined)
            let spread = total > 0 ? Double(imageService.imageNodeCount[image]) / total : 0
            let minThreshold: Int64 = 23 * 1024 * 1024, maxThreshold: Int64 = 1000 * 1024 * 1024
            return candidates.map { n in
                let size = imageSize(image, nodeTable.hot[n].architecture)
                let scaled: Int64 = imageService.imagePresent[n][image] && size >= 0 ? Int64(Double(size) * spread) : 0
                let sum = min(max(scaled, minThreshold), maxThreshold)
                return Double(100 * (sum - minThreshold) / (maxThreshold - minThreshold))
            }
        case .imagePresence:
            return candidates.map { imageService.imagePresent[$0][image] ? 100 : 0 }
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
            return candidates.map { n in Double(100 * items.filter { nodeTable.nodes[n].data.contains($0) }.count / items.count) }
        }
    }

    mutating func bind(_ p: Int, to n: Int, score: Double, feasible: Int) {
        scheduler.unschedulable.remove(p)
        pods[p].node = n
        pods[p].phase = .scheduled
        pods[p].scheduled = now
        nodeTable.allocate(pods[p].spec.requests, on: n)
        if pods[p].owner >= 0 { ownerCounts[pods[p].owner][n] += 1 }
        let arch = nodeTable.nodes[n].spec.architecture
        let layers = imageLayers[pods[p].image][arch] ?? []
        for layer in layers {
            if nodeTable.nodes[n].pins[layer, default: 0] == 0 { nodeTable.hot[n].pinnedBytes += layerSizes[layer] }
            nodeTable.nodes[n].pins[layer, default: 0] += 1
        }
        emit(.podScheduled, pod: p, node: n, detail: "score \(Int(score.rounded())) among \(feasible) feasible")
        if pods[p].replica >= 0 { replicaScheduled(pods[p].replica) }
        startPull(p, layers: layers)
    }

    /// Something freed capacity (a pod removed, a node added or back, image GC freed disk):
    /// unschedulable pods move on, as kube-scheduler's `MoveAllToActiveOrBackoffQueue` does.
    mutating func capacityFreed() {
        guard !scheduler.unschedulable.isEmpty else { return }
        for p in scheduler.takeUnschedulable() { moveToActiveOrBackoff(p) }
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
        let period = SchedulerState.unschedulableFlushPeriod.ticks
        let due = (pods[p].lastAttempt + .seconds(SchedulerState.podMaxInUnschedulablePodsDuration)).ticks
        let at = SimTime(ticks: (due / period + 1) * period)  // the first check strictly after
        guard at <= runLimit else { return }
        queue.schedule(.flushUnschedulable(pod: p, attempts: pods[p].attempts), at: at)
    }

}
