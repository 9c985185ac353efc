import Foundation
import Cluster
import YAML

/// Parsing of the quantities scenario files use: durations, byte sizes, bandwidths, CPU,
/// fractions. Each returns `nil` for text it does not understand; callers report where.
public enum QuantityParser {
    /// "250ms", "1.5s", "2m", "1h", "500us"; a bare number is seconds.
    public static func seconds(_ node: YAMLNode) -> Double? {
        if let d = node.double { return d >= 0 ? d : nil }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let plain = Double(s) { return plain >= 0 ? plain : nil }
        let units: [(String, Double)] = [("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("min", 60), ("h", 3600)]
        for (suffix, factor) in units.sorted(by: { $0.0.count > $1.0.count }) where s.hasSuffix(suffix) {
            guard let v = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v >= 0 else { return nil }
            return v * factor
        }
        return nil
    }

    /// "100MB", "2Gi", "1.5GB", "512KiB"; a bare number is bytes.
    public static func bytes(_ node: YAMLNode) -> Int64? {
        if let i = node.int { return i >= 0 ? Int64(i) : nil }
        if let d = node.double { return d >= 0 ? Int64(d) : nil }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776),
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("kB", 1e3), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("B", 1),
        ]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            // (A size beyond Int64, such as 1e400MB, is not a size.)
            guard let v = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v >= 0, v * factor < 9e18 else { return nil }
            return Int64((v * factor).rounded())
        }
        return nil
    }

    /// Bytes per second from "1Gbps", "100Mbps", "10kbps" (bits) or "200MB/s", "1GiB/s" (bytes);
    /// a bare number is bytes per second.
    public static func bandwidth(_ node: YAMLNode) -> Double? {
        if let d = node.double { return d > 0 ? d : nil }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        let bits: [(String, Double)] = [("Tbps", 1e12), ("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3), ("bps", 1)]
        for (suffix, factor) in bits where s.hasSuffix(suffix) {
            guard let v = Double(s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), v > 0 else { return nil }
            return v * factor / 8
        }
        if s.hasSuffix("/s"), let b = bytes(.string(String(s.dropLast(2)))), b > 0 { return Double(b) }
        return nil
    }

    /// CPU in millicores: 2, 0.5, "500m".
    public static func millicores(_ node: YAMLNode) -> Int64? {
        if let d = node.double { return d >= 0 ? Int64((d * 1000).rounded()) : nil }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces) else { return nil }
        if s.hasSuffix("m"), let v = Double(s.dropLast()), v >= 0 { return Int64(v.rounded()) }
        if let v = Double(s), v >= 0 { return Int64((v * 1000).rounded()) }
        return nil
    }

    /// 0.85 or "85%".
    public static func fraction(_ node: YAMLNode) -> Double? {
        if let d = node.double { return (0...1).contains(d) ? d : nil }
        guard let s = node.string?.trimmingCharacters(in: .whitespaces), s.hasSuffix("%"), let v = Double(s.dropLast()) else { return nil }
        return (0...100).contains(v) ? v / 100 : nil
    }
}

