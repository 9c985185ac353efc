import Blueprint

/// An object people applied (not one a controller made), as a store keeps it across restarts:
/// without its status and the server's bookkeeping, so a restored cluster re-creates its pods
/// and pulls their images again, as a real cluster does after a restart.
public struct DesiredObject: Sendable, Hashable {
    /// `deployments.apps`, `services`, …
    public var resource: String
    /// "" for cluster-scoped objects.
    public var namespace: String
    public var name: String
    /// Compact JSON.
    public var body: String

    public init(resource: String, namespace: String, name: String, body: String) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.body = body
    }
}

/// A change of the desired state.
public enum DesiredChange: Sendable, Hashable {
    case put(DesiredObject)
    case delete(resource: String, namespace: String, name: String)
}

/// An object of a desired state that could not be created again.
public struct RestoreProblem: Sendable, Hashable, CustomStringConvertible {
    public var object: DesiredObject
    public var message: String
    public var description: String {
        "\(object.resource) \(object.namespace.isEmpty ? "" : object.namespace + "/")\(object.name): \(message)"
    }
}

/// Follows the store's changes and reports those of the desired state, each once.
final class DesiredStateTracker {
    /// Saves changes; false when they could not be saved (they are reported again on the object's next change).
    let sink: @Sendable ([DesiredChange]) -> Bool
    /// The last body reported per object, so status updates (which do not change it) cost nothing.
    private var last: [ObjectKey: String] = [:]

    init(sink: @escaping @Sendable ([DesiredChange]) -> Bool) { self.sink = sink }

    struct ObjectKey: Hashable {
        var resource: String
        var namespace: String
        var name: String
    }

    /// Resources whose objects controllers or the scenario make.
    static let derived: Set<String> = [ResourceType.events.qualifiedPlural, ResourceType.endpoints.qualifiedPlural,
                                       ResourceType.nodes.qualifiedPlural]
    static let builtInNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]

    /// What of `object` survives a restart (nil: nothing, it is a controller's or the scenario's).
    static func desired(resource: String, _ object: JSONObject) -> JSONObject? {
        if derived.contains(resource) { return nil }
        if ObjectStore.controller(of: object) != nil { return nil }
        if resource == ResourceType.namespaces.qualifiedPlural, builtInNamespaces.contains(object.name) { return nil }
        var o = object
        o["status"] = nil
        for field in ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "deletionTimestamp"] {
            o.set(["metadata", field], nil)
        }
        if resource == ResourceType.pvcs.qualifiedPlural { o.set(["spec", "volumeName"], nil) }
        if resource == ResourceType.pods.qualifiedPlural { o.set(["spec", "nodeName"], nil) }
        return o
    }

    func observe(_ event: WatchEvent) {
        let key = ObjectKey(resource: event.resource, namespace: event.namespace, name: event.object.name)
        let gone = event.type == "DELETED" || event.object.at("metadata", "deletionTimestamp") != nil
        if gone {
            if let previous = last.removeValue(forKey: key), !sink([.delete(resource: key.resource, namespace: key.namespace, name: key.name)]) {
                last[key] = previous
            }
            return
        }
        guard let o = Self.desired(resource: event.resource, event.object) else { return }
        let body = JSONWriter(pretty: false).write(.object(o))
        guard last[key] != body else { return }
        if sink([.put(DesiredObject(resource: key.resource, namespace: key.namespace, name: key.name, body: body))]) {
            last[key] = body
        } else {
            last[key] = nil
        }
    }

    func seed(_ objects: [DesiredObject]) {
        for o in objects { last[ObjectKey(resource: o.resource, namespace: o.namespace, name: o.name)] = o.body }
    }
}

extension LivePlayground {
    /// Reports every change of the desired state to `sink`, from now on (called on the playground's
    /// actor, in order; `sink` must not call back into the playground).
    public func trackDesiredState(_ sink: @escaping @Sendable ([DesiredChange]) -> Bool) {
        let tracker = DesiredStateTracker(sink: sink)
        desiredTracker = tracker
        let hub = self.hub, summaries = self.summaries
        state.store.onChange = { event in
            hub.dispatch(event)
            summaries.changed(event)
            tracker.observe(event)
        }
    }

    /// Creates `objects` (a desired state read back) in dependency order: namespaces first, then
    /// classes, claims, configuration, services, workloads, autoscalers. Objects that exist already
    /// are left as they are. Returns the objects that could not be created, with why.
    public func restore(_ objects: [DesiredObject]) -> [RestoreProblem] {
        catchUp()
        desiredTracker?.seed(objects)
        let order = [ResourceType.namespaces, .storageClasses, .pvcs, .configMaps, .secrets, .serviceAccounts, .services,
                     .deployments, .replicaSets, .pods, .hpas].map(\.qualifiedPlural)
        func rank(_ o: DesiredObject) -> Int { order.firstIndex(of: o.resource) ?? order.count }
        let sorted = objects.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        var problems: [RestoreProblem] = []
        for o in sorted {
            guard let type = ResourceType.all.first(where: { $0.qualifiedPlural == o.resource && !$0.readOnly }) else {
                problems.append(RestoreProblem(object: o, message: "not a kind the playground serves"))
                continue
            }
            if case .response(let r) = handle(APIRequest(method: "POST", path: type.collectionPath(namespace: o.namespace), body: Array(o.body.utf8))), r.status >= 300, r.status != 409 {
                problems.append(RestoreProblem(object: o, message: Self.message(r.body) ?? "HTTP \(r.status)"))
            }
        }
        return problems
    }

    static func message(_ body: String) -> String? {
        (try? JSONParser(recordsPositions: false).parse(body))?.root["message"]?.string
    }
}
