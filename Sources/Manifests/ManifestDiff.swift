import Blueprint
import Foundation
import YAML

/// A Kubernetes object read from a manifest, identified by its kind and name.
public struct ManifestObject: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var object: YAMLNode
    /// Where it was read from (a file, an entry of a zip), for messages.
    public var source: String

    public init(kind: String, name: String, object: YAMLNode, source: String) {
        self.kind = kind
        self.name = name
        self.object = object
        self.source = source
    }

    /// The objects of a YAML stream (empty documents skipped). Each must be a mapping with a
    /// `kind` and a `metadata.name`.
    public static func objects(fromYAML text: String, source: String) throws -> [ManifestObject] {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser().parse(text)
        } catch let error as YAMLError {
            throw ManifestError(.input, "cannot read \(source): \(error)")
        }
        var objects: [ManifestObject] = []
        for (number, document) in documents.enumerated() {
            if case .null = document.root { continue }
            let which = documents.count == 1 ? source : "\(source) (document \(number + 1))"
            guard case .mapping = document.root else {
                throw ManifestError(.input, "\(which) is \(document.root.kindDescription), not a Kubernetes object")
            }
            guard let kind = document.root["kind"]?.string, !kind.isEmpty,
                  let name = document.root["metadata"]?["name"]?.string, !name.isEmpty
            else {
                throw ManifestError(.input, "\(which) has no kind and metadata.name, so it is not a Kubernetes object")
            }
            objects.append(ManifestObject(kind: kind, name: name, object: document.root, source: source))
        }
        return objects
    }

    /// The objects of generated manifests, as their YAML files read back (so they compare
    /// equal to the same objects read from a solution folder).
    public static func objects(of set: ManifestSet) throws -> [ManifestObject] {
        try set.manifests.flatMap { manifest in
            try objects(fromYAML: try ManifestSet.yaml(of: manifest), source: "deployments/" + manifest.fileName)
        }
    }
}

/// What a change of manifests does to the cluster: objects added and removed, and for each
/// object in both the fields that differ. Everything is in a fixed order: objects by kind and
/// name, fields by path (mapping keys sorted, list items by position or by name).
public struct ManifestDiff: Sendable, Hashable {
    /// An object's identity: kind and name.
    public struct ObjectID: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var kind: String
        public var name: String

        public init(kind: String, name: String) {
            self.kind = kind
            self.name = name
        }

