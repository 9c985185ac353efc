// The three PATCH body types kubectl sends: JSON merge patch (`scale`), JSON patch
// (`patch --type=json`) and strategic merge patch (`apply` on an existing object).
import Blueprint

/// A patch that cannot be applied; the message becomes the `message` of the Status reply.
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the operation and path where there is one.
    public var message: String
    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Patch application over `JSONValue` trees. Every function is pure: same input, same output,
/// with object keys in a fixed order (existing keys keep their position, new keys follow in
/// patch order).
public enum Patch {
    // MARK: - RFC 7386 JSON merge patch

    /// RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively,
    /// `null` deletes, anything else replaces.
    public static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.object ?? JSONObject()
        for member in patchObject.members {
            if member.value == .null {
                result[member.key] = nil
            } else {
                result[member.key] = merge(result[member.key] ?? .null, member.value)
            }
        }
        return .object(result)
    }

    // MARK: - RFC 6902 JSON patch

    /// RFC 6902 JSON patch (`application/json-patch+json`): add, remove, replace, move, copy,
    /// test; JSON pointers with ~0 ~1 escapes and `-` for append. Throws PatchError with the
    /// failing op index and path.
    public static func json(_ target: JSONValue, _ operations: JSONValue) throws -> JSONValue {
        guard case .array(let ops) = operations else {
            throw PatchError("a JSON patch must be an array of operations, not \(operations.kindDescription)")
        }
        var document = target
        for (index, op) in ops.enumerated() {
            try applyOperation(op, index: index, to: &document)
        }
        return document
    }

    private static func applyOperation(_ op: JSONValue, index: Int, to document: inout JSONValue) throws {
        guard case .object(let object) = op else {
            throw PatchError("JSON patch operation \(index) must be an object, not \(op.kindDescription)")
        }
        guard let name = object["op"]?.string else {
            throw PatchError("JSON patch operation \(index) has no \"op\" string")
        }
        guard let path = object["path"]?.string else {
            throw PatchError("JSON patch operation \(index) (\(name)) has no \"path\" string")
        }
        func fail(_ detail: String, at pointer: String? = nil) -> PatchError {
            PatchError("JSON patch operation \(index) (\(name)) at path \"\(pointer ?? path)\": \(detail)")
        }
        func pointer(_ text: String) throws -> [String] {
            do { return try pointerTokens(text) } catch let error as PatchError { throw fail(error.message, at: text) }
        }
        func requiredValue() throws -> JSONValue {
            guard let value = object["value"] else { throw fail("missing \"value\"") }
            return value
        }
        func fromPointer() throws -> (text: String, tokens: [String]) {
            guard let from = object["from"]?.string else { throw fail("missing \"from\" string") }
            return (from, try pointer(from))
        }
        let tokens = try pointer(path)
        do {
            switch name {
            case "add":
                try add(try requiredValue(), at: tokens, in: &document)
            case "remove":
                _ = try remove(at: tokens, in: &document)
            case "replace":
                let value = try requiredValue()
                guard try get(tokens, in: document) != nil else { throw PatchError("no value to replace") }
                if tokens.isEmpty {
                    document = value
                } else {
                    try modifyParent(of: tokens, in: &document) { parent, last in
                        try setExisting(value, token: last, in: &parent)
                    }
                }
            case "move":
                let from = try fromPointer()
                if from.tokens == tokens { break }
                if tokens.count > from.tokens.count, Array(tokens.prefix(from.tokens.count)) == from.tokens {
                    throw PatchError("cannot move \"\(from.text)\" into one of its own children")
                }
                let value: JSONValue
                do { value = try remove(at: from.tokens, in: &document) } catch let error as PatchError {
                    throw fail(error.message, at: from.text)
                }
                try add(value, at: tokens, in: &document)
            case "copy":
                let from = try fromPointer()
                let found: JSONValue?
                do { found = try get(from.tokens, in: document) } catch let error as PatchError {
                    throw fail(error.message, at: from.text)
                }
                guard let value = found else { throw fail("no value to copy", at: from.text) }
                try add(value, at: tokens, in: &document)
            case "test":
                let expected = try requiredValue()
                guard let actual = try get(tokens, in: document) else { throw PatchError("no value to test") }
                guard jsonEqual(actual, expected) else {
                    throw PatchError("test failed: the value is \(JSONWriter(pretty: false).write(actual)), not \(JSONWriter(pretty: false).write(expected))")
                }
            default:
                throw PatchError("unknown operation (expected add, remove, replace, move, copy or test)")
            }
        } catch let error as PatchError where !error.message.hasPrefix("JSON patch operation ") {
            throw fail(error.message)
        }
    }

    /// Splits an RFC 6901 pointer into unescaped reference tokens ("" is the whole document).
    static func pointerTokens(_ pointer: String) throws -> [String] {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { throw PatchError("a JSON pointer must be empty or start with \"/\"") }
        return try pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw in
            var token = ""
            var iterator = raw.makeIterator()
            while let c = iterator.next() {
                guard c == "~" else { token.append(c); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw PatchError("\"~\" must be followed by 0 or 1 in a JSON pointer")
                }
            }
            return token
        }
    }

    /// The array index a token names: canonical decimal digits only (no sign, no leading zero).
    private static func arrayIndex(_ token: String) throws -> Int {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              token == "0" || !token.hasPrefix("0"), let index = Int(token)
        else { throw PatchError("\"\(token)\" is not an array index") }
        return index
    }

    /// The value a pointer names, or nil when nothing is there.
    private static func get(_ tokens: [String], in document: JSONValue) throws -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                if token == "-" { return nil }
                let index = try arrayIndex(token)
                guard index < array.count else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Walks to the container that holds the pointer's last token and lets `body` change it.
    private static func modifyParent(
        of tokens: [String], in document: inout JSONValue,
        _ body: (inout JSONValue, String) throws -> Void
    ) throws {
        guard let last = tokens.last else { return }
        try descend(tokens.dropLast()[...], in: &document) { parent in try body(&parent, last) }
    }

    private static func descend(
        _ tokens: ArraySlice<String>, in value: inout JSONValue, _ body: (inout JSONValue) throws -> Void
    ) throws {
        guard let token = tokens.first else { try body(&value); return }
        let rest = tokens.dropFirst()
        switch value {
        case .object(var object):
            guard var child = object[token] else { throw PatchError("the member \"\(token)\" does not exist") }
            value = .null  // drop this reference so the child is changed in place
            try descend(rest, in: &child, body)
            object[token] = child
            value = .object(object)
        case .array(var array):
            let index = try arrayIndex(token)
            guard index < array.count else { throw PatchError("index \(index) is out of range (the array has \(array.count) elements)") }
            var child = array[index]
            array[index] = .null
            try descend(rest, in: &child, body)
            array[index] = child
            value = .array(array)
        default:
            throw PatchError("\"\(token)\" is inside \(value.kindDescription), which has no members")
        }
    }

    private static func add(_ value: JSONValue, at tokens: [String], in document: inout JSONValue) throws {
        if tokens.isEmpty { document = value; return }
        try modifyParent(of: tokens, in: &document) { parent, last in
            switch parent {
            case .object(var object):
                object[last] = value
                parent = .object(object)
            case .array(var array):
                if last == "-" {
                    array.append(value)
                } else {
                    let index = try arrayIndex(last)
                    guard index <= array.count else {
                        throw PatchError("index \(index) is out of range (the array has \(array.count) elements)")
                    }
                    array.insert(value, at: index)
                }
                parent = .array(array)
            default:
                throw PatchError("cannot add a member to \(parent.kindDescription)")
            }
        }
    }

    private static func remove(at tokens: [String], in document: inout JSONValue) throws -> JSONValue {
        guard !tokens.isEmpty else { throw PatchError("cannot remove the whole document") }
        var removed = JSONValue.null
        try modifyParent(of: tokens, in: &document) { parent, last in
            switch parent {
            case .object(var object):
                guard let old = object[last] else { throw PatchError("the member \"\(last)\" does not exist") }
                removed = old
                object[last] = nil
                parent = .object(object)
            case .array(var array):
                let index = try arrayIndex(last)
                guard index < array.count else {
                    throw PatchError("index \(index) is out of range (the array has \(array.count) elements)")
                }
                removed = array.remove(at: index)
                parent = .array(array)
            default:
                throw PatchError("\(parent.kindDescription) has no members to remove")
            }
        }
        return removed
    }

    private static func setExisting(_ value: JSONValue, token: String, in parent: inout JSONValue) throws {
        switch parent {
        case .object(var object):
            object[token] = value
            parent = .object(object)
        case .array(var array):
            let index = try arrayIndex(token)
            guard index < array.count else { throw PatchError("index \(index) is out of range") }
            array[index] = value
            parent = .array(array)
        default:
            throw PatchError("\(parent.kindDescription) has no members")
        }
    }

    /// JSON equality: numbers by value (`1` equals `1.0`), objects regardless of key order.
    static func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)):
            if x == y { return true }
            if let dx = Double(x), let dy = Double(y) { return dx == dy }
            return false
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.members.count == y.members.count else { return false }
            return x.members.allSatisfy { member in
                guard let other = y[member.key] else { return false }
                return jsonEqual(member.value, other)
            }
        default: return false
        }
    }

    // MARK: - Strategic merge patch

    /// Strategic merge patch (`application/strategic-merge-patch+json`) as kubectl computes it
    /// for apply, for the given kind ("Deployment", "Service", "Pod", "PersistentVolumeClaim",
    /// "Namespace", ...).
    ///
    /// Lists with a merge key (from the Kubernetes types) merge element by element; other lists
    /// are replaced; `null` deletes a key. The directives `$patch` (replace, delete, merge),
    /// `$setElementOrder/<field>`, `$retainKeys` and `$deleteFromPrimitiveList/<field>` are
    /// applied and never left in the result. For kinds this table does not know, every list is
    /// replaced.
    public static func strategicMerge(_ target: JSONValue, _ patch: JSONValue, kind: String) throws -> JSONValue {
        guard case .object(let patchObject) = patch else {
            throw PatchError("a strategic merge patch must be a JSON object, not \(patch.kindDescription)")
        }
        let merger = StrategicMerger(schema: MergeSchema(kind: kind))
        return .object(try merger.mergeObject(target.object ?? JSONObject(), patchObject, path: []))
    }
}

