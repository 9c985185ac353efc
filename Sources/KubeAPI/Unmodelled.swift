import Blueprint

/// Fields a real cluster acts on that the playground stores and returns but does not simulate:
/// each one present in a create or update is named in a `Warning:` header, which kubectl prints.
extension APIState {
    static let unmodelledPodFields: [(field: String, effect: String)] = [
        ("affinity", "scheduling ignores it"),
        ("topologySpreadConstraints", "scheduling ignores them"),
        ("tolerations", "nodes have no taints here, so nothing needs tolerating"),
        ("initContainers", "init containers are not run before the main container"),
        ("priorityClassName", "there is no preemption"),
        ("runtimeClassName", "every node runs one simulated runtime"),
        ("hostNetwork", "pods get cluster IPs regardless"),
        ("schedulingGates", "pods are scheduled regardless"),
    ]

    func warnUnmodelled(_ type: ResourceType, _ o: JSONObject) {
        let podSpecPath: [String]
        switch type {
        case .pods: podSpecPath = ["spec"]
        case .deployments, .replicaSets: podSpecPath = ["spec", "template", "spec"]
        case .services:
            if o.at("spec", "type")?.string == "LoadBalancer" {
                warnings.append("spec.type LoadBalancer is stored but not simulated by the playground: no external IP is assigned (use the NodePort)")
            }
            if o.at("spec", "sessionAffinity")?.string == "ClientIP" {
                warnings.append("spec.sessionAffinity ClientIP is stored but not simulated by the playground")
            }
            return
        default:
            return
        }
        if type == .deployments, let seconds = o.at("spec", "minReadySeconds")?.int, seconds > 0 {
            warnings.append("spec.minReadySeconds is stored but not simulated by the playground: pods are available once ready")
        }
        guard let spec = JSONValue.object(o).at(podSpecPath)?.object else { return }
        let prefix = podSpecPath.joined(separator: ".")
        for (field, effect) in Self.unmodelledPodFields {
            guard let v = spec[field], v != .null, v != .array([]), v != .object(JSONObject()) else { continue }
            warnings.append("\(prefix).\(field) is stored but not simulated by the playground: \(effect)")
        }
    }
}
