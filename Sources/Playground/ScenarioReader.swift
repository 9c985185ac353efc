import Blueprint
import Simulation
import YAML

/// Walks a parsed scenario document, reading typed values and collecting every problem with
/// its position.
struct ScenarioReader {
    let document: YAMLDocument
    let file: String
    var problems: [ScenarioError.Problem] = []

    init(document: YAMLDocument, file: String) {
        self.document = document
        self.file = file
    }

    mutating func fail(_ message: String, at path: String, hint: String? = nil) {
        problems.append(.init(message: message, path: path, mark: document.mark(at: path), hint: hint, file: file))
    }

    /// The mapping at `path`; unknown keys are reported with the closest known one.
    mutating func mapping(_ node: YAMLNode?, at path: String, known: [String]) -> YAMLMapping? {
        guard let node else { return nil }
        guard let m = node.mapping else {
            fail("expected a mapping, found \(node.kindDescription)", at: path)
            return nil
        }
        let knownKeys = Set(known)
        for key in m.keys where !knownKeys.contains(key) {
            let suggestion = Self.closest(key, known)
            fail("unknown field '\(key)'", at: YAMLPath.key(path, key),
                 hint: suggestion.map { "did you mean '\($0)'?" } ?? "known fields: \(known.joined(separator: ", "))")
        }
        return m
    }

    mutating func list(_ node: YAMLNode?, at path: String) -> [YAMLNode]? {
        guard let node else { return nil }
        guard let s = node.sequence else {
            fail("expected a list, found \(node.kindDescription)", at: path)
            return nil
        }
        return s
    }

    mutating func string(_ m: YAMLMapping, _ key: String, at path: String, required: Bool = false) -> String? {
        let p = YAMLPath.key(path, key)
        guard let v = m[key] else {
            if required { fail("missing '\(key)'", at: path) }
            return nil
        }
        switch v {
        case .string(let s) where !s.isEmpty: return s
        case .int(let i): return String(i)
        default:
            fail("'\(key)' must be a non-empty string, found \(v.kindDescription)", at: p)
            return nil
        }
    }

    mutating func int(_ m: YAMLMapping, _ key: String, at path: String, min: Int = 0, max: Int? = nil) -> Int? {
        guard let v = m[key] else { return nil }
        guard let i = v.int, i >= min, i <= (max ?? .max) else {
            let range = max.map { "from \(min) to \($0)" } ?? "≥ \(min)"
            fail("'\(key)' must be a whole number \(range), found \(Self.show(v))", at: YAMLPath.key(path, key))
            return nil
        }
        return i
    }

    /// A plain number within `range` (finite); reported with the range otherwise.
    mutating func number(_ m: YAMLMapping, _ key: String, at path: String, in range: ClosedRange<Double>, unit: String = "a number") -> Double? {
        guard let v = m[key] else { return nil }
        guard let d = QuantityParser.number(v, in: range) else {
            fail("'\(key)' must be \(unit) from \(Self.show(range.lowerBound)) to \(Self.show(range.upperBound)), found \(Self.show(v))",
                 at: YAMLPath.key(path, key))
            return nil
        }
        return d
    }

    static func show(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }

    /// Reads `key` with `parse`; text it does not understand is reported as "must be
    /// \(expected)" at the field.
    mutating func quantity<T>(_ m: YAMLMapping, _ key: String, at path: String, expected: String, _ parse: (YAMLNode) -> T?) -> T? {
        guard let v = m[key] else { return nil }
        return quantity(v, at: YAMLPath.key(path, key), name: key, expected: expected, parse)
    }

    mutating func quantity<T>(_ v: YAMLNode, at path: String, name: String, expected: String, _ parse: (YAMLNode) -> T?) -> T? {
        guard let value = parse(v) else {
            fail("'\(name)' must be \(expected), found \(Self.show(v))", at: path)
            return nil
        }
        return value
    }

    mutating func seconds(_ m: YAMLMapping, _ key: String, at path: String) -> Double? {
        quantity(m, key, at: path, expected: "a duration such as 500ms, 2s, 5m (or seconds), at most \(Limits.secondsText)", QuantityParser.seconds)
    }

    mutating func bytes(_ m: YAMLMapping, _ key: String, at path: String) -> Int64? {
        guard let v = m[key] else { return nil }
        return bytes(v, at: YAMLPath.key(path, key), name: key)
    }

    mutating func bytes(_ v: YAMLNode, at path: String, name: String) -> Int64? {
        quantity(v, at: path, name: name, expected: "a size such as 100MB, 2Gi, 512KiB (or bytes), at most \(Limits.bytesText)", QuantityParser.bytes)
    }

    mutating func bandwidth(_ m: YAMLMapping, _ key: String, at path: String) -> Double? {
        quantity(m, key, at: path, expected: "a bandwidth such as 1Gbps, 100Mbps or 200MB/s, from 1kbps to 100Tbps", QuantityParser.bandwidth)
    }