/// How a list at one path merges.
enum ListStrategy: Equatable {
    /// Elements are maps matched by this field.
    case mergeKey(String)
    /// A list of scalars merged as a set union, keeping order.
    case primitiveMerge
    /// The patch's list replaces the whole list.
    case replace
}

/// The merge keys of the Kubernetes types kubectl applies, by path from the object's root.
struct MergeSchema {
    let kind: String

    private static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "PodTemplate": ["template", "spec"],
        "Deployment": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"],
        "Job": ["spec", "template", "spec"],
        "ReplicationController": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]
    /// Built-in kinds whose ObjectMeta and status lists follow the Kubernetes patch strategies.
    private static let builtInKinds: Set<String> = Set(podSpecPaths.keys).union([
        "Service", "PersistentVolumeClaim", "PersistentVolume", "Namespace", "Node", "ConfigMap",
        "Secret", "ServiceAccount", "Endpoints", "Event", "LimitRange", "ResourceQuota",
    ])
    private static let containerLists: Set<String> = ["containers", "initContainers", "ephemeralContainers"]
    private static let containerFieldKeys: [String: String] = [
        "ports": "containerPort", "env": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    ]
    private static let podSpecFieldKeys: [String: String] = [
        "volumes": "name", "imagePullSecrets": "name", "hostAliases": "ip",
        "topologySpreadConstraints": "topologyKey", "schedulingGates": "name", "resourceClaims": "name",
    ]

    func strategy(for path: [String]) -> ListStrategy {
        guard Self.builtInKinds.contains(kind) else { return .replace }
        if path.count >= 2, path[path.count - 2] == "metadata", isObjectMeta(Array(path.dropLast(2))) {
            switch path[path.count - 1] {
            case "ownerReferences": return .mergeKey("uid")
            case "finalizers": return .primitiveMerge
            default: return .replace
            }
        }
        if path == ["status", "conditions"] { return .mergeKey("type") }
        if kind == "Service", path == ["spec", "ports"] { return .mergeKey("port") }
        if let podSpec = Self.podSpecPaths[kind], path.count > podSpec.count,
           Array(path.prefix(podSpec.count)) == podSpec {
            let rest = Array(path.dropFirst(podSpec.count))
            if rest.count == 1 {
                if Self.containerLists.contains(rest[0]) { return .mergeKey("name") }
                if let key = Self.podSpecFieldKeys[rest[0]] { return .mergeKey(key) }
            } else if rest.count == 2, Self.containerLists.contains(rest[0]),
                      let key = Self.containerFieldKeys[rest[1]] {
                return .mergeKey(key)
            }
        }
        return .replace
    }

    /// Whether the map at `prefix` is an ObjectMeta's parent: the object itself, or a pod
    /// template of this kind.
    private func isObjectMeta(_ prefix: [String]) -> Bool {
        if prefix.isEmpty { return true }
        if let podSpec = Self.podSpecPaths[kind], prefix == Array(podSpec.dropLast()) { return true }
        if kind == "CronJob", prefix == ["spec", "jobTemplate"] { return true }
        return false
    }
}

