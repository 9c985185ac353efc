/// Filter plugins: each decides whether a pod may run on a node.
public enum FilterPlugin: String, Hashable, Sendable, CaseIterable {
    /// The node is up and accepts pods.
    case nodeUnschedulable = "NodeUnschedulable"
    /// CPU, memory, GPUs, TPUs and disk (local disk plus image layers not yet on the node) fit.
    case nodeResourcesFit = "NodeResourcesFit"
    /// `nodeSelector` and required node affinity match the node's labels.
    case nodeAffinity = "NodeAffinity"
    /// Every NoSchedule / NoExecute taint of the node is tolerated.
    case taintToleration = "TaintToleration"
    /// The pod's image has a variant for the node's architecture.
    case imageArchitecture = "ImageArchitecture"
    /// The node runs fewer than its maximum number of pods.
    case maxPods = "MaxPods"

    public var name: String { rawValue }

    /// Position in `allCases`, for counters.
    var index: Int {
        switch self {
        case .nodeUnschedulable: return 0
        case .nodeResourcesFit: return 1
        case .nodeAffinity: return 2
        case .taintToleration: return 3
        case .imageArchitecture: return 4
        case .maxPods: return 5
        }
    }
}

/// Score plugins: each rates a feasible node from 0 to 100.
public enum ScorePlugin: String, Hashable, Sendable, CaseIterable {
    /// Prefers nodes with more free CPU and memory after placing the pod.
    case leastAllocated = "LeastAllocated"
    /// Prefers nodes whose CPU and memory use stay balanced: (1 − std. deviation of the used fractions) × 100.
    case balancedAllocation = "BalancedAllocation"
    /// Kubernetes' ImageLocality: size of the pod's images already on the node, scaled by how
    /// many nodes have them, clamped between 23 MB and 1000 MB.
    case imageLocality = "ImageLocality"
    /// Spreads replicas of one deployment: fewer replicas on the node scores higher.
    case spread = "Spread"
    /// Prefers nodes holding the data items the pod reads.
    case dataLocality = "DataLocality"
    /// 100 on a node that holds the pod's image, 0 elsewhere: with it alone, a function's
    /// replicas stay on the node that pulled the image (skippy's image locality, as faas-sim
    /// places them).
    case imagePresence = "ImagePresence"

    public var name: String { rawValue }
}

/// One scheduler profile: which filters run, which scores count and with what weight.
public struct SchedulerProfile: Hashable, Sendable {
    public struct WeightedScore: Hashable, Sendable {
        public var plugin: ScorePlugin
        public var weight: Int
        public init(_ plugin: ScorePlugin, weight: Int = 1) {
            self.plugin = plugin
            self.weight = weight
        }
    }

    public var filters: [FilterPlugin]
    public var scores: [WeightedScore]
    /// Percentage of nodes to find feasible before scoring; 0 picks it as kube-scheduler does
    /// (50 − nodes/125, at least 5 %, and at least 100 nodes). 100 scores every feasible node.
    public var percentageOfNodesToScore: Int
    /// Time one scheduling cycle takes, in seconds (kube-scheduler manages roughly 1 ms).
    public var schedulingLatency: Double
    /// Backoff of a pod that did not fit: doubles from `initialBackoff` up to `maxBackoff` seconds.
    public var initialBackoff: Double
    public var maxBackoff: Double

    public init(filters: [FilterPlugin] = FilterPlugin.allCases,
                scores: [WeightedScore] = [.init(.leastAllocated), .init(.balancedAllocation), .init(.imageLocality),
                                           .init(.spread), .init(.dataLocality)],
                percentageOfNodesToScore: Int = 0, schedulingLatency: Double = 0.001,
                initialBackoff: Double = 1, maxBackoff: Double = 10)
    {
        self.filters = filters
        self.scores = scores
        self.percentageOfNodesToScore = percentageOfNodesToScore
        self.schedulingLatency = schedulingLatency
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    public static let `default` = SchedulerProfile()

    /// How many feasible nodes to find before scoring, as kube-scheduler computes it.
    public func feasibleNodesToFind(of total: Int) -> Int {
        if total < 100 || percentageOfNodesToScore >= 100 { return total }
        var percentage = percentageOfNodesToScore
        if percentage <= 0 {
            percentage = max(5, 50 - total / 125)
        }
        return max(100, total * percentage / 100)
    }
}

/// Why a node was rejected for a pod.
public struct FilterRejection: Hashable, Sendable {
    public var plugin: FilterPlugin
    public var reason: String
}

/// The full reasoning for one pod: every node's filter verdict and the scores of the rest.
public struct SchedulingExplanation: Hashable, Sendable, CustomStringConvertible {
    public struct NodeVerdict: Hashable, Sendable {
        public var node: String
        public var rejection: FilterRejection?
        /// Per-plugin scores (before weighting), for feasible nodes.
        public var scores: [ScorePlugin: Double]
        public var total: Double
    }

    public var pod: String
    public var verdicts: [NodeVerdict]
    /// The node the scheduler would pick now (highest total; ties by node order).
    public var chosen: String?

    public var description: String {
        var lines = ["Scheduling of pod \(pod):"]
        let feasible = verdicts.filter { $0.rejection == nil }.sorted { ($0.total, $1.node) > ($1.total, $0.node) }
        let rejected = verdicts.filter { $0.rejection != nil }
        var byReason: [String: [String]] = [:]
        for v in rejected {
            guard let r = v.rejection else { continue }
            byReason["\(r.plugin.name): \(r.reason)", default: []].append(v.node)
        }
        lines.append("  \(feasible.count) of \(verdicts.count) nodes pass every filter")
        for (reason, nodes) in byReason.sorted(by: { $0.key < $1.key }) {
            let shown = nodes.prefix(5).joined(separator: ", ") + (nodes.count > 5 ? ", … (\(nodes.count) nodes)" : "")
            lines.append("  rejected by \(reason): \(shown)")
        }
        for v in feasible.prefix(10) {
            let parts = v.scores.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.name) \(Int($0.value.rounded()))" }
            lines.append("  \(v.node): total \(Int(v.total.rounded())) (\(parts.joined(separator: ", ")))")
        }
        if feasible.count > 10 { lines.append("  … \(feasible.count - 10) more feasible nodes") }
        lines.append(chosen.map { "  would bind to \($0)" } ?? "  unschedulable now")
        return lines.joined(separator: "\n")
    }
}
