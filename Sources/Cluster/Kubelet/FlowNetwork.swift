/// Image transfers as flows that share links max-min fairly.
///
/// Every flow runs from one *source* (a registry uplink or the main storage uplink) to one
/// node, so it crosses two links: the source's uplink and the node's link. Rates are the
/// max-min fair allocation over all links, recomputed whenever a flow starts or ends.
///
/// Speed: flows with the same path shape get the same rate, so the allocation is computed
/// over *classes* — (node signature, source), where a node's signature is its link capacity
/// and how many flows it has from each source — with progressive filling. Each class keeps a
/// virtual clock of bytes delivered per flow, so a rate change touches classes, not flows,
/// and each flow start or end costs O(classes + flows on that node).
public struct FlowNetwork: Sendable {
    public struct FlowID: Hashable, Sendable {
        public let raw: Int
    }

    /// A finished transfer.
    public struct Completion: Hashable, Sendable {
        public var flow: FlowID
        public var node: Int
        public var source: Int
        public var bytes: Double
        public var started: Double
        public var finished: Double
    }

    struct Flow {
        var node: Int32
        var source: Int32
        var bytes: Double
        var started: Double
        var classIndex: Int32
        var target: Double
        var isActive: Bool
    }

    struct SignatureKey: Hashable {
        var capacity: Double
        var counts: [Int32]
    }

    struct FlowClass {
        var signature: Int
        var source: Int
        var rate: Double = 0
        var virtual: Double = 0
        var live: Int = 0
        /// Min-heap of (target, flow); entries whose flow has moved on are skipped.
        var heap: [(target: Double, flow: Int32)] = []
    }

    let nodeBandwidth: [Double]
    let sourceBandwidth: [Double]
    var flows: [Flow] = []
    var freeFlowSlots: [Int32] = []
    var nodeFlows: [[Int32]]
    var nodeCounts: [[Int32]]
    var nodeSignature: [Int]
    var signatures: [SignatureKey] = []
    var signatureIndex: [SignatureKey: Int] = [:]
    var signatureNodes: [Int] = []
    var classes: [FlowClass] = []
    var classIndex: [Int: Int] = [:]  // signature * sourceCount + source
    var lastTime: Double = 0
    public private(set) var activeFlows = 0

    /// - Parameters:
    ///   - nodeBandwidth: each node's link, bytes per second.
    ///   - sourceBandwidth: each source's uplink, bytes per second.
    public init(nodeBandwidth: [Double], sourceBandwidth: [Double]) {
        self.nodeBandwidth = nodeBandwidth
        self.sourceBandwidth = sourceBandwidth
        nodeFlows = Array(repeating: [], count: nodeBandwidth.count)
        nodeCounts = Array(repeating: Array(repeating: 0, count: sourceBandwidth.count), count: nodeBandwidth.count)
        nodeSignature = Array(repeating: -1, count: nodeBandwidth.count)
    }

    /// Starts a transfer of `bytes` from `source` to `node` at time `now` (seconds).
    public mutating func start(node: Int, source: Int, bytes: Double, at now: Double) -> FlowID {
        advance(to: now)
        let id: Int32
        let flow = Flow(node: Int32(node), source: Int32(source), bytes: bytes, started: now, classIndex: -1, target: 0, isActive: true)
        if let slot = freeFlowSlots.popLast() {
            id = slot
            flows[Int(slot)] = flow
        } else {
            id = Int32(flows.count)
            flows.append(flow)
        }
        nodeFlows[node].append(id)
        nodeCounts[node][source] += 1
        activeFlows += 1
        regroup(node: node, newFlow: id)
        rebalance()
        return FlowID(raw: Int(id))
    }

    /// Cancels every flow to `node` (the node failed); returns the cancelled flows.
    public mutating func cancelAll(node: Int, at now: Double) -> [FlowID] {
        advance(to: now)
        let ids = nodeFlows[node]
        for id in ids { deactivate(id) }
        nodeFlows[node] = []
        for s in nodeCounts[node].indices { nodeCounts[node][s] = 0 }
        regroup(node: node, newFlow: nil)
        rebalance()
        return ids.map { FlowID(raw: Int($0)) }
    }

    /// The current rate of a flow in bytes per second (0 when it is finished).
    public func rate(of flow: FlowID) -> Double {
        let f = flows[flow.raw]
        guard f.isActive, f.classIndex >= 0 else { return 0 }
        return classes[Int(f.classIndex)].rate
    }

