import Cluster
import Foundation
import Simulation

/// The human-readable and machine-readable forms of a cluster run's summary.
public enum ClusterReport {
    public static func text(_ s: ClusterSummary, scenario: String, seed: UInt64, pending: [(pod: String, reason: String)] = []) -> String {
        var lines: [String] = []
        lines.append("Scenario \(scenario) (seed \(seed))")
        lines.append("  simulated time      \(s.simulatedTime)   (\(s.events) events)")
        lines.append("  pods                \(s.pods) total: \(s.readyPods) ready, \(s.pendingPods) pending, \(s.failedPods) failed, \(s.removedPods) deleted; \(s.lostPods) lost to node failures")
        lines.append("  all ready at        \(s.timeToAllReady?.description ?? "never")")
        lines.append("  pod startup         \(s.podStartup)   (created → ready)")
        lines.append("  image pull per pod  \(s.podImagePull)")
        lines.append("  container start     \(s.containerStart)")
        lines.append("  layer transfers     \(s.layerPulls), \(megabytes(s.pulledBytes)) MB, \(s.layerPullDuration)")
        lines.append("  cache               node hit rate \(percent(s.nodeCacheHitRate)), storage served \(percent(s.storageHitRate)) of transfers, \(s.evictions) layers evicted")
        lines.append("  scheduling          \(s.schedulingAttempts) attempts, \(s.unschedulableAttempts) found no node")
        lines.append("  allocation          mean CPU \(percent(s.meanCPUAllocation)), memory \(percent(s.meanMemoryAllocation)) over \(s.allocation.filter(\.isUp).count) nodes up")
        let busiest = s.allocation.sorted { ($0.cpuFraction, $1.node) > ($1.cpuFraction, $0.node) }.prefix(5)
        for n in busiest {
            lines.append("    \(n.node.padded(to: 16)) \(n.pods) pods, CPU \(percent(n.cpuFraction)), memory \(percent(n.memoryFraction))\(n.isUp ? "" : " (down)")")
        }
        if !pending.isEmpty {
            lines.append("  not running:")
            for (pod, reason) in pending.prefix(10) { lines.append("    \(pod): \(reason)") }
            if pending.count > 10 { lines.append("    … and \(pending.count - 10) more") }
        }
        return lines.joined(separator: "\n")
    }

    /// Per-node allocation as CSV.
    public static func nodesCSV(_ s: ClusterSummary) -> String {
        var out = "node,device_type,up,pods,cpu_fraction,memory_fraction,cached_bytes,energy_joules\n"
        for n in s.allocation {
            out += "\(EventLogWriter.csvField(n.node)),\(EventLogWriter.csvField(n.deviceType)),\(n.isUp),\(n.pods),\(n.cpuFraction.fixed(4)),\(n.memoryFraction.fixed(4)),\(n.cachedBytes),\(n.energyJoules.fixed(3))\n"
        }
        return out
    }

    /// The summary as a JSON object (sorted keys; the same run gives the same bytes).
    public static func json(_ s: ClusterSummary, scenario: String, seed: UInt64, faas: FaaSSummary? = nil) throws -> String {
        let stats = statsObject
        var object: [String: Any] = [
            "scenario": scenario, "seed": seed,
            "simulatedSeconds": round6(s.simulatedTime.seconds), "events": s.events,
            "pods": ["total": s.pods, "ready": s.readyPods, "pending": s.pendingPods, "failed": s.failedPods, "removed": s.removedPods, "lost": s.lostPods],
            "allReadySeconds": s.timeToAllReady.map { round6($0.seconds) } ?? NSNull(),
            "podStartupSeconds": stats(s.podStartup), "imagePullSeconds": stats(s.podImagePull),
            "containerStartSeconds": stats(s.containerStart), "layerTransferSeconds": stats(s.layerPullDuration),
            "layerTransfers": s.layerPulls, "pulledBytes": s.pulledBytes,
            "nodeCacheHitRate": round6(s.nodeCacheHitRate), "storageHitRate": round6(s.storageHitRate), "evictions": s.evictions,
            "schedulingAttempts": s.schedulingAttempts, "unschedulableAttempts": s.unschedulableAttempts,
            "meanCPUAllocation": round6(s.meanCPUAllocation), "meanMemoryAllocation": round6(s.meanMemoryAllocation),
        ]
        if let faas { object["faas"] = FaaSReport.jsonObject(faas) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

    /// Percentiles as a JSON object, rounded to microseconds.
    static func statsObject(_ p: Percentiles) -> [String: Any] {
        ["count": p.count, "mean": round6(p.mean), "p50": round6(p.p50), "p95": round6(p.p95), "p99": round6(p.p99), "max": round6(p.max)]
    }
    static func percent(_ f: Double) -> String { (f * 100).fixed(1) + "%" }
    static func megabytes(_ b: Int64) -> String { (Double(b) / 1e6).fixed(1) }
}
