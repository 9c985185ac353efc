import Simulation

/// Running counters and samples for the summary (bounded by the number of pods and pulls,
/// not by the number of events).
struct Statistics {
    var schedulingAttempts = 0
    var unschedulableAttempts = 0
    var layerRequests = 0
    var layerCacheHits = 0
    var pulls = 0
    var pulledBytes: Int64 = 0
    var storageHits = 0
    var evictions = 0
    var lostPods = 0
    var readyPods = 0
    var lastReady: SimTime?
    var pullSeconds: [Double] = []
    var podPullSeconds: [Double] = []
    var startupSeconds: [Double] = []
    var timeToReady: [Double] = []

    mutating func podReady(_ pod: ClusterSimulator.PodState, at time: SimTime) {
        readyPods += 1
        lastReady = max(lastReady ?? time, time)
        timeToReady.append((time - pod.created).seconds)
    }
}

/// Percentiles of a sample.
public struct Percentiles: Hashable, Sendable, CustomStringConvertible {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else {
            mean = 0; p50 = 0; p95 = 0; p99 = 0; max = 0
            return
        }
        // The three order statistics by selection, O(n), not a sort: the same values as
        // interpolating in the sorted array (rank f·(n−1), between the lo-th and hi-th smallest).
        var work = values
        var from = 0
        func q(_ f: Double) -> Double {
            let rank = f * Double(work.count - 1)
            let lo = Int(rank.rounded(.down))
            Self.select(&work, lo, from: from)
            from = lo
            let low = work[lo]
            guard lo + 1 < work.count else { return low }
            var next = work[lo + 1]
            for v in work[(lo + 1)...] where v < next { next = v }
            return low + (next - low) * (rank - Double(lo))
        }
        mean = values.reduce(0, +) / Double(values.count)
        p50 = q(0.5); p95 = q(0.95); p99 = q(0.99)
        max = values.max() ?? 0
    }

    /// The same figures as `Percentiles(values.map(Double.init))`, bit for bit, without the
    /// copy: the order statistics come from counting passes over the values' bit patterns
    /// (radix selection), O(n) whatever the distribution, ties and runs included.
    public init<Values: Collection>(floats values: Values) where Values.Element == Float {
        guard values.count >= 1024 else {
            self.init(values.map(Double.init))
            return
        }
        var accumulator = Accumulator(capacity: values.count)
        for v in values { accumulator.add(v) }
        self = accumulator.percentiles
    }

    /// Values added one at a time, as the sort keys of the radix selection: several samples
    /// can be gathered in one pass over stored records, with no array of each.
    struct Accumulator {
        private var keys: [UInt32] = []
        private var sum = 0.0
        private var largest = -Float.infinity
        private var smallestKey = UInt32.max, largestKey = UInt32.min

        init(capacity: Int) { keys.reserveCapacity(capacity) }

        mutating func add(_ v: Float) {
            sum += Double(v)
            if v > largest { largest = v }  // the first of equal values, as Sequence.max()
            let key = Percentiles.sortKey(v)
            keys.append(key)
            smallestKey = Swift.min(smallestKey, key)
            largestKey = Swift.max(largestKey, key)
        }

        /// The same figures as `Percentiles` of the values added, as Doubles.
        var percentiles: Percentiles {
            let n = keys.count
            guard n > 0 else { return Percentiles([]) }
            let fractions = [0.5, 0.95, 0.99]
            var ranks: [Int] = []
            for f in fractions {
                let lo = Int((f * Double(n - 1)).rounded(.down))
                ranks.append(lo)
                ranks.append(Swift.min(lo + 1, n - 1))
            }
            let order = Percentiles.orderStatistics(keys: keys, smallest: smallestKey, largest: largestKey, ranks: ranks)
            var quantiles: [Double] = []
            for (i, f) in fractions.enumerated() {
                let rank = f * Double(n - 1)
                let low = Double(order[2 * i]), next = Double(order[2 * i + 1])
                quantiles.append(low + (next - low) * (rank - rank.rounded(.down)))
            }
            return Percentiles(count: n, mean: sum / Double(n), p50: quantiles[0], p95: quantiles[1], p99: quantiles[2],
                               max: Double(largest))
        }
    }

    fileprivate init(count: Int, mean: Double, p50: Double, p95: Double, p99: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    /// A key whose unsigned order is the values' numeric order (−0 and +0 alike).
    @inline(__always) static func sortKey(_ v: Float) -> UInt32 {
        let bits = v == 0 ? 0 : v.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    @inline(__always) static func value(ofKey key: UInt32) -> Float {
        Float(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
    }

    /// The values of the given ranks (0-based) among the values whose sort keys are `keys`, all
    /// within `smallest...largest`: most significant digit radix selection. Each level counts the
    /// keys by their bits above a shift chosen so the table spans at most 4,096 digits of the
    /// keys' range, then takes the keys of the few digits holding a wanted rank and sorts them
    /// (up to 1,024) or selects among them the same way, over their narrower range.
    static func orderStatistics(keys: [UInt32], smallest: UInt32, largest: UInt32, ranks: [Int]) -> [Float] {
        var result = [Float](repeating: 0, count: ranks.count)
        guard !keys.isEmpty else { return result }
        select(keys, smallest: smallest, largest: largest, wanted: ranks.enumerated().map { (rank: $1, slot: $0) }, into: &result)
        return result
    }

    private static func select(_ keys: [UInt32], smallest: UInt32, largest: UInt32, wanted: [(rank: Int, slot: Int)],
                               into result: inout [Float])
    {
        guard smallest < largest else {
            // One value: every rank is it.
            for w in wanted { result[w.slot] = value(ofKey: smallest) }
            return
        }
        var shift: UInt32 = 0
        while (largest >> shift) - (smallest >> shift) >= 4096 { shift += 1 }
        let base = smallest >> shift
        var counts = [Int32](repeating: 0, count: Int((largest >> shift) - base) + 1)
        for k in keys { counts[Int((k >> shift) &- base)] &+= 1 }
        let groups = locate(wanted, in: counts)
        var groupOf = [Int32](repeating: -1, count: counts.count)
        for (g, group) in groups.enumerated() { groupOf[group.digit] = Int32(g) }
        var parts = [[UInt32]](repeating: [], count: groups.count)
        for (g, group) in groups.enumerated() { parts[g].reserveCapacity(Int(counts[group.digit])) }
        for k in keys {
            let g = groupOf[Int((k >> shift) &- base)]
            if g >= 0 { parts[Int(g)].append(k) }
        }
        for (group, part) in zip(groups, parts) {
            if part.count <= 1024 {
                let sorted = part.sorted()
                for w in group.wanted { result[w.slot] = value(ofKey: sorted[w.rank]) }
            } else {
                // Within one digit the range is under 2^shift: the next level narrows it, down to
                // keys all equal.
                var low = UInt32.max, high = UInt32.min
                for k in part {
                    low = Swift.min(low, k)
                    high = Swift.max(high, k)
                }
                select(part, smallest: low, largest: high, wanted: group.wanted, into: &result)
            }
        }
    }

    /// Each wanted rank's digit (index into `counts`, the keys counted by digit) and its rank
    /// among the keys with that digit, grouped by digit in increasing order.
    private static func locate(_ wanted: [(rank: Int, slot: Int)], in counts: [Int32]) -> [(digit: Int, wanted: [(rank: Int, slot: Int)])] {
        var groups: [(digit: Int, wanted: [(rank: Int, slot: Int)])] = []
        let order = wanted.sorted { $0.rank < $1.rank }
        var next = 0, before = 0
        for digit in counts.indices {
            if next == order.count { break }
            let c = Int(counts[digit])
            while next < order.count, order[next].rank < before + c {
                let w = (rank: order[next].rank - before, slot: order[next].slot)
                if groups.last?.digit == digit { groups[groups.count - 1].wanted.append(w) } else { groups.append((digit, [w])) }
                next += 1
            }
            before += c
        }
        return groups
    }

    /// Puts the k-th smallest of `a[from...]` at index k, smaller ones before it and larger ones
    /// after (Hoare's selection with a median-of-three pivot; deterministic).
    static func select(_ a: inout [Double], _ k: Int, from: Int) {
        var lo = from, hi = a.count - 1
        while hi > lo {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
    }

    public var description: String {
        guard count > 0 else { return "none" }
        return "p50 \(p50.fixed(3))s  p95 \(p95.fixed(3))s  p99 \(p99.fixed(3))s  max \(max.fixed(3))s  (n=\(count))"
    }
}

/// What a cluster run produced.
public struct ClusterSummary: Hashable, Sendable {
    public struct NodeAllocation: Hashable, Sendable {
        public var node: String
        public var deviceType: String
        public var isUp: Bool
        public var pods: Int
        public var cpuFraction: Double
        public var memoryFraction: Double
        public var cachedBytes: Int64
        /// Idle power over the node's up time plus the dynamic part, in joules.
        public var energyJoules: Double
        /// The part of `energyJoules` above idle power.
        public var dynamicEnergyJoules: Double = 0
        /// Dynamic energy charged to the functions' invocations on the node (at most
        /// `dynamicEnergyJoules`).
        public var functionEnergyJoules: Double = 0
        /// Seconds the node has been up (joined and not failed).
        public var upSeconds: Double = 0
        /// Idle power plus every resource's full dynamic power: the most the node can draw.
        public var maxWatts: Double = 0
    }

    public var simulatedTime: SimTime
    public var events: UInt64
    public var pods: Int
    public var readyPods: Int
    public var pendingPods: Int
    public var failedPods: Int
    /// Pods deleted and gone.
    public var removedPods: Int
    public var lostPods: Int
    /// When the last pod became ready, if any did.
    public var timeToAllReady: SimTime?
    public var podStartup: Percentiles
    public var podImagePull: Percentiles
    public var containerStart: Percentiles
    public var layerPulls: Int
    public var pulledBytes: Int64
    public var layerPullDuration: Percentiles
    /// Layer requests served from the node's own cache.
    public var nodeCacheHitRate: Double
    /// Layer transfers served by the main storage instead of a registry.
    public var storageHitRate: Double
    public var evictions: Int
    public var schedulingAttempts: Int
    public var unschedulableAttempts: Int
    public var allocation: [NodeAllocation]

    public var meanCPUAllocation: Double {
        let up = allocation.filter(\.isUp)
        return up.isEmpty ? 0 : up.reduce(0) { $0 + $1.cpuFraction } / Double(up.count)
    }
    public var meanMemoryAllocation: Double {
        let up = allocation.filter(\.isUp)
        return up.isEmpty ? 0 : up.reduce(0) { $0 + $1.memoryFraction } / Double(up.count)
    }
}

extension ClusterSimulator {
    public func summary() -> ClusterSummary {
        let allocation = nodeTable.nodes.indices.filter { nodeTable.hot[$0].hasJoined }.map { i in
            let n = nodeTable.nodes[i], h = nodeTable.hot[i]
            return ClusterSummary.NodeAllocation(
                node: n.spec.name, deviceType: n.spec.deviceType, isUp: h.isUp, pods: h.podCount,
                cpuFraction: h.capacity.cpuMillis > 0 ? Double(h.allocated.cpuMillis) / Double(h.capacity.cpuMillis) : 0,
                memoryFraction: h.capacity.memoryBytes > 0 ? Double(h.allocated.memoryBytes) / Double(h.capacity.memoryBytes) : 0,
                cachedBytes: n.cachedBytes, energyJoules: nodeEnergy(i), dynamicEnergyJoules: nodeEnergy(i) - n.spec.idleWatts * nodeUpSeconds(i),
                functionEnergyJoules: nodeTable.usage[i].attributedEnergy, upSeconds: nodeUpSeconds(i),
                maxWatts: n.spec.idleWatts + nodeTable.usage[i].cpuWatts + nodeTable.usage[i].gpuWatts + nodeTable.usage[i].networkWatts + nodeTable.usage[i].blockIOWatts)
        }
        return ClusterSummary(
            simulatedTime: now, events: eventsProcessed, pods: pods.count,
            readyPods: pods.filter { $0.phase == .ready }.count,
            pendingPods: pods.filter { $0.phase == .pending }.count,
            failedPods: pods.filter { $0.phase == .failed }.count,
            removedPods: pods.filter { $0.phase == .removed }.count,
            lostPods: stats.lostPods,
            timeToAllReady: stats.lastReady,
            podStartup: Percentiles(stats.timeToReady),
            podImagePull: Percentiles(stats.podPullSeconds),
            containerStart: Percentiles(stats.startupSeconds),
            layerPulls: stats.pulls, pulledBytes: stats.pulledBytes,
            layerPullDuration: Percentiles(stats.pullSeconds),
            nodeCacheHitRate: stats.layerRequests > 0 ? Double(stats.layerCacheHits) / Double(stats.layerRequests) : 0,
            storageHitRate: stats.pulls > 0 ? Double(stats.storageHits) / Double(stats.pulls) : 0,
            evictions: stats.evictions, schedulingAttempts: stats.schedulingAttempts,
            unschedulableAttempts: stats.unschedulableAttempts, allocation: allocation)
    }

    /// Why the scheduler would (or would not) place `pod` now: every filter verdict, every
    /// score. Evaluates all nodes, not a sample.
    public func explain(pod name: String) -> SchedulingExplanation? {
        guard let p = podByName[name] else { return nil }
        var verdicts: [SchedulingExplanation.NodeVerdict] = []
        var feasible: [Int] = []
        for n in nodeTable.nodes.indices where nodeTable.hot[n].hasJoined {
            if let rejection = filter(pod: p, node: n) {
                verdicts.append(.init(node: nodeTable.nodes[n].spec.name, rejection: rejection, scores: [:], total: 0))
            } else {
                feasible.append(n)
                verdicts.append(.init(node: nodeTable.nodes[n].spec.name, rejection: nil, scores: [:], total: 0))
            }
        }
        var totals = [Double](repeating: 0, count: feasible.count)
        var perPlugin: [[ScorePlugin: Double]] = Array(repeating: [:], count: feasible.count)
        for weighted in profile.scores {
            let raw = rawScores(weighted.plugin, pod: p, nodes: feasible)
            for k in feasible.indices {
                perPlugin[k][weighted.plugin] = raw[k]
                totals[k] += Double(weighted.weight) * raw[k]
            }
        }
        var chosen: String?
        var best = -Double.infinity
        for (k, n) in feasible.enumerated() {
            if let v = verdicts.firstIndex(where: { $0.node == nodeTable.nodes[n].spec.name }) {
                verdicts[v].scores = perPlugin[k]
                verdicts[v].total = totals[k]
            }
            if totals[k] > best + 1e-9 { best = totals[k]; chosen = nodeTable.nodes[n].spec.name }
        }
        return SchedulingExplanation(pod: name, verdicts: verdicts, chosen: chosen)
    }

    /// The phase of a pod, by name.
    public func phase(of pod: String) -> PodPhase? { podByName[pod].map { pods[$0].phase } }

    /// The node a pod runs on, by name.
    public func node(of pod: String) -> String? {
        guard let p = podByName[pod], pods[p].node >= 0 else { return nil }
        return nodeTable.nodes[pods[p].node].spec.name
    }

    /// The reason a pod could not be placed or failed, if any.
    public func failureReason(of pod: String) -> String? { podByName[pod].flatMap { pods[$0].lastFailure } }

    /// Layers in a node's cache, by digest.
    public func cachedLayers(on node: String) -> Set<String> {
        guard let n = nodeTable.nodes.firstIndex(where: { $0.spec.name == node }) else { return [] }
        return Set(nodeTable.nodes[n].cached.keys.map { layerDigests[$0] })
    }

    /// Resources reserved on a node.
    public func allocated(on node: String) -> Resources? {
        nodeTable.nodes.firstIndex { $0.spec.name == node }.map { nodeTable.hot[$0].allocated }
    }
}

extension ClusterSimulator {
    /// Pods that are not running (pending or failed) with the last reason recorded.
    public func notRunning() -> [(pod: String, reason: String)] {
        pods.filter { $0.phase == .pending || $0.phase == .failed }.map {
            ($0.spec.name, "\($0.phase.rawValue): \($0.lastFailure ?? "waiting")")
        }
    }
}
