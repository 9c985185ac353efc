import Cluster
import Simulation

/// Values over time in a fixed number of bins whose width doubles (neighbours merged) when
/// the run outgrows them, so memory stays bounded however long the run is.
public struct TimeBins: Sendable {
    public private(set) var width: Double
    public private(set) var values: [Double]
    public let capacity: Int
    /// The latest time seen.
    public private(set) var end = 0.0

    public init(width: Double = 0.05, capacity: Int = 600) {
        self.width = width
        self.capacity = max(2, capacity)
        values = []
    }

    mutating func grow(to t: Double) {
        while t >= width * Double(capacity) {
            var merged: [Double] = []
            merged.reserveCapacity(capacity)
            var i = 0
            while i < values.count {
                merged.append(values[i] + (i + 1 < values.count ? values[i + 1] : 0))
                i += 2
            }
            values = merged
            width *= 2
        }
        let needed = Int((t / width).rounded(.down)) + 1
        if values.count < needed { values += Array(repeating: 0, count: needed - values.count) }
        end = max(end, t)
    }

    /// Adds `amount` to the bin holding `t`.
    public mutating func add(_ amount: Double, at t: Double) {
        guard t.isFinite, amount.isFinite else { return }
        let t = max(0, t)
        grow(to: t)
        values[min(values.count - 1, Int((t / width).rounded(.down)))] += amount
    }

    /// Adds the integral of a constant `value` over `from…to`, split over the bins it covers.
    public mutating func integrate(_ value: Double, from: Double, to: Double) {
        let from = max(0, from)
        guard to > from, to.isFinite, value.isFinite else { return }
        grow(to: to)
        Self.forEachOverlap(from: from, to: to, width: width, count: values.count) { i, overlap in values[i] += value * overlap }
    }

    /// Calls `body` with each of `count` slots of `width` that `from…to` overlaps and the length
    /// of the overlap: a bounded walk over the slots' indices, so floating-point rounding at an
    /// edge can neither end it early nor loop.
    static func forEachOverlap(from: Double, to: Double, width: Double, count: Int, _ body: (Int, Double) -> Void) {
        guard count > 0, to > from, width > 0 else { return }
        let first = min(count - 1, max(0, Int((from / width).rounded(.down))))
        let last = min(count - 1, max(first, Int((to / width).rounded(.down))))
        for i in first...last {
            let overlap = min(to, Double(i + 1) * width) - max(from, Double(i) * width)
            if overlap > 0 { body(i, overlap) }
        }
    }

    /// How much of bin `i` the run covers (its width, less for the last one).
    public func coverage(_ i: Int) -> Double { max(0, min(width, end - Double(i) * width)) }
}

/// Collects, while a simulation runs, what ``ReportPage`` draws — binned, so memory stays
/// bounded however many requests and events the run has.
public final class ReportCollector {
    /// Most image pulls kept for the Gantt chart (all are counted).
    public static let maxPulls = 4_000
    /// Most failure events kept as rows (all are counted by reason).
    public static let maxProblemRows = 200
    /// Latency histogram: log-spaced bins, this many per decade from 10⁻⁴ s.
    public static let binsPerDecade = 10
    public static let latencyFloor = 1e-4
    public static let latencyBinCount = 90

    /// One pod's image pull on a node.
    public struct Pull: Sendable {
        public var node: String
        public var pod: String
        public var image: String
        public var start: Double
        public var end: Double
        public var cacheHit: Bool
        /// Layer bytes transferred to the node while this pull ran.
        public var bytes: Int64
    }

    /// A failure or problem event.
    public struct Problem: Sendable {
        public var time: Double
        public var kind: String
        public var subject: String
        public var reason: String
    }

