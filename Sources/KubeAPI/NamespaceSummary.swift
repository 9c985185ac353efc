import Blueprint

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
    /// The namespace's Deployments, Pods and Services as they are now.
    public func summary(namespace ns: String) -> NamespaceSummary {
        catchUp()
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
