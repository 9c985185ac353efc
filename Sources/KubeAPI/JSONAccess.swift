import Blueprint
import Foundation

extension JSONValue {
    /// The value at `path` of nested objects, or nil.
    func at(_ path: String...) -> JSONValue? { at(path) }

    func at(_ path: [String]) -> JSONValue? {
        var v: JSONValue? = self
        for key in path { v = v?[key] }
        return v
    }

    static func int(_ i: Int) -> JSONValue { .number(String(i)) }
    static func int64(_ i: Int64) -> JSONValue { .number(String(i)) }
}

extension JSONObject {
    /// The value at a nested path of objects.
    func at(_ path: String...) -> JSONValue? { JSONValue.object(self).at(path) }

    /// Sets the value at a nested path, creating objects on the way; nil removes the last key.
    mutating func set(_ path: [String], _ value: JSONValue?) {
        guard let first = path.first else { return }
        if path.count == 1 {
            self[first] = value
            return
        }
        var child = self[first]?.object ?? JSONObject()
        child.set(Array(path.dropFirst()), value)
        self[first] = .object(child)
    }

    /// String-to-string maps such as labels and annotations.
    func stringMap(_ path: String...) -> [String: String] {
        guard let members = JSONValue.object(self).at(path)?.object?.members else { return [:] }
        var map: [String: String] = [:]
        for m in members { if let s = m.value.string { map[m.key] = s } }
        return map
    }

    var name: String { at("metadata", "name")?.string ?? "" }
    var namespace: String? { at("metadata", "namespace")?.string }
    var uid: String { at("metadata", "uid")?.string ?? "" }
    var labels: [String: String] { stringMap("metadata", "labels") }
}

extension JSONObject {
    /// An object from string keys and values, keys sorted (labels, selectors).
    static func strings(_ map: [String: String]) -> JSONObject {
        JSONObject(map.keys.sorted().map { Member(key: $0, value: .string(map[$0] ?? "")) })
    }
}

/// Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G", "1e3").
enum Quantity {
    /// CPU in millicores.
    static func millicores(_ text: String) -> Int64? {
        if text.hasSuffix("m") { return Int64(text.dropLast()) }
        guard let v = value(text), v.isFinite, v >= 0, v < 1e12 else { return nil }
        return Int64((v * 1000).rounded(.up))
    }

    /// Bytes (memory, storage).
    static func bytes(_ text: String) -> Int64? {
        guard let v = value(text), v.isFinite, v >= 0, v < 9e18 else { return nil }
        return Int64(v.rounded(.up))
    }

    static func value(_ text: String) -> Double? {
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("Pi", 1_125_899_906_842_624),
            ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3), ("k", 1e3), ("M", 1e6), ("G", 1e9),
            ("T", 1e12), ("P", 1e15), ("E", 1e18),
        ]
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)) else { return nil }
            return number * factor
        }
        return Double(text)
    }

    /// A JSON quantity value (string or number) as text.
    static func text(_ v: JSONValue?) -> String? {
        switch v {
        case .string(let s)?: return s
        case .number(let n)?: return n
        default: return nil
        }
    }
}

/// RFC 3339 timestamps in UTC, whole seconds, as the API server writes them.
enum Timestamp {
    static func string(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return civil(seconds)
    }

    static func civil(_ t: Int64) -> String {
        // Days from the civil date algorithm (H. Hinnant), so no formatter state is shared.
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
    }
}