    /// Per function: offered load (request arrivals) over time.
    public private(set) var arrivals: [String: TimeBins] = [:]
    /// Response times of completed requests, in log-spaced bins (see ``latencyBin(_:)``).
    public private(set) var latency = Array(repeating: 0, count: latencyBinCount)
    public private(set) var completed = 0
    public private(set) var failedRequests = 0
    /// Per function: totals of wait, cold start, execution and the rest (network), and the count.
    public private(set) var split: [String: (count: Int, wait: Double, coldStart: Double, execution: Double, network: Double)] = [:]
    /// Per node: CPU busy (utilisation × seconds) from the FaaS monitor.
    public private(set) var nodeBusy: [String: TimeBins] = [:]
    /// Per node: CPU requested by its pods (fraction of capacity × seconds), from the events.
    public private(set) var nodeAllocated: [String: TimeBins] = [:]
    public private(set) var nodeOrder: [String] = []
    var knownNodes: Set<String> = []
    public private(set) var pulls: [Pull] = []
    public private(set) var pullCount = 0
    public private(set) var cacheHitPulls = 0
    public private(set) var layerBytes: [String: Int64] = [:]
    public private(set) var problems: [Problem] = []
    public private(set) var problemCounts: [String: Int] = [:]
    /// The latest time seen.
    public private(set) var end = 0.0

    var lastTick: [String: Double] = [:]
    /// The monitor's latest and previous tick (any node): a node that missed ticks (down, or
    /// joined late) is counted from the previous tick only, not over its absence.
    var monitorTick = 0.0, previousMonitorTick = 0.0
    /// Which images hold each layer digest, and per node and image the layer bytes received.
    var imagesOfLayer: [String: [String]] = [:]
    var imageBytes: [String: Int64] = [:]
    var claimedImageBytes: [String: Int64] = [:]
    var podCPU: [String: Int64] = [:]
    var nodeCPU: [String: Int64] = [:]
    var placed: [String: (node: String, fraction: Double)] = [:]
    var allocation: [String: (fraction: Double, since: Double)] = [:]
    var podImage: [String: String] = [:]
    var pullStartBytes: [String: Int64] = [:]

    public init(scenario: ClusterScenario) {
        for n in scenario.nodes + scenario.nodeAdditions.map(\.node) {
            nodeCPU[n.name] = n.capacity.cpuMillis
            if knownNodes.insert(n.name).inserted { nodeOrder.append(n.name) }
        }
        for image in scenario.images {
            var digests: Set<String> = []
            for layers in image.variants.values { for l in layers { digests.insert(l.digest) } }
            for d in digests.sorted() { imagesOfLayer[d, default: []].append(image.name) }
        }
        for p in scenario.pods {
            podCPU[p.pod.name] = p.pod.requests.cpuMillis
            podImage[p.pod.name] = p.pod.image
        }
    }

    /// Hooks the collector onto `sim`, keeping its existing event and request receivers.
    public func attach(to sim: inout ClusterSimulator) {
        let events = sim.onEvent, requests = sim.onRequest
        sim.onEvent = { [self] e in
            events?(e)
            event(e)
        }
        sim.onRequest = { [self] r in
            requests?(r)
            request(r)
        }
        let utilization = sim.onNodeUtilization
        sim.onNodeUtilization = { [self] t, node, u in
            utilization?(t, node, u)
            self.utilization(at: t, node: node, u)
        }
    }

    /// The bin of a response time.
    public static func latencyBin(_ seconds: Double) -> Int {
        guard seconds > latencyFloor else { return 0 }
        return min(latencyBinCount - 1, Int((decimalLog(seconds / latencyFloor) * Double(binsPerDecade)).rounded(.down)))
    }

    /// The edges of latency bin `i`.
    public static func latencyEdges(_ i: Int) -> (lower: Double, upper: Double) {
        func edge(_ k: Int) -> Double {
            let decades = k / binsPerDecade, rest = Double(k % binsPerDecade) / Double(binsPerDecade)
            return latencyFloor * decimalPower(Double(decades)) * exp10Fraction(rest)
        }
        return (edge(i), edge(i + 1))
    }

    static func exp10Fraction(_ f: Double) -> Double {
        // 10^f for f in [0, 1) by series of e^(f ln 10).
        let x = f * 2.302585092994046
        var term = 1.0, sum = 1.0
        for k in 1..<30 {
            term *= x / Double(k)
            sum += term
        }
        return sum
    }