struct StrategicMerger {
    let schema: MergeSchema

    static let patchDirective = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    static func isDirective(_ key: String) -> Bool {
        key == patchDirective || key == retainKeysDirective
            || key.hasPrefix(setElementOrderPrefix) || key.hasPrefix(deleteFromPrimitiveListPrefix)
    }

    func mergeObject(_ original: JSONObject, _ patch: JSONObject, path: [String]) throws -> JSONObject {
        var result = original
        if let directive = patch[Self.patchDirective] {
            switch directive {
            case .string("replace"):
                var rest = patch
                rest[Self.patchDirective] = nil
                return try mergeObject(JSONObject(), rest, path: path)
            case .string("delete"):
                return JSONObject()
            case .string("merge"):
                break
            default:
                throw PatchError("unknown $patch directive \(JSONWriter(pretty: false).write(directive)) at \(describe(path))")
            }
        }
        if let retain = patch[Self.retainKeysDirective] {
            guard case .array(let items) = retain else {
                throw PatchError("$retainKeys at \(describe(path)) must be a list of field names")
            }
            var keep = Set<String>()
            for item in items {
                guard case .string(let key) = item else {
                    throw PatchError("$retainKeys at \(describe(path)) must be a list of field names")
                }
                keep.insert(key)
            }
            for member in patch.members where !Self.isDirective(member.key) && !keep.contains(member.key) {
                throw PatchError("$retainKeys at \(describe(path)) does not list \"\(member.key)\", which the patch sets")
            }
            result.members.removeAll { !keep.contains($0.key) }
        }
        for member in patch.members where member.key.hasPrefix(Self.deleteFromPrimitiveListPrefix) {
            let field = String(member.key.dropFirst(Self.deleteFromPrimitiveListPrefix.count))
            guard case .array(let doomed) = member.value else {
                throw PatchError("\(member.key) at \(describe(path)) must be a list")
            }
            if case .array(let items) = result[field] {
                result[field] = .array(items.filter { item in !doomed.contains { Patch.jsonEqual($0, item) } })
            }
        }
        for member in patch.members where !Self.isDirective(member.key) {
            let childPath = path + [member.key]
            switch (result[member.key], member.value) {
            case (_, .null):
                result[member.key] = nil
            case (.object(let old)?, .object(let new)):
                result[member.key] = .object(try mergeObject(old, new, path: childPath))
            case (.array(let old)?, .array(let new)):
                result[member.key] = .array(try mergeList(old, new, path: childPath))
            default:
                result[member.key] = try clean(member.value, path: childPath)
            }
        }
        for member in patch.members where member.key.hasPrefix(Self.setElementOrderPrefix) {
            let field = String(member.key.dropFirst(Self.setElementOrderPrefix.count))
            guard case .array(let order) = member.value else {
                throw PatchError("\(member.key) at \(describe(path)) must be a list")
            }
            if case .array(let items) = result[field] {
                result[field] = .array(Self.reorder(items, by: order))
            }
        }
        return result
    }