    mutating func millicores(_ m: YAMLMapping, _ key: String, at path: String) -> Int64? {
        quantity(m, key, at: path, expected: "CPU such as 2, 0.5 or 500m, at most 1000000 cores", QuantityParser.millicores)
    }

    mutating func fraction(_ m: YAMLMapping, _ key: String, at path: String) -> Double? {
        quantity(m, key, at: path, expected: "a fraction between 0 and 1 or a percentage such as 85%", QuantityParser.fraction)
    }

    mutating func stringMap(_ m: YAMLMapping, _ key: String, at path: String) -> [String: String] {
        guard let v = m[key] else { return [:] }
        guard let map = v.mapping else {
            fail("'\(key)' must be a mapping of strings, found \(v.kindDescription)", at: YAMLPath.key(path, key))
            return [:]
        }
        var out: [String: String] = [:]
        for e in map {
            switch e.value {
            case .string(let s): out[e.key] = s
            case .int(let i): out[e.key] = String(i)
            case .bool(let b): out[e.key] = String(b)
            default: fail("label values must be strings", at: YAMLPath.key(YAMLPath.key(path, key), e.key))
            }
        }
        return out
    }

    mutating func stringList(_ m: YAMLMapping, _ key: String, at path: String) -> [String] {
        guard let items = list(m[key], at: YAMLPath.key(path, key)) else { return [] }
        return items.enumerated().compactMap { i, item in
            if let s = item.string { return s }
            fail("expected a string, found \(item.kindDescription)", at: YAMLPath.index(YAMLPath.key(path, key), i))
            return nil
        }
    }

    /// A duration distribution: a plain duration (constant) or
    /// `{distribution: lognormal, median: 1s, sigma: 0.3, min: 0.2s, max: 5s}`.
    mutating func distribution(_ m: YAMLMapping, _ key: String, at path: String) -> Distribution? {
        guard let v = m[key] else { return nil }
        let p = YAMLPath.key(path, key)
        if v.mapping == nil {
            guard let s = QuantityParser.seconds(v) else {
                fail("'\(key)' must be a duration or a distribution, found \(Self.show(v))", at: p,
                     hint: "e.g. \(key): 1s, or \(key): {distribution: lognormal, median: 1s, sigma: 0.3}")
                return nil
            }
            return .constant(s)
        }
        guard let d = mapping(v, at: p, known: ["distribution", "value", "min", "max", "mean", "median", "sigma", "standardDeviation", "values"]) else { return nil }
        let kind = string(d, "distribution", at: p, required: true) ?? ""
        let lo = seconds(d, "min", at: p), hi = seconds(d, "max", at: p)
        func need(_ k: String) -> Double? {
            if d[k] == nil { fail("a \(kind) distribution needs '\(k)'", at: p) }
            return seconds(d, k, at: p)
        }
        switch kind {
        case "constant": return need("value").map { .constant($0) }
        case "uniform":
            guard let a = need("min"), let b = need("max") else { return nil }
            guard a <= b else { fail("uniform needs min ≤ max", at: p); return nil }
            return .uniform(min: a, max: b)
        case "exponential": return need("mean").map { .exponential(mean: $0) }
        case "normal":
            guard let mean = need("mean") else { return nil }
            let sd = seconds(d, "standardDeviation", at: p) ?? 0
            return .normal(mean: mean, standardDeviation: sd, min: lo, max: hi)
        case "lognormal":
            guard let median = need("median") else { return nil }
            guard let sigma = d["sigma"].flatMap({ QuantityParser.number($0, in: 0...10) }) else {
                fail("a lognormal distribution needs 'sigma' (a number from 0 to 10)", at: d["sigma"] == nil ? p : YAMLPath.key(p, "sigma"))
                return nil
            }
            return .lognormal(median: median, sigma: sigma, min: lo, max: hi)
        case "empirical":
            let items = list(d["values"], at: YAMLPath.key(p, "values")) ?? []
            var values: [Double] = []
            for (i, item) in items.enumerated() {
                if let v = quantity(item, at: YAMLPath.index(YAMLPath.key(p, "values"), i), name: "values[\(i)]",
                                    expected: "a duration, at most \(Limits.secondsText)", QuantityParser.seconds) { values.append(v) }
            }
            guard !values.isEmpty else { fail("an empirical distribution needs 'values' (durations)", at: p); return nil }
            return .empirical(values)
        case "": return nil
        default:
            fail("unknown distribution '\(kind)'", at: YAMLPath.key(p, "distribution"),
                 hint: "use constant, uniform, exponential, normal, lognormal or empirical")
            return nil
        }
    }

    static func show(_ v: YAMLNode) -> String {
        switch v {
        case .string(let s): return "'\(s)'"
        case .int(let i): return String(i)
        case .double(let d): return "\(d)"
        case .bool(let b): return String(b)
        default: return v.kindDescription
        }
    }

    static func closest(_ word: String, _ candidates: [String]) -> String? {
        Suggestion.closest(to: word, in: candidates.sorted())
    }
}
