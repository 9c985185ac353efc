import Blueprint
import Foundation
import Playground

extension JSONValue {
    /// The value at `path` of nested objects, or nil.
    func at(_ path: String...) -> JSONValue? { at(path) }

    /// The same for the common short paths, without a path array per call (`metadata.name`
    /// and the like are read on every change).
    func at(_ a: String, _ b: String) -> JSONValue? { self[a]?[b] }
    func at(_ a: String, _ b: String, _ c: String) -> JSONValue? { self[a]?[b]?[c] }

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
    func at(_ a: String, _ b: String) -> JSONValue? { self[a]?[b] }
    func at(_ a: String, _ b: String, _ c: String) -> JSONValue? { self[a]?[b]?[c] }

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

/// Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G"), read as the scenario files read them
/// (`QuantityParser`, with its limits).
enum Quantity {
    /// CPU in millicores.
    static func millicores(_ text: String) -> Int64? { QuantityParser.millicores(.string(text)) }

    /// Bytes (memory, storage).
    static func bytes(_ text: String) -> Int64? { QuantityParser.bytes(.string(text)) }

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
