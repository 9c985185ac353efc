import Blueprint
import Synchronization

/// What a namespace holds, in a few numbers: what the deployer reports of a deployment.
public struct NamespaceSummary: Sendable, Equatable {
    public struct Workload: Sendable, Equatable {
        public var name: String
        public var replicas: Int
        public var available: Int
    }

    public struct Pod: Sendable, Equatable {
        public var name: String
        public var phase: String
        public var ready: Bool
        public var node: String?
        /// `ContainerCreating`, `ImagePullBackOff`, … while the container waits.
        public var waiting: String?
    }

    public var exists: Bool
    public var terminating: Bool
    public var deployments: [Workload]
    public var pods: [Pod]
    public var services: [String]
    /// Virtual time of the playground (RFC 3339).
    public var time: String

    /// Every Deployment has all its replicas available (and there is at least one).
    public var ready: Bool { !deployments.isEmpty && deployments.allSatisfy { $0.available >= $0.replicas } }
}

extension LivePlayground {
    /// The namespace's summary if the last one read is still current (see ``SummaryCache``),
    /// without waiting for the actor; nil when it must be read again with ``summary(namespace:)``.
    public nonisolated func currentSummary(namespace ns: String) -> NamespaceSummary? { summaries.current(ns) }

    /// The namespace's Deployments, Pods and Services as they are now.
    public func summary(namespace ns: String) -> NamespaceSummary {
        catchUp()
        let summary = readSummary(namespace: ns)
        summaries.keep(ns, summary, now: state.now.seconds)
        return summary
    }

    /// The summary as the actor reads it now, without keeping it (tests compare the cache with it).
    func readSummaryForTests(namespace ns: String) -> NamespaceSummary {
        catchUp()
        return readSummary(namespace: ns)
    }

    func readSummary(namespace ns: String) -> NamespaceSummary {
        let store = state.store
        guard let namespace = store.get(.namespaces, "", ns)?.object else {
            return NamespaceSummary(exists: false, terminating: false, deployments: [], pods: [], services: [], time: state.timestamp)
        }
        let deployments = store.list(.deployments, namespace: ns).map(\.object).sorted { $0.name < $1.name }.map {
            NamespaceSummary.Workload(name: $0.name, replicas: $0.at("spec", "replicas")?.int ?? 1,
                                      available: $0.at("status", "availableReplicas")?.int ?? 0)
        }
        let pods = store.list(.pods, namespace: ns).map(\.object).sorted { $0.name < $1.name }.map { p in
            let ready = p.at("status", "conditions")?.array?.contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" } ?? false
            let waiting = p.at("status", "containerStatuses")?.array?.first?["state"]?["waiting"]?["reason"]?.string
            return NamespaceSummary.Pod(name: p.name, phase: p.at("status", "phase")?.string ?? "Pending", ready: ready,
                                        node: p.at("spec", "nodeName")?.string, waiting: waiting)
        }
        let services = store.list(.services, namespace: ns).map(\.object.name).sorted()
        return NamespaceSummary(exists: true, terminating: namespace.at("metadata", "deletionTimestamp") != nil,
                                deployments: deployments, pods: pods, services: services, time: state.timestamp)
    }

    /// Names of every namespace (to find a free one).
    public func namespaceNames() -> Set<String> {
        Set(state.store.list(.namespaces, namespace: nil).map(\.object.name))
    }
}

/// Where objects of a kind are created.
public enum APIPaths {
    /// `/apis/apps/v1/namespaces/NS/deployments` for a Deployment, … (nil: a kind the playground does not serve).
    public static func collection(kind: String, apiVersion: String, namespace: String) -> String? {
        guard let type = ResourceType.find(kind: kind, apiVersion: apiVersion), type != .crds, type != .nodes else { return nil }
        return type.collectionPath(namespace: namespace)
    }
}

extension ResourceType {
    /// The path objects of this type are created at (`namespace` ignored for cluster-scoped types).
    func collectionPath(namespace: String) -> String {
        let base = group.isEmpty ? "/api/v1" : "/apis/\(groupVersion)"
        return namespaced ? "\(base)/namespaces/\(namespace)/\(plural)" : "\(base)/\(plural)"
    }
}

/// Namespace summaries that status requests read without waiting for the playground's actor
/// (which a deploy or a simulation may hold for tens of milliseconds). An entry is used only
/// while it is current: no object of its namespace changed since (each change moves the
/// namespace's version), and virtual time has not moved (manual time: every advance is
/// published) or, on the clock, it is at most `realtimeAge` of wall time old.
final class SummaryCache: Sendable {
    struct Entry {
        var version: Int
        var virtualNow: Double
        var wall: ContinuousClock.Instant
        var summary: NamespaceSummary
    }

    struct State {
        var versions: [String: Int] = [:]
        var virtualNow = 0.0
        var entries: [String: Entry] = [:]
    }

    let state = Mutex(State())
    let manual: Bool
    /// On the clock: how long an entry stays current, 10 ms of wall time and at most 0.2 s of
    /// virtual time.
    let realtimeAge: Duration

    init(speed: PlaygroundSpeed) {
        switch speed {
        case .manual:
            manual = true
            realtimeAge = .zero
        case .realtime(let factor):
            manual = false
            realtimeAge = min(.milliseconds(10), .microseconds(Int64(200_000 / max(factor, 1e-3))))
        }
    }

    /// The resources ``LivePlayground/readSummary(namespace:)`` reads: changes of others
    /// (events, endpoints, …) leave a summary current.
    static let summarised: Set<String> = [ResourceType.namespaces.qualifiedPlural, ResourceType.deployments.qualifiedPlural,
                                          ResourceType.pods.qualifiedPlural, ResourceType.services.qualifiedPlural]

    /// An object of `event` changed: its namespace's entry is no longer current. A deleted
    /// namespace leaves nothing behind (a namespace of the same name starts afresh).
    func changed(_ event: WatchEvent) {
        guard Self.summarised.contains(event.resource) else { return }
        let isNamespace = event.resource == ResourceType.namespaces.qualifiedPlural
        let ns = isNamespace ? event.object.name : event.namespace
        state.withLock { s in
            if isNamespace && event.type == "DELETED" {
                s.versions[ns] = nil
                s.entries[ns] = nil
            } else {
                s.versions[ns, default: 0] += 1
            }
        }
    }

    /// Virtual time moved to `now` (manual time).
    func moved(to now: Double) { state.withLock { $0.virtualNow = now } }

    func current(_ ns: String) -> NamespaceSummary? {
        let wallNow = ContinuousClock.now
        return state.withLock { s in
            guard let e = s.entries[ns], e.version == s.versions[ns, default: 0] else { return nil }
            if manual { return e.virtualNow == s.virtualNow ? e.summary : nil }
            return wallNow - e.wall <= realtimeAge ? e.summary : nil
        }
    }

    /// Keeps `summary`, read on the actor at virtual time `now` (not a missing namespace's:
    /// nothing would remove it).
    func keep(_ ns: String, _ summary: NamespaceSummary, now: Double) {
        let wallNow = ContinuousClock.now
        state.withLock { s in
            guard summary.exists else { return }
            s.entries[ns] = Entry(version: s.versions[ns, default: 0], virtualNow: now, wall: wallNow, summary: summary)
        }
    }
}
