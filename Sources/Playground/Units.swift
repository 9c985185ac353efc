import Foundation
import Cluster
import YAML

/// The largest values kubeprint accepts from scenario files, manifests and the command line.
///
/// They bound what one line of input can ask for (memory, time, object counts) and keep all
/// arithmetic on capacities far from overflow, while leaving room for the largest benchmarks
/// (5,000 nodes and 50,000 pods, 10 million requests).
public enum Limits {
    /// Sizes (memory, disk, images, layers, storage): 1 PiB.
    public static let maxBytes: Int64 = 1 << 50
    /// Durations and points in time: 400 days.
    public static let maxSeconds: Double = 400 * 86_400
    /// CPU: one million cores.
    public static let maxMillicores: Int64 = 1_000_000_000
    /// GPUs or TPUs on one node or in one request.
    public static let maxAccelerators = 10_000
    /// Bandwidths: from 1 kbit/s to 100 Tbit/s (in bytes per second).
    public static let minBandwidth: Double = 125
    public static let maxBandwidth: Double = 12.5e12
    /// Nodes in one scenario.
    public static let maxNodes = 100_000
    /// Pods (deployment replicas and bare pods) one scenario or solution starts.
    public static let maxPods = 1_000_000
    /// Replicas of one deployment or function (scaling.max, scale commands, spec.replicas).
    public static let maxReplicas = 100_000
    /// Requests one scenario may send, counted from each workload's rate × duration or count.
    public static let maxRequests = 100_000_000
    /// Requests per second of one workload.
    public static let maxRate: Double = 10_000_000
    /// Watts of one node.
    public static let maxWatts: Double = 1_000_000
    /// Shortest period of periodic work (monitoring, scaler ticks and sync periods): 1 ms.
    public static let minPeriod: Double = 0.001
    /// Samples one scaler window holds (stable window ÷ tick, stabilisation window ÷ sync period).
    public static let maxSamplesPerWindow = 10_000
    /// Entries `count:` expands one list to, and values (YAML nodes) in all the copies.
    public static let maxCopies = 100_000
    public static let maxCopiedNodes = 10_000_000
    /// Nodes × (images + deployments + functions): the simulator's per-node tables.
    public static let maxNodeTableEntries = 50_000_000
    /// Monitoring samples and scaler ticks over a run.
    public static let maxPeriodicEvents = 100_000_000
    /// Workers of one replica's watchdog.
    public static let maxWorkers = 100_000

    /// "1PiB", "400 days", … for messages.
    public static let bytesText = "1PiB"
    public static let secondsText = "400 days (34560000s)"
}

/// Parsing of the quantities scenario files use: durations, byte sizes, bandwidths, CPU,
/// fractions. Each returns `nil` for text it does not understand, for values that are not
/// finite and for values outside ``Limits``; callers report where.
public enum QuantityParser {
    /// "250ms", "1.5s", "2m", "1h", "500us"; a bare number is seconds. At most ``Limits/maxSeconds``.
    public static func seconds(_ node: YAMLNode) -> Double? {
        within(unboundedSeconds(node), 0...Limits.maxSeconds)
    }

    private static func unboundedSeconds(_ node: YAMLNode) -> Double? {
        if let d = node.double { return d }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let plain = finite(s) { return plain }
        let units: [(String, Double)] = [("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("min", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, factor) in units.sorted(by: { $0.0.count > $1.0.count }) where s.hasSuffix(suffix) {
            guard let v = finite(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            return v * factor
        }
        return nil
    }

    /// A finite number written in decimal ("inf", "nan" and hexadecimal floats are refused).
    static func finite<S: StringProtocol>(_ text: S) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let v = Double(String(text)), v.isFinite else { return nil }
        return v
    }

    /// "100MB", "2Gi", "1.5GB", "512KiB"; a bare number is bytes. At most ``Limits/maxBytes``.
    public static func bytes(_ node: YAMLNode) -> Int64? {
        within(byteCount(node), 0...Double(Limits.maxBytes)).map { Int64($0.rounded()) }
    }

    private static func byteCount(_ node: YAMLNode) -> Double? {
        if let d = node.double { return d }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776), ("PiB", 1_125_899_906_842_624),
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
            ("Ei", 1_152_921_504_606_846_976),
            ("kB", 1e3), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("PB", 1e15),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18), ("B", 1),
        ]
        if let plain = finite(s) { return plain }
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            guard let v = finite(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            return v * factor
        }
        return nil
    }

    /// Bytes per second from "1Gbps", "100Mbps", "10kbps" (bits) or "200MB/s", "1GiB/s" (bytes);
    /// a bare number is bytes per second. From ``Limits/minBandwidth`` to ``Limits/maxBandwidth``.
    public static func bandwidth(_ node: YAMLNode) -> Double? {
        within(bytesPerSecond(node), Limits.minBandwidth...Limits.maxBandwidth)
    }

    private static func bytesPerSecond(_ node: YAMLNode) -> Double? {
        if let d = node.double { return d }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        let bits: [(String, Double)] = [("Tbps", 1e12), ("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3), ("bps", 1)]
        for (suffix, factor) in bits where s.hasSuffix(suffix) {
            guard let v = finite(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            return v * factor / 8
        }
        if s.hasSuffix("/s") { return byteCount(.string(String(s.dropLast(2)))) }
        return nil
    }

    /// CPU in millicores: 2, 0.5, "500m". At most ``Limits/maxMillicores``.
    public static func millicores(_ node: YAMLNode) -> Int64? {
        within(millicoreCount(node), 0...Double(Limits.maxMillicores)).map { Int64($0.rounded()) }
    }

    private static func millicoreCount(_ node: YAMLNode) -> Double? {
        if let d = node.double { return d * 1000 }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        if s.hasSuffix("m") { return finite(s.dropLast()) }
        return finite(s).map { $0 * 1000 }
    }

    /// 0.85 or "85%".
    public static func fraction(_ node: YAMLNode) -> Double? {
        if let d = node.double { return (0...1).contains(d) ? d : nil }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces), s.hasSuffix("%"), let v = finite(s.dropLast()) else { return nil }
        return (0...100).contains(v) ? v / 100 : nil
    }

    /// A plain number that is finite and within `range` (watts, rates, weights, prices).
    public static func number(_ node: YAMLNode, in range: ClosedRange<Double>) -> Double? {
        within(node.double, range)
    }

    /// `value` when it lies in `range` (a finite range: infinities and NaN never do).
    static func within(_ value: Double?, _ range: ClosedRange<Double>) -> Double? {
        guard let value, range.contains(value) else { return nil }
        return value
    }
}
