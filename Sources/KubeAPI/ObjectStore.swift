import Blueprint
import Simulation

/// A stored API object: what was applied (verbatim, plus the server's fields) and its encoding.
struct StoredObject {
    let object: JSONObject
    let resourceVersion: Int
    private let cache = EncodingCache()

    init(_ object: JSONObject, resourceVersion: Int) {
        self.object = object
        self.resourceVersion = resourceVersion
    }

    /// Compact JSON of `object`, written at most once per version (the first time a get, list or
    /// watch needs it), so versions nobody reads cost no encoding and lists only copy bytes.
    var encoded: String {
        if let text = cache.text { return text }
        let text = JSONWriter(pretty: false).write(.object(object))
        cache.text = text
        return text
    }
}

/// A version's encoding, shared by the copies of its ``StoredObject`` (store, change log).
/// Touched only on the playground's actor.
final class EncodingCache {
    var text: String?
}

/// One change, as a watch sends it.
struct WatchEvent {
    var type: String
    var resource: String
    var namespace: String
    var stored: StoredObject
    var object: JSONObject { stored.object }
    var resourceVersion: Int { stored.resourceVersion }

    /// The watch line: `{"type":"ADDED","object":{…}}`.
    var line: String { "{\"type\":\"\(type)\",\"object\":\(stored.encoded)}\n" }
}

/// Objects by resource, namespace and name, with a global resourceVersion and the recent
/// change log that watches replay from.
struct ObjectStore {
    /// resource id (`qualifiedPlural`) → namespace ("" for cluster-scoped) → name → object.
    private(set) var buckets: [String: [String: ShardedDictionary<String, StoredObject>]] = [:]
    private(set) var resourceVersion = 1
    /// The latest changes with their resourceVersion, oldest first, that watches replay from.
    private(set) var log = ChangeLog(capacity: 50_000)
    /// Objects by the uid of their controlling owner: resource id → owner uid → (namespace, name).
    private var ownedIndex: [String: [String: Set<ObjectKey>]] = [:]
    /// Called with every change (the server's watches).
    var onChange: ((WatchEvent) -> Void)?

    func get(_ type: ResourceType, _ namespace: String, _ name: String) -> StoredObject? {
        buckets[type.qualifiedPlural]?[type.namespaced ? namespace : ""]?[name]
    }

    /// Objects of a type in a namespace (nil: all namespaces), sorted by namespace then name.
    func list(_ type: ResourceType, namespace: String?) -> [StoredObject] {
        guard let bucket = buckets[type.qualifiedPlural] else { return [] }
        if let namespace, type.namespaced {
            guard let objects = bucket[namespace] else { return [] }
            return objects.keys.sorted().compactMap { objects[$0] }
        }
        var out: [StoredObject] = []
        for ns in bucket.keys.sorted() {
            guard let objects = bucket[ns] else { continue }
            for name in objects.keys.sorted() { if let o = objects[name] { out.append(o) } }
        }
        return out
    }

    func count(_ type: ResourceType, namespace: String?) -> Int {
        guard let bucket = buckets[type.qualifiedPlural] else { return 0 }
        if let namespace { return bucket[namespace]?.count ?? 0 }
        return bucket.values.reduce(0) { $0 + $1.count }
    }

    /// Namespaces that hold objects of `type`.
    func namespaces(of type: ResourceType) -> [String] {
        (buckets[type.qualifiedPlural] ?? [:]).filter { !$0.value.isEmpty }.keys.sorted()
    }

    /// Writes an object, stamping a new resourceVersion; returns the stored version.
    @discardableResult
    mutating func put(_ type: ResourceType, _ object: JSONObject, added: Bool) -> StoredObject {
        resourceVersion += 1
        var object = object
        object.set(["metadata", "resourceVersion"], .string(String(resourceVersion)))
        let stored = StoredObject(object, resourceVersion: resourceVersion)
        let ns = type.namespaced ? (object.namespace ?? "") : ""
        let key = ObjectKey(namespace: ns, name: object.name)
        let previous = buckets[type.qualifiedPlural]?[ns]?[key.name]
        let references = object.at("metadata", "ownerReferences")
        // Owners change rarely: compare them only when the references differ.
        if previous.map({ $0.object.at("metadata", "ownerReferences") != references }) ?? (references != nil) {
            let oldOwner = previous.flatMap { Self.controller(of: $0.object) }
            let newOwner = Self.controller(of: object)
            if oldOwner != newOwner {
                if let oldOwner { ownedIndex[type.qualifiedPlural]?[oldOwner]?.remove(key) }
                if let newOwner { ownedIndex[type.qualifiedPlural, default: [:]][newOwner, default: []].insert(key) }
            }
        }
        buckets[type.qualifiedPlural, default: [:]][ns, default: [:]][key.name] = stored
        record(WatchEvent(type: added ? "ADDED" : "MODIFIED", resource: type.qualifiedPlural, namespace: ns, stored: stored))
        return stored
    }

    /// Removes an object; the DELETED event carries its last state with a new resourceVersion.
    @discardableResult
    mutating func remove(_ type: ResourceType, _ namespace: String, _ name: String) -> StoredObject? {
        let ns = type.namespaced ? namespace : ""
        guard let old = buckets[type.qualifiedPlural]?[ns]?[name] else { return nil }
        buckets[type.qualifiedPlural]?[ns]?[name] = nil
        if let owner = Self.controller(of: old.object) {
            ownedIndex[type.qualifiedPlural]?[owner]?.remove(ObjectKey(namespace: ns, name: name))
            if ownedIndex[type.qualifiedPlural]?[owner]?.isEmpty == true { ownedIndex[type.qualifiedPlural]?[owner] = nil }
        }
        if buckets[type.qualifiedPlural]?[ns]?.isEmpty == true { buckets[type.qualifiedPlural]?[ns] = nil }
        resourceVersion += 1
        var object = old.object
        object.set(["metadata", "resourceVersion"], .string(String(resourceVersion)))
        let stored = StoredObject(object, resourceVersion: resourceVersion)
        record(WatchEvent(type: "DELETED", resource: type.qualifiedPlural, namespace: ns, stored: stored))
        return stored
    }

    private mutating func record(_ event: WatchEvent) {
        log.append(event)
        onChange?(event)
    }

    /// The objects of `type` whose controlling owner has `uid`, by namespace and name.
    func owned(by uid: String, _ type: ResourceType) -> [JSONObject] {
        guard let keys = ownedIndex[type.qualifiedPlural]?[uid] else { return [] }
        return keys.sorted().compactMap { get(type, $0.namespace, $0.name)?.object }
    }

    static func controller(of object: JSONObject) -> String? {
        object.at("metadata", "ownerReferences")?.array?.first { $0["controller"]?.bool == true }?["uid"]?.string
    }

    /// Changes after `resourceVersion`, or nil when the log no longer reaches back that far.
    func changes(after resourceVersion: Int) -> Slice<ChangeLog>? { log.changes(after: resourceVersion) }

    /// Every object in a canonical order (for the state dump replays compare).
    func all() -> [(resource: String, object: StoredObject)] {
        var out: [(String, StoredObject)] = []
        for resource in buckets.keys.sorted() {
            guard let bucket = buckets[resource] else { continue }
            for ns in bucket.keys.sorted() {
                guard let objects = bucket[ns] else { continue }
                for name in objects.keys.sorted() { if let o = objects[name] { out.append((resource, o)) } }
            }
        }
        return out
    }
}