    /// Bytes still to transfer for a flow.
    public func remaining(of flow: FlowID, at now: Double) -> Double {
        let f = flows[flow.raw]
        guard f.isActive, f.classIndex >= 0 else { return 0 }
        let c = classes[Int(f.classIndex)]
        return max(0, f.target - (c.virtual + c.rate * (now - lastTime)))
    }

    /// When the next flow will finish, in seconds, or `nil` when none is running.
    public mutating func nextCompletion() -> Double? {
        var best: Double?
        for i in classes.indices where classes[i].live > 0 {
            guard let top = cleanTop(i) else { continue }
            let c = classes[i]
            guard c.rate > 0 else { continue }
            let t = lastTime + max(0, top - c.virtual) / c.rate
            if best.map({ t < $0 }) ?? true { best = t }
        }
        return best
    }

    /// Advances to `now` and finishes every flow done by then (within `tolerance` seconds).
    public mutating func complete(at now: Double, tolerance: Double = 1e-6) -> [Completion] {
        advance(to: now)
        var done: [Completion] = []
        var touched: [Int] = []
        for i in classes.indices where classes[i].live > 0 {
            while let top = cleanTop(i) {
                let c = classes[i]
                let slack = c.rate * tolerance + 1e-6
                guard top - c.virtual <= slack else { break }
                let id = classes[i].heap[0].flow
                popHeap(i)
                let f = flows[Int(id)]
                done.append(Completion(flow: FlowID(raw: Int(id)), node: Int(f.node), source: Int(f.source), bytes: f.bytes,
                                       started: f.started, finished: now))
                let node = Int(f.node)
                deactivate(id)
                if let k = nodeFlows[node].firstIndex(of: id) { nodeFlows[node].remove(at: k) }
                nodeCounts[node][Int(f.source)] -= 1
                touched.append(node)
            }
        }
        guard !done.isEmpty else { return [] }
        var seen = Set<Int>()
        for node in touched where seen.insert(node).inserted { regroup(node: node, newFlow: nil) }
        rebalance()
        return done.sorted { ($0.node, $0.flow.raw) < ($1.node, $1.flow.raw) }
    }

    // MARK: Internals

    mutating func advance(to now: Double) {
        let dt = now - lastTime
        if dt > 0 {
            for i in classes.indices where classes[i].live > 0 { classes[i].virtual += classes[i].rate * dt }
        }
        if now > lastTime { lastTime = now }
    }

    mutating func deactivate(_ id: Int32) {
        let f = flows[Int(id)]
        guard f.isActive else { return }
        if f.classIndex >= 0 { leave(Int(f.classIndex)) }
        flows[Int(id)].isActive = false
        flows[Int(id)].classIndex = -1
        freeFlowSlots.append(id)
        activeFlows -= 1
    }

    /// Moves a node (and its flows) to the signature matching its current flow counts.
    mutating func regroup(node: Int, newFlow: Int32?) {
        let old = nodeSignature[node]
        if old >= 0 { signatureNodes[old] -= 1 }
        let total = nodeCounts[node].reduce(0, +)
        guard total > 0 else {
            nodeSignature[node] = -1
            return
        }
        let key = SignatureKey(capacity: nodeBandwidth[node], counts: nodeCounts[node])
        let sig: Int
        if let existing = signatureIndex[key] {
            sig = existing
        } else {
            sig = signatures.count
            signatures.append(key)
            signatureIndex[key] = sig
            signatureNodes.append(0)
        }
        signatureNodes[sig] += 1
        nodeSignature[node] = sig
        for id in nodeFlows[node] {
            let f = flows[Int(id)]
            let targetClass = classFor(signature: sig, source: Int(f.source))
            if id == newFlow {
                classes[targetClass].live += 1
                let target = classes[targetClass].virtual + f.bytes
                flows[Int(id)].classIndex = Int32(targetClass)
                flows[Int(id)].target = target
                pushHeap(targetClass, target, id)
            } else if Int(f.classIndex) != targetClass {
                let oldClass = Int(f.classIndex)
                let remaining = f.target - classes[oldClass].virtual
                leave(oldClass)
                classes[targetClass].live += 1
                let target = classes[targetClass].virtual + remaining
                flows[Int(id)].classIndex = Int32(targetClass)
                flows[Int(id)].target = target
                pushHeap(targetClass, target, id)
            }
        }
    }

