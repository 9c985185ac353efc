import Foundation
import Blueprint

/// A label selector as `kubectl get -l` sends it: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, joined by commas.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement] = []

    static let everything = LabelSelector()

    init(requirements: [Requirement] = []) { self.requirements = requirements }

    /// Parses the query form; throws a message for a malformed selector.
    init(parsing text: String) throws(APIError) {
        var terms: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 {
                terms.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        terms.append(current)
        for raw in terms {
            let term = raw.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            if let r = term.range(of: " notin ") ?? term.range(of: " in ") {
                let key = term[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let rest = term[r.upperBound...].trimmingCharacters(in: .whitespaces)
                guard rest.hasPrefix("("), rest.hasSuffix(")"), !key.isEmpty else {
                    throw APIError.badRequest("unable to parse requirement: found '\(term)', expected: '(' and ')' around the values")
                }
                let values = Set(rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                requirements.append(term[r].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if let r = term.range(of: "!=") {
                requirements.append(.notEquals(String(term[..<r.lowerBound]), String(term[r.upperBound...])))
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                requirements.append(.equals(String(term[..<r.lowerBound]), String(term[r.upperBound...])))
            } else if term.hasPrefix("!") {
                requirements.append(.doesNotExist(String(term.dropFirst())))
            } else {
                requirements.append(.exists(term))
            }
        }
    }

    /// A selector from a `matchLabels` / `matchExpressions` object (Deployments, ReplicaSets),
    /// or a plain map (Services).
    init(object: JSONObject) {
        if object["matchLabels"] != nil || object["matchExpressions"] != nil {
            for m in object["matchLabels"]?.object?.members ?? [] {
                if let v = m.value.string { requirements.append(.equals(m.key, v)) }
            }
            for e in object["matchExpressions"]?.array ?? [] {
                guard let key = e["key"]?.string, let op = e["operator"]?.string else { continue }
                let values = Set((e["values"]?.array ?? []).compactMap(\.string))
                switch op {
                case "In": requirements.append(.isIn(key, values))
                case "NotIn": requirements.append(.notIn(key, values))
                case "Exists": requirements.append(.exists(key))
                case "DoesNotExist": requirements.append(.doesNotExist(key))
                default: continue
                }
            }
        } else {
            for m in object.members {
                if let v = m.value.string { requirements.append(.equals(m.key, v)) }
            }
        }
    }

    var isEmpty: Bool { requirements.isEmpty }

    func matches(_ labels: [String: String]) -> Bool {
        for r in requirements {
            switch r {
            case .equals(let k, let v): if labels[k] != v { return false }
            case .notEquals(let k, let v): if labels[k] == v { return false }
            case .isIn(let k, let values): guard let v = labels[k], values.contains(v) else { return false }
            case .notIn(let k, let values): if let v = labels[k], values.contains(v) { return false }
            case .exists(let k): if labels[k] == nil { return false }
            case .doesNotExist(let k): if labels[k] != nil { return false }
            }
        }
        return true
    }

    /// The selector's query form (`a=b,c in (d)`), for Scale's `status.selector`.
    var text: String {
        requirements.map { r in
            switch r {
            case .equals(let k, let v): return "\(k)=\(v)"
            case .notEquals(let k, let v): return "\(k)!=\(v)"
            case .isIn(let k, let vs): return "\(k) in (\(vs.sorted().joined(separator: ",")))"
            case .notIn(let k, let vs): return "\(k) notin (\(vs.sorted().joined(separator: ",")))"
            case .exists(let k): return k
            case .doesNotExist(let k): return "!\(k)"
            }
        }.joined(separator: ",")
    }
}

/// A field selector: `metadata.name=web,involvedObject.uid=…,status.phase!=Running`.
struct FieldSelector: Sendable, Equatable {
    var terms: [(path: [String], value: String, equal: Bool)] = []

    static func == (a: FieldSelector, b: FieldSelector) -> Bool {
        a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.path == $1.path && $0.value == $1.value && $0.equal == $1.equal }
    }

    init() {}

    init(parsing text: String) throws(APIError) {
        for raw in text.split(separator: ",") {
            let term = String(raw)
            let equal: Bool
            let parts: [Substring]
            if let r = term.range(of: "!=") {
                equal = false
                parts = [term[..<r.lowerBound], term[r.upperBound...]]
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                equal = true
                parts = [term[..<r.lowerBound], term[r.upperBound...]]
            } else {
                throw APIError.badRequest("invalid field selector '\(term)': expected field=value or field!=value")
            }
            terms.append((parts[0].split(separator: ".").map(String.init), String(parts[1]), equal))
        }
    }

    var isEmpty: Bool { terms.isEmpty }

    /// The single `metadata.name=` value, when the selector is just that (rollout status, wait).
    var exactName: String? {
        guard terms.count == 1, terms[0].equal, terms[0].path == ["metadata", "name"] else { return nil }
        return terms[0].value
    }

    func matches(_ object: JSONObject) -> Bool {
        for t in terms {
            let value: String
            switch JSONValue.object(object).at(t.path) {
            case .string(let s)?: value = s
            case .number(let n)?: value = n
            case .bool(let b)?: value = b ? "true" : "false"
            default: value = ""
            }
            if (value == t.value) != t.equal { return false }
        }
        return true
    }
}