    /// A patch value placed where the original has nothing mergeable: directives still apply
    /// (against nothing), so none is left in the result.
    func clean(_ value: JSONValue, path: [String]) throws -> JSONValue {
        switch value {
        case .object(let object): return .object(try mergeObject(JSONObject(), object, path: path))
        case .array(let items): return .array(try mergeList([], items, path: path))
        default: return value
        }
    }

    func mergeList(_ original: [JSONValue], _ patch: [JSONValue], path: [String]) throws -> [JSONValue] {
        // A `{"$patch": "replace"}` element replaces the whole list with the other elements.
        if let marker = patch.firstIndex(where: { Self.directiveValue($0) == "replace" && Self.isDirectiveOnly($0) }) {
            var rest = patch
            rest.remove(at: marker)
            return try mergeList([], rest, path: path)
        }
        switch schema.strategy(for: path) {
        case .replace:
            return try patch.filter { Self.directiveValue($0) != "delete" && !Self.isDirectiveOnly($0) }
                .map { try clean($0, path: path) }
        case .primitiveMerge:
            var result = original
            for item in patch where !result.contains(where: { Patch.jsonEqual($0, item) }) {
                result.append(try clean(item, path: path))
            }
            return result
        case .mergeKey(let key):
            var result = original
            for item in patch {
                guard case .object(let element) = item else {
                    if !result.contains(where: { Patch.jsonEqual($0, item) }) { result.append(item) }
                    continue
                }
                let directive = Self.directiveValue(item)
                guard let keyValue = element[key] else {
                    if directive == "merge", Self.isDirectiveOnly(item) { continue }
                    throw PatchError("an element of \(describe(path)) has no merge key \"\(key)\"")
                }
                let match = result.firstIndex { $0.object?[key].map { Patch.jsonEqual($0, keyValue) } ?? false }
                if directive == "delete" {
                    result.removeAll { $0.object?[key].map { Patch.jsonEqual($0, keyValue) } ?? false }
                    continue
                }
                if let match, case .object(let old) = result[match] {
                    result[match] = .object(try mergeObject(old, element, path: path))
                } else {
                    result.append(.object(try mergeObject(JSONObject(), element, path: path)))
                }
            }
            return result
        }
    }