    /// A flow leaves a class; an empty class drops its heap (all its entries are stale).
    mutating func leave(_ i: Int) {
        classes[i].live -= 1
        if classes[i].live == 0 { classes[i].heap.removeAll(keepingCapacity: true) }
    }

    mutating func classFor(signature: Int, source: Int) -> Int {
        let key = signature * sourceBandwidth.count + source
        if let existing = classIndex[key] { return existing }
        classes.append(FlowClass(signature: signature, source: source))
        classIndex[key] = classes.count - 1
        return classes.count - 1
    }

    /// Progressive filling over classes: raise all unfrozen rates together; when a link
    /// saturates, freeze the classes crossing it.
    mutating func rebalance() {
        let live = classes.indices.filter { classes[$0].live > 0 }
        var frozen = [Bool](repeating: false, count: classes.count)
        var nodeUsed: [Int: Double] = [:], nodeUnfrozen: [Int: Double] = [:]
        var sourceUsed = [Double](repeating: 0, count: sourceBandwidth.count)
        var sourceUnfrozen = [Double](repeating: 0, count: sourceBandwidth.count)
        for i in live {
            let c = classes[i]
            let k = Double(signatures[c.signature].counts[c.source])
            nodeUnfrozen[c.signature, default: 0] += k
            sourceUnfrozen[c.source] += k * Double(signatureNodes[c.signature])
        }
        var remaining = live.count
        while remaining > 0 {
            var best = Double.infinity
            var bestNode = -1, bestSource = -1
            for (sig, unfrozen) in nodeUnfrozen where unfrozen > 0 {
                let level = (signatures[sig].capacity - (nodeUsed[sig] ?? 0)) / unfrozen
                if level < best || (level == best && bestNode >= 0 && sig < bestNode) { best = level; bestNode = sig; bestSource = -1 }
            }
            for s in sourceBandwidth.indices where sourceUnfrozen[s] > 0 {
                let level = (sourceBandwidth[s] - sourceUsed[s]) / sourceUnfrozen[s]
                if level < best { best = level; bestNode = -1; bestSource = s }
            }
            guard best.isFinite else { break }
            let level = max(0, best)
            for i in live where !frozen[i] {
                let c = classes[i]
                guard c.signature == bestNode || c.source == bestSource else { continue }
                frozen[i] = true
                remaining -= 1
                classes[i].rate = level
                let k = Double(signatures[c.signature].counts[c.source])
                let n = Double(signatureNodes[c.signature])
                nodeUsed[c.signature, default: 0] += k * level
                nodeUnfrozen[c.signature, default: 0] -= k
                sourceUsed[c.source] += n * k * level
                sourceUnfrozen[c.source] -= n * k
            }
        }
    }

    mutating func cleanTop(_ i: Int) -> Double? {
        while let top = classes[i].heap.first {
            let f = flows[Int(top.flow)]
            if f.isActive && Int(f.classIndex) == i && f.target == top.target { return top.target }
            popHeap(i)
        }
        return nil
    }

    mutating func pushHeap(_ i: Int, _ target: Double, _ flow: Int32) {
        classes[i].heap.append((target, flow))
        var k = classes[i].heap.count - 1
        while k > 0 {
            let p = (k - 1) / 2
            if classes[i].heap[p].target <= classes[i].heap[k].target { break }
            classes[i].heap.swapAt(p, k)
            k = p
        }
    }

    mutating func popHeap(_ i: Int) {
        let last = classes[i].heap.removeLast()
        guard !classes[i].heap.isEmpty else { return }
        classes[i].heap[0] = last
        var k = 0
        let n = classes[i].heap.count
        while true {
            let l = 2 * k + 1
            if l >= n { break }
            var c = l
            if l + 1 < n && classes[i].heap[l + 1].target < classes[i].heap[l].target { c = l + 1 }
            if classes[i].heap[k].target <= classes[i].heap[c].target { break }
            classes[i].heap.swapAt(k, c)
            k = c
        }
    }
}

extension FlowNetwork {
    /// A node's link capacity in bytes per second.
    public func nodeCapacity(_ node: Int) -> Double { nodeBandwidth[node] }
}
