import Foundation
import Simulation

/// What the playground counts for `/metrics`, and the pods' simulated logs.
struct PlaygroundMetrics {
    var podsCreated = 0
    var scheduleAttempts: [String: Int] = [:]
    /// Image pulls in progress by pod uid: node, image, bytes, start.
    var pullsStarted: [String: (node: String, image: String, bytes: Int64, start: SimTime)] = [:]
    var pullDurations: [Double] = []
    /// kubelet_pod_start_sli_duration_seconds: creation to running, without pull time.
    var podStartSLI: [Double] = []
    /// kubelet_pod_start_total_duration_seconds: creation to ready.
    var podStartTotal: [Double] = []
    /// apiserver_request_total by verb, resource and code.
    var requests: [String: Int] = [:]
    var logs: ShardedDictionary<String, [String]> = [:]
}

/// The Prometheus text exposition format (version 0.0.4).
public struct PrometheusText: Sendable {
    public private(set) var text = ""

    public init() {}

    public mutating func counter(_ name: String, help: String, values: [(labels: [(String, String)], value: Double)]) {
        header(name, help: help, type: "counter")
        for v in values { sample(name, v.labels, v.value) }
    }

    public mutating func gauge(_ name: String, help: String, values: [(labels: [(String, String)], value: Double)]) {
        header(name, help: help, type: "gauge")
        for v in values { sample(name, v.labels, v.value) }
    }

    /// A histogram with cumulative `le` buckets, `_sum` and `_count`.
    public mutating func histogram(_ name: String, help: String, buckets: [Double], observations: [Double]) {
        header(name, help: help, type: "histogram")
        let sorted = observations.sorted()
        var i = 0
        for bound in buckets {
            while i < sorted.count, sorted[i] <= bound { i += 1 }
            sample(name + "_bucket", [("le", Self.number(bound))], Double(i))
        }
        sample(name + "_bucket", [("le", "+Inf")], Double(sorted.count))
        sample(name + "_sum", [], sorted.reduce(0, +))
        sample(name + "_count", [], Double(sorted.count))
    }

    /// A histogram from counts kept as they come: `cumulativeCounts[i]` observations at most
    /// `buckets[i]`, the last one all of them.
    public mutating func histogram(_ name: String, help: String, buckets: [Double], cumulativeCounts: [Int], sum: Double) {
        header(name, help: help, type: "histogram")
        for (i, bound) in buckets.enumerated() {
            sample(name + "_bucket", [("le", Self.number(bound))], Double(i < cumulativeCounts.count ? cumulativeCounts[i] : 0))
        }
        let total = Double(cumulativeCounts.last ?? 0)
        sample(name + "_bucket", [("le", "+Inf")], total)
        sample(name + "_sum", [], sum)
        sample(name + "_count", [], total)
    }

    private mutating func header(_ name: String, help: String, type: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.number(value))\n"
    }

    static func number(_ v: Double) -> String {
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