        public static func < (a: ObjectID, b: ObjectID) -> Bool { (a.kind, a.name) < (b.kind, b.name) }
        /// `Deployment web`.
        public var description: String { "\(kind) \(name)" }
    }

    /// One field that differs; `nil` on the side that lacks it.
    public struct FieldChange: Sendable, Hashable {
        /// `spec.template.spec.containers[name=web].image`: keys joined with `.` (quoted in
        /// brackets when they hold other characters than letters, digits, `_` and `-`), list
        /// items of mappings that all have a distinct `name` as `[name=…]`, others as `[i]`.
        public var path: String
        public var old: YAMLNode?
        public var new: YAMLNode?

        public init(path: String, old: YAMLNode?, new: YAMLNode?) {
            self.path = path
            self.old = old
            self.new = new
        }
    }

    /// One object that differs.
    public enum Entry: Sendable, Hashable {
        case added(ObjectID)
        case removed(ObjectID)
        case changed(ObjectID, [FieldChange])

        public var id: ObjectID {
            switch self {
            case .added(let id), .removed(let id), .changed(let id, _): return id
            }
        }
    }

    /// The objects that differ, by kind and name.
    public var entries: [Entry]
    /// How many objects the two sides have.
    public var oldCount: Int
    public var newCount: Int

    /// Whether both sides hold the same objects.
    public var isEmpty: Bool { entries.isEmpty }

    /// Compares two sets of objects. An object named twice on one side is an error: which
    /// of the two a cluster would end up with depends on the order they are applied in.
    public init(old: [ManifestObject], new: [ManifestObject]) throws {
        let before = try Self.index(old), after = try Self.index(new)
        var entries: [Entry] = []
        for id in Set(before.keys).union(after.keys).sorted() {
            switch (before[id], after[id]) {
            case (nil, .some): entries.append(.added(id))
            case (.some, nil): entries.append(.removed(id))
            case (.some(let a), .some(let b)):
                var changes: [FieldChange] = []
                Self.compare(a.object, b.object, path: "", into: &changes)
                if !changes.isEmpty { entries.append(.changed(id, changes)) }
            case (nil, nil): break
            }
        }
        self.entries = entries
        oldCount = before.count
        newCount = after.count
    }

    static func index(_ objects: [ManifestObject]) throws -> [ObjectID: ManifestObject] {
        var index: [ObjectID: ManifestObject] = [:]
        for object in objects {
            let id = ObjectID(kind: object.kind, name: object.name)
            if let earlier = index[id] {
                throw ManifestError(.input, "\(id) is defined twice, in \(earlier.source) and in \(object.source)",
                                    hint: "keep one of them; kubectl apply would let the last one win")
            }
            index[id] = object
        }
        return index
    }

    static func compare(_ a: YAMLNode?, _ b: YAMLNode?, path: String, into changes: inout [FieldChange]) {
        if a == b { return }
        switch (a, b) {
        case (.mapping(let x)?, .mapping(let y)?):
            let keys = Set(x.entries.map(\.key)).union(y.entries.map(\.key)).sorted()
            for key in keys {
                compare(x[key], y[key], path: join(path, key: key), into: &changes)
            }
        case (.sequence(let x)?, .sequence(let y)?):
            if let xs = namedItems(x), let ys = namedItems(y) {
                for name in Set(xs.keys).union(ys.keys).sorted() {
                    compare(xs[name], ys[name], path: path + "[name=\(name)]", into: &changes)
                }
            } else {
                for i in 0..<max(x.count, y.count) {
                    compare(i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, path: path + "[\(i)]", into: &changes)
                }
            }
        default:
            changes.append(FieldChange(path: path, old: a, new: b))
        }
    }

    /// The items by their `name` when every item is a mapping with a distinct string name.
    static func namedItems(_ items: [YAMLNode]) -> [String: YAMLNode]? {
        var named: [String: YAMLNode] = [:]
        for item in items {
            guard let name = item["name"]?.string, named[name] == nil else { return nil }
            named[name] = item
        }
        return named
    }

    static func join(_ path: String, key: String) -> String {
        let simple = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_" || $0 == "-"
        }
        if simple { return path.isEmpty ? key : path + "." + key }
        return path + "[" + JSONWriter.quoted(key) + "]"
    }

    /// A value on one line: strings bare unless they could be read as something else,
    /// mappings and lists as compact JSON, `(none)` for a missing one.
    public static func render(_ node: YAMLNode?) -> String {
        guard let node else { return "(none)" }
        switch node {
        case .string(let s):
            let looksLikeOther = s.isEmpty || s == "(none)" || Double(s) != nil || ["true", "false", "null", "~"].contains(s.lowercased())
            let needsQuotes = looksLikeOther || s.first == "\"" || s.first == " " || s.last == " "
                || s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } || s.contains(" → ")
            return needsQuotes ? JSONWriter.quoted(s) : s
        case .mapping, .sequence:
            var inline = JSONWriter(pretty: true, inlineDepth: 0).write(json(node))
            if inline.hasSuffix("\n") { inline.removeLast() }
            return inline
        default:
            return JSONWriter(pretty: false).write(json(node))
        }
    }

    /// A YAML value as JSON (non-finite numbers as the strings YAML writes for them).
    public static func json(_ node: YAMLNode) -> JSONValue {
        switch node {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(String(i))
        case .double(let d):
            if d.isNaN { return .string(".nan") }
            if d.isInfinite { return .string(d < 0 ? "-.inf" : ".inf") }
            return .number("\(d)")
        case .string(let s): return .string(s)
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let m): return .object(JSONObject(m.entries.map { JSONObject.Member(key: $0.key, value: json($0.value)) }))
        }
    }

    /// The differences as lines: `+ Kind name`, `- Kind name`, and
    /// `~ Kind name: path: old → new` for each changed field, then a summary line.
    public var text: String {
        var lines: [String] = []
        for entry in entries {
            switch entry {
            case .added(let id): lines.append("+ \(id)")
            case .removed(let id): lines.append("- \(id)")
            case .changed(let id, let fields):
                for field in fields {
                    lines.append("~ \(id): \(field.path.isEmpty ? "(object)" : field.path): \(Self.render(field.old)) → \(Self.render(field.new))")
                }
            }
        }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `1 object added, 2 removed, 1 changed (of 7 and 6)`, or that nothing differs.
    public var summary: String {
        if isEmpty { return "no differences (\(oldCount) object\(oldCount == 1 ? "" : "s") on each side)" }
        var added = 0, removed = 0, changed = 0
        for entry in entries {
            switch entry {
            case .added: added += 1
            case .removed: removed += 1
            case .changed: changed += 1
            }
        }
        return "\(added) added, \(removed) removed, \(changed) changed (\(oldCount) objects before, \(newCount) after)"
    }

    /// The same as a JSON document: `same`, the two sides as named, and `added`, `removed`
    /// (`{kind, name}`) and `changed` (`{kind, name, fields: [{path, old, new}]}`, a missing
    /// side left out).
    public func json(old: String, new: String) -> JSONValue {
        func id(_ id: ObjectID) -> JSONObject { JSONObject(["kind": .string(id.kind), "name": .string(id.name)]) }
        var added: [JSONValue] = [], removed: [JSONValue] = [], changed: [JSONValue] = []
        for entry in entries {
            switch entry {
            case .added(let i): added.append(.object(id(i)))
            case .removed(let i): removed.append(.object(id(i)))
            case .changed(let i, let fields):
                var object = id(i)
                object["fields"] = .array(fields.map { field in
                    var f = JSONObject(["path": .string(field.path)])
                    if let value = field.old { f["old"] = Self.json(value) }
                    if let value = field.new { f["new"] = Self.json(value) }
                    return .object(f)
                })
                changed.append(.object(object))
            }
        }
        return .object(JSONObject([
            "same": .bool(isEmpty),
            "old": .string(old),
            "new": .string(new),
            "added": .array(added),
            "removed": .array(removed),
            "changed": .array(changed),
        ]))
    }
}