    public func request(_ r: RequestRecord) {
        end = max(end, r.finished)
        arrivals[r.function, default: TimeBins()].add(1, at: r.arrival)
        guard r.failure == nil else {
            failedRequests += 1
            return
        }
        completed += 1
        let total = r.finished - r.arrival
        latency[Self.latencyBin(total)] += 1
        var s = split[r.function] ?? (0, 0, 0, 0, 0)
        s.count += 1
        s.wait += r.wait
        s.coldStart += r.coldStart
        s.execution += r.execution
        s.network += max(0, total - r.wait - r.coldStart - r.execution)
        split[r.function] = s
    }

    public func utilization(at t: Double, node: String, _ u: Double) {
        end = max(end, t)
        if t > monitorTick {
            previousMonitorTick = monitorTick
            monitorTick = t
        }
        let since = max(lastTick[node] ?? 0, previousMonitorTick)
        lastTick[node] = t
        if knownNodes.insert(node).inserted { nodeOrder.append(node) }
        nodeBusy[node, default: TimeBins(capacity: 300)].integrate(u, from: since, to: t)
    }

    func setAllocation(node: String, delta: Double, at t: Double) {
        let current = allocation[node] ?? (0, 0)
        nodeAllocated[node, default: TimeBins(capacity: 300)].integrate(current.fraction, from: current.since, to: t)
        allocation[node] = (max(0, current.fraction + delta), t)
    }

    public func event(_ e: ClusterEventRecord) {
        let t = e.time.seconds
        end = max(end, t)
        switch e.kind {
        case .podScheduled:
            if let pod = e.pod, let node = e.node, let cpu = podCPU[pod], let capacity = nodeCPU[node], capacity > 0 {
                let fraction = Double(cpu) / Double(capacity)
                placed[pod] = (node, fraction)
                setAllocation(node: node, delta: fraction, at: t)
            }
        case .podRemoved, .podFailed, .podLost:
            if let pod = e.pod, let p = placed.removeValue(forKey: pod) { setAllocation(node: p.node, delta: -p.fraction, at: t) }
        case .pullFinished:
            if let node = e.node, let bytes = e.bytes {
                layerBytes[node, default: 0] += bytes
                for image in imagesOfLayer[e.image ?? ""] ?? [] { imageBytes[node + "\u{0}" + image, default: 0] += bytes }
            }
        case .imageReady:
            pullCount += 1
            let hit = e.source == "node-cache"
            if hit { cacheHitPulls += 1 }
            if let node = e.node {
                // The layer bytes of this image the node received since the pod was placed
                // and no earlier pull of the same image on the node already counted: pods that
                // share one pull do not each claim its bytes.
                let imageKey = node + "\u{0}" + (e.image ?? "")
                let received = imageBytes[imageKey] ?? 0
                let since = max(pullStartBytes.removeValue(forKey: node + "\u{0}" + (e.pod ?? "")) ?? 0, claimedImageBytes[imageKey] ?? 0)
                let bytes = received - since
                claimedImageBytes[imageKey] = received
                guard pulls.count < Self.maxPulls else { break }
                pulls.append(Pull(node: node, pod: e.pod ?? "", image: e.image ?? "", start: t - (e.duration ?? 0), end: t,
                                  cacheHit: hit, bytes: max(0, bytes)))
            }
        default:
            break
        }
        if e.kind == .podScheduled, let node = e.node, let pod = e.pod, let image = podImage[pod] {
            // Bytes of the pod's image already on the node when its pull starts.
            pullStartBytes[node + "\u{0}" + pod] = imageBytes[node + "\u{0}" + image] ?? 0
        }
        switch e.kind {
        case .podFailed, .podLost, .podUnschedulable, .nodeFailed:
            let reason = e.detail ?? e.kind.rawValue
            problemCounts[e.kind.rawValue + ": " + reason, default: 0] += 1
            if problems.count < Self.maxProblemRows {
                problems.append(Problem(time: t, kind: e.kind.rawValue, subject: e.pod ?? e.node ?? "", reason: reason))
            }
        default:
            break
        }
    }

    /// Closes the open allocation intervals at `t` (the run's end).
    public func finish(at t: Double) {
        end = max(end, t)
        for node in allocation.keys.sorted() { setAllocation(node: node, delta: 0, at: end) }
    }
}
