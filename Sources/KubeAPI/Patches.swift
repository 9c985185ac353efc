import Blueprint

/// A patch that cannot be applied; answered as a 422 with this message.
public struct PatchError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The three patch formats kubectl sends.
public enum Patch {
    /// RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces.
    public static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var result = target.object ?? JSONObject()
        for m in p.members {
            if m.value == .null {
                result[m.key] = nil
            } else {
                result[m.key] = merge(result[m.key] ?? .null, m.value)
            }
        }
        return .object(result)
    }

    /// RFC 6902 JSON patch: add, remove, replace, move, copy and test, with JSON pointers.
    public static func json(_ target: JSONValue, _ operations: JSONValue) throws -> JSONValue {
        guard case .array(let ops) = operations else { throw PatchError("a JSON patch must be an array of operations") }
        var doc = target
        for (i, op) in ops.enumerated() {
            guard let name = op["op"]?.string, let path = op["path"]?.string else {
                throw PatchError("operation \(i): needs \"op\" and \"path\"")
            }
            let pointer = try Pointer(path, operation: i)
            switch name {
            case "add":
                guard let value = op["value"] else { throw PatchError("operation \(i) (add \(path)): no \"value\"") }
                doc = try pointer.add(value, to: doc)
            case "remove":
                doc = try pointer.remove(from: doc)
            case "replace":
                guard let value = op["value"] else { throw PatchError("operation \(i) (replace \(path)): no \"value\"") }
                guard pointer.get(doc) != nil else { throw PatchError("operation \(i): replace: the path \(path) does not exist") }
                doc = try pointer.remove(from: doc)
                doc = try pointer.add(value, to: doc)
            case "move", "copy":
                guard let fromText = op["from"]?.string else { throw PatchError("operation \(i) (\(name) \(path)): no \"from\"") }
                let from = try Pointer(fromText, operation: i)
                guard let value = from.get(doc) else { throw PatchError("operation \(i): \(name): the path \(fromText) does not exist") }
                if name == "move" {
                    if path.hasPrefix(fromText + "/") { throw PatchError("operation \(i): move: \(path) is inside \(fromText)") }
                    doc = try from.remove(from: doc)
                }
                doc = try pointer.add(value, to: doc)
            case "test":
                guard let value = op["value"] else { throw PatchError("operation \(i) (test \(path)): no \"value\"") }
                guard let current = pointer.get(doc), equal(current, value) else {
                    throw PatchError("operation \(i): test failed: \(path) is not \(JSONWriter(pretty: false).write(value))")
                }
            default:
                throw PatchError("operation \(i): unknown op \"\(name)\"")
            }
        }
        return doc
    }

    /// JSON equality with numbers compared by value (`1` equals `1.0`).
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y || (Double(x) != nil && Double(x) == Double(y))
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(equal)
        case (.object(let x), .object(let y)):
            return x.members.count == y.members.count && x.members.allSatisfy { m in y[m.key].map { equal(m.value, $0) } ?? false }
        default: return a == b
        }
    }

    /// An RFC 6901 JSON pointer.
    struct Pointer {
        var tokens: [String]
        var text: String

        init(_ text: String, operation: Int) throws {
            self.text = text
            guard text.isEmpty || text.hasPrefix("/") else { throw PatchError("operation \(operation): the path \"\(text)\" must start with '/'") }
            tokens = text.isEmpty ? [] : text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
        }

        func get(_ doc: JSONValue) -> JSONValue? {
            var v = doc
            for t in tokens {
                switch v {
                case .object(let o): guard let next = o[t] else { return nil }; v = next
                case .array(let a): guard let i = Self.index(t), i < a.count else { return nil }; v = a[i]
                default: return nil
                }
            }
            return v
        }

        static func index(_ t: String) -> Int? {
            guard !t.isEmpty, t.allSatisfy(\.isNumber), t == "0" || !t.hasPrefix("0") else { return nil }
            return Int(t)
        }

        func add(_ value: JSONValue, to doc: JSONValue) throws -> JSONValue {
            guard !tokens.isEmpty else { return value }
            return try update(doc, tokens[...]) { parent, last in
                switch parent {
                case .object(var o):
                    o[last] = value
                    return .object(o)
                case .array(var a):
                    if last == "-" { a.append(value); return .array(a) }
                    guard let i = Self.index(last), i <= a.count else { throw PatchError("the index \(last) of \(text) is out of range") }
                    a.insert(value, at: i)
                    return .array(a)
                default:
                    throw PatchError("the parent of \(text) is not an object or an array")
                }
            }
        }

        func remove(from doc: JSONValue) throws -> JSONValue {
            guard !tokens.isEmpty else { throw PatchError("cannot remove the whole document") }
            return try update(doc, tokens[...]) { parent, last in
                switch parent {
                case .object(var o):
                    guard o[last] != nil else { throw PatchError("the path \(text) does not exist") }
                    o[last] = nil
                    return .object(o)
                case .array(var a):
                    guard let i = Self.index(last), i < a.count else { throw PatchError("the index \(last) of \(text) is out of range") }
                    a.remove(at: i)
                    return .array(a)
                default:
                    throw PatchError("the path \(text) does not exist")
                }
            }
        }

        /// Rebuilds `doc` with `change` applied to the parent of the last token.
        private func update(_ doc: JSONValue, _ rest: ArraySlice<String>, _ change: (JSONValue, String) throws -> JSONValue) throws -> JSONValue {
            guard let first = rest.first else { return doc }
            if rest.count == 1 { return try change(doc, first) }
            switch doc {
            case .object(var o):
                guard let child = o[first] else { throw PatchError("the path \(text) does not exist") }
                o[first] = try update(child, rest.dropFirst(), change)
                return .object(o)
            case .array(var a):
                guard let i = Self.index(first), i < a.count else { throw PatchError("the path \(text) does not exist") }
                a[i] = try update(a[i], rest.dropFirst(), change)
                return .array(a)
            default:
                throw PatchError("the path \(text) does not exist")
            }
        }
    }

    // MARK: Strategic merge

    /// Merge keys of the lists that merge element-wise, by their path (pod templates appear at
    /// `spec` in a Pod and `spec.template.spec` in the workload kinds).
    static func mergeKey(kind: String, path: [String]) -> String? {
        var p = path
        switch kind {
        case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController":
            guard p.starts(with: ["spec", "template", "spec"]) else { return metadataKey(p) }
            p = Array(p.dropFirst(3))
        case "Pod":
            guard p.first == "spec" else { return metadataKey(p) }
            p = Array(p.dropFirst())
        case "Service":
            if p == ["spec", "ports"] { return "port" }
            return metadataKey(p)
        default:
            return metadataKey(p)
        }
        switch p {
        case ["containers"], ["initContainers"], ["ephemeralContainers"], ["volumes"], ["imagePullSecrets"]: return "name"
        case ["hostAliases"]: return "ip"
        default: break
        }
        if p.count == 2, ["containers", "initContainers", "ephemeralContainers"].contains(p[0]) {
            switch p[1] {
            case "ports": return "containerPort"
            case "env": return "name"
            case "volumeMounts": return "mountPath"
            case "volumeDevices": return "devicePath"
            default: return nil
            }
        }
        return nil
    }

    static func metadataKey(_ p: [String]) -> String? { p == ["metadata", "ownerReferences"] ? "uid" : nil }

    /// Lists of scalars that merge as sets.
    static func mergesPrimitives(_ path: [String]) -> Bool { path == ["metadata", "finalizers"] }

    /// Strategic merge patch (`application/strategic-merge-patch+json`) with the real merge
    /// keys and the directives kubectl writes (`$patch`, `$setElementOrder/…`, `$retainKeys`,
    /// `$deleteFromPrimitiveList/…`).
    public static func strategicMerge(_ target: JSONValue, _ patch: JSONValue, kind: String) throws -> JSONValue {
        try strategic(target, patch, kind: kind, path: [])
    }

    static func strategic(_ target: JSONValue, _ patch: JSONValue, kind: String, path: [String]) throws -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        if p["$patch"]?.string == "replace" {
            var replaced = p
            replaced["$patch"] = nil
            return try strategic(.null, .object(replaced), kind: kind, path: path)
        }
        if p["$patch"]?.string == "delete" { return .null }
        var result = target.object ?? JSONObject()
        var orders: [String: [JSONValue]] = [:]
        for m in p.members {
            let key = m.key
            if key == "$patch" { continue }
            if key == "$retainKeys" {
                let keep = Set((m.value.array ?? []).compactMap(\.string))
                result = JSONObject(result.members.filter { keep.contains($0.key) || p[$0.key] != nil })
                continue
            }
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = m.value.array ?? []
                continue
            }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let drop = m.value.array ?? []
                if let list = result[field]?.array { result[field] = .array(list.filter { !drop.contains($0) }) }
                continue
            }
            if key.hasPrefix("$") { throw PatchError("unknown directive \(key) in the strategic merge patch") }
            if m.value == .null {
                result[key] = nil
                continue
            }
            let childPath = path + [key]
            switch m.value {
            case .object:
                let merged = try strategic(result[key] ?? .null, m.value, kind: kind, path: childPath)
                result[key] = merged == .null ? nil : merged
            case .array(let items):
                if let mergeKey = mergeKey(kind: kind, path: childPath) {
                    result[key] = .array(try mergeList(result[key]?.array ?? [], items, key: mergeKey, kind: kind, path: childPath))
                } else if mergesPrimitives(childPath) {
                    var list = result[key]?.array ?? []
                    for item in items where !list.contains(item) { list.append(item) }
                    result[key] = .array(list)
                } else {
                    // Replaced, with directives inside removed.
                    result[key] = .array(try items.compactMap { item -> JSONValue? in
                        guard case .object = item else { return item }
                        let v = try strategic(.null, item, kind: kind, path: childPath)
                        return v == .null ? nil : v
                    })
                }
            default:
                result[key] = m.value
            }
        }
        for (field, order) in orders {
            guard let list = result[field]?.array, let mergeKey = mergeKey(kind: kind, path: path + [field]) else { continue }
            let keys = order.compactMap { $0[mergeKey] }
            var ordered: [JSONValue] = []
            for k in keys { if let item = list.first(where: { $0[mergeKey] == k }) { ordered.append(item) } }
            ordered += list.filter { item in !keys.contains { $0 == item[mergeKey] } }
            result[field] = .array(ordered)
        }
        return .object(result)
    }

    static func mergeList(_ current: [JSONValue], _ patch: [JSONValue], key: String, kind: String, path: [String]) throws -> [JSONValue] {
        var list = current
        for item in patch {
            guard case .object(let o) = item, let k = o[key] else {
                throw PatchError("an element of \(path.joined(separator: ".")) has no merge key \"\(key)\"")
            }
            let index = list.firstIndex { $0[key] == k }
            switch o["$patch"]?.string {
            case "delete"?:
                if let index { list.remove(at: index) }
            case "replace"?:
                var replaced = o
                replaced["$patch"] = nil
                if let index { list[index] = .object(replaced) } else { list.append(.object(replaced)) }
            default:
                if let index {
                    list[index] = try strategic(list[index], item, kind: kind, path: path)
                } else {
                    list.append(try strategic(.null, item, kind: kind, path: path))
                }
            }
        }
        return list
    }
}