    /// The `$patch` value of a list element, if it has one.
    static func directiveValue(_ value: JSONValue) -> String? {
        value.object?[patchDirective]?.string
    }

    /// Whether an element holds nothing but directives.
    static func isDirectiveOnly(_ value: JSONValue) -> Bool {
        value.object?.members.allSatisfy { isDirective($0.key) } ?? false
    }

    /// `$setElementOrder`: elements the order list names come first, in its order; the rest
    /// follow in their existing order. An order entry that is a map names the element whose
    /// fields equal all of the entry's fields; a scalar names an equal scalar.
    static func reorder(_ items: [JSONValue], by order: [JSONValue]) -> [JSONValue] {
        var taken = [Bool](repeating: false, count: items.count)
        var result: [JSONValue] = []
        result.reserveCapacity(items.count)
        for entry in order {
            let found = items.indices.first { index in
                guard !taken[index] else { return false }
                return matches(items[index], entry)
            }
            if let found {
                taken[found] = true
                result.append(items[found])
            }
        }
        for index in items.indices where !taken[index] { result.append(items[index]) }
        return result
    }

    private static func matches(_ item: JSONValue, _ entry: JSONValue) -> Bool {
        guard case .object(let fields) = entry else { return Patch.jsonEqual(item, entry) }
        guard case .object(let element) = item, !fields.members.isEmpty else { return false }
        return fields.members.allSatisfy { field in
            element[field.key].map { Patch.jsonEqual($0, field.value) } ?? false
        }
    }

    private func describe(_ path: [String]) -> String {
        path.isEmpty ? "the top level" : path.joined(separator: ".")
    }
}
