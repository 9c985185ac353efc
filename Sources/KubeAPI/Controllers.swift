import Blueprint
import Cluster
import Foundation
import Simulation

/// The controllers: each reconciles the objects its queue names until nothing changes.
extension APIState {
    func reconcile() {
        var rounds = 0
        while rounds < 100 {
            rounds += 1
            var worked = false
            if !terminatingNamespaces.isEmpty {
                worked = true
                for ns in terminatingNamespaces.sorted() { finalizeNamespace(ns) }
            }
            if !dirtyClaims.isEmpty {
                worked = true
                let claims = dirtyClaims.sorted()
                dirtyClaims = []
                for key in claims { bindClaim(key) }
            }
            if !dirtyDeployments.isEmpty {
                worked = true
                let deployments = dirtyDeployments.sorted()
                dirtyDeployments = []
                for key in deployments { syncDeployment(key) }
            }
            if !dirtyReplicaSets.isEmpty {
                worked = true
                let sets = dirtyReplicaSets.sorted()
                dirtyReplicaSets = []
                for key in sets { syncReplicaSet(key) }
            }
            if !dirtyEndpoints.isEmpty && !endpointsSyncArmed {
                endpointsSyncArmed = true
                timers.schedule(.endpointsSync, at: now + Self.endpointsBatch)
            }
            if !worked { return }
        }
    }

    // MARK: Events

    /// Records an Event about an object, folding repeats into a count as the API server does.
    func recordEvent(_ type: ResourceType, _ object: JSONObject, reason: String, message: String, warning: Bool = false,
                     component: String, host: String? = nil, at time: SimTime? = nil)
    {
        let ns = object.namespace ?? "default"
        let stamp = timestamp(time ?? now)
        let involvedName = object.name
        let involvedUID = object.uid
        // Same object, reason and message as the last event: count it.
        let key = "\(involvedUID)|\(reason)|\(message)"
        if let existing = lastEvent[key], var e = store.get(.events, ns, existing)?.object {
            e["count"] = .int((e["count"]?.int ?? 1) + 1)
            e["lastTimestamp"] = .string(stamp)
            store.put(.events, e, added: false)
            return
        }
        let name = involvedName + "." + Self.hex16(random.next() >> 1)
        var involved: [JSONObject.Member] = [.init(key: "kind", value: .string(type.kind))]
        if type.namespaced { involved.append(.init(key: "namespace", value: .string(ns))) }
        involved += [.init(key: "name", value: .string(involvedName)), .init(key: "uid", value: .string(involvedUID)),
                     .init(key: "apiVersion", value: .string(type.groupVersion))]
        if let rv = object.at("metadata", "resourceVersion") { involved.append(.init(key: "resourceVersion", value: rv)) }
        var source: [JSONObject.Member] = [.init(key: "component", value: .string(component))]
        if let host { source.append(.init(key: "host", value: .string(host))) }
        // Built member by member in the order the API server writes them (no key look-ups).
        var e = newObject(.events, name: name, namespace: ns, created: stamp)
        e.members += [
            .init(key: "involvedObject", value: .object(JSONObject(involved))),
            .init(key: "reason", value: .string(reason)), .init(key: "message", value: .string(message)),
            .init(key: "source", value: .object(JSONObject(source))), .init(key: "firstTimestamp", value: .string(stamp)),
            .init(key: "lastTimestamp", value: .string(stamp)), .init(key: "count", value: 1),
            .init(key: "type", value: .string(warning ? "Warning" : "Normal")), .init(key: "eventTime", value: .null),
            .init(key: "reportingComponent", value: .string(component)), .init(key: "reportingInstance", value: .string(host ?? "")),
        ]
        store.put(.events, e, added: true)
        lastEvent[key] = name
        eventOrder.append((ns, name, key))
        if eventOrder.count - eventOrderHead > Self.eventLimit {
            let old = eventOrder[eventOrderHead]
            eventOrderHead += 1
            if eventOrderHead > 4096 {
                eventOrder.removeFirst(eventOrderHead)
                eventOrderHead = 0
            }
            store.remove(.events, old.namespace, old.name)
            if lastEvent[old.key] == old.name { lastEvent[old.key] = nil }
        }
    }

    static let eventLimit = 100_000

    // MARK: Namespaces

    func finalizeNamespace(_ ns: String) {
        for type in ResourceType.all where type.namespaced && !type.readOnly && type != .pods && type != .events {
            for o in store.list(type, namespace: ns) { deleteObject(type, o.object, cascade: true) }
        }
        for o in store.list(.pods, namespace: ns) { deleteObject(.pods, o.object, cascade: true) }
        // Gone once its pods have terminated.
        guard store.count(.pods, namespace: ns) == 0 else { return }
        for o in store.list(.events, namespace: ns) { store.remove(.events, ns, o.object.name) }
        store.remove(.namespaces, "", ns)
        terminatingNamespaces.remove(ns)
    }

    /// Deletes an object as the API server and garbage collector do: pods terminate
    /// gracefully, owners take their dependents with them.
    func deleteObject(_ type: ResourceType, _ object: JSONObject, cascade: Bool) {
        let key = ObjectKey(namespace: object.namespace ?? "", name: object.name)
        if type == .deployments { templateHashes[key] = nil }
        switch type {
        case .pods:
            deletePod(key)
        case .namespaces:
            guard object.at("metadata", "deletionTimestamp") == nil else { return }
            var o = object
            o.set(["metadata", "deletionTimestamp"], .string(timestamp))
            o.set(["status", "phase"], "Terminating")
            store.put(.namespaces, o, added: false)
            terminatingNamespaces.insert(object.name)
        default:
            store.remove(type, key.namespace, key.name)
            if cascade {
                let uid = object.uid
                let dependents: [ResourceType] = type == .deployments ? [.replicaSets] : type == .replicaSets ? [.pods] : []
                for d in dependents {
                    for o in store.owned(by: uid, d) { deleteObject(d, o, cascade: true) }
                }
            }
            switch type {
            case .services: store.remove(.endpoints, key.namespace, key.name)
            case .replicaSets: if let d = controllerName(of: object, kind: "Deployment") { dirtyDeployments.insert(ObjectKey(namespace: key.namespace, name: d)) }
            case .pvcs: claimNodes[key] = nil
            default: break
            }
        }
    }

    func owner(of object: JSONObject) -> String? {
        object.at("metadata", "ownerReferences")?.array?.first { $0["controller"]?.bool == true }?["uid"]?.string
    }

    func controllerName(of object: JSONObject, kind: String) -> String? {
        guard let ref = object.at("metadata", "ownerReferences")?.array?.first(where: { $0["controller"]?.bool == true }),
              ref["kind"]?.string == kind else { return nil }
        return ref["name"]?.string
    }

    // MARK: Deployments

    /// The pod-template-hash label: FNV-1a of the template, written with kube's safe alphabet.
    func templateHash(_ template: JSONValue) -> String {
        let hash = FNV.hash32(JSONWriter(pretty: false).write(Self.sortedKeys(template)))
        return String(String(hash).utf8.map { Self.suffixAlphabet[Int($0) % Self.suffixAlphabet.count] })
    }

    func syncDeployment(_ key: ObjectKey) {
        guard var d = object(.deployments, key) else {
            templateHashes[key] = nil
            return
        }
        guard d.at("metadata", "deletionTimestamp") == nil else { return }
        let desired = d.at("spec", "replicas")?.int ?? 1
        let template = d.at("spec", "template") ?? .object(JSONObject())
        let uid = d.uid
        let hash: String
        if let known = templateHashes[key], known.template == template {
            hash = known.hash
        } else {
            hash = templateHash(template)
            templateHashes[key] = (template, hash)
        }
        var sets = store.owned(by: uid, .replicaSets)
        var newSet = sets.first { $0.at("metadata", "labels", "pod-template-hash")?.string == hash }
        let revision = (sets.compactMap { Int($0.at("metadata", "annotations", "deployment.kubernetes.io/revision")?.string ?? "") }.max() ?? 0)
        if newSet == nil {
            var rs = newObject(.replicaSets, name: "\(key.name)-\(hash)", namespace: key.namespace)
            var labels = (template.at(["metadata", "labels"])?.object).map { JSONObject($0.members) } ?? JSONObject()
            labels["pod-template-hash"] = .string(hash)
            rs.set(["metadata", "labels"], .object(labels))
            rs.set(["metadata", "annotations"], .object([
                "deployment.kubernetes.io/desired-replicas": .string(String(desired)),
                "deployment.kubernetes.io/max-replicas": .string(String(desired + maxSurge(d, desired))),
                "deployment.kubernetes.io/revision": .string(String(revision + 1)),
            ]))
            rs.set(["metadata", "ownerReferences"], .array([ownerReference(d, .deployments)]))
            var selector = d.at("spec", "selector")?.object ?? JSONObject()
            var matchLabels = selector["matchLabels"]?.object ?? JSONObject()
            matchLabels["pod-template-hash"] = .string(hash)
            selector["matchLabels"] = .object(matchLabels)
            var podTemplate = template.object ?? JSONObject()
            podTemplate.set(["metadata", "labels"], .object(labels))
            rs["spec"] = .object(["replicas": 0, "selector": .object(selector), "template": .object(podTemplate)])
            rs["status"] = .object(["replicas": 0])
            store.put(.replicaSets, rs, added: true)
            sets.append(rs)
            newSet = rs
        } else if var rs = newSet, Int(rs.at("metadata", "annotations", "deployment.kubernetes.io/revision")?.string ?? "") != revision {
            // A template rolled back to: it becomes the newest revision.
            rs.set(["metadata", "annotations", "deployment.kubernetes.io/revision"], .string(String(revision + 1)))
            newSet = store.put(.replicaSets, rs, added: false).object
        }
        guard let current = newSet else { return }
        let old = sets.filter { $0.uid != current.uid }
        let recreate = d.at("spec", "strategy", "type")?.string == "Recreate"
        func spec(_ rs: JSONObject) -> Int { rs.at("spec", "replicas")?.int ?? 0 }
        func available(_ rs: JSONObject) -> Int { rs.at("status", "availableReplicas")?.int ?? 0 }
        func podsOf(_ rs: JSONObject) -> Int { rs.at("status", "replicas")?.int ?? 0 }
        if recreate {
            let oldRunning = old.reduce(0) { $0 + podsOf($1) }
            for rs in old where spec(rs) > 0 { scaleReplicaSet(rs, to: 0, deployment: d) }
            if oldRunning == 0 && old.allSatisfy({ spec($0) == 0 }) && spec(current) != desired {
                scaleReplicaSet(current, to: desired, deployment: d)
            }
        } else if old.allSatisfy({ spec($0) == 0 }) {
            if spec(current) != desired { scaleReplicaSet(current, to: desired, deployment: d) }
        } else {
            // Rolling update (deployment controller's reconcileNewReplicaSet / reconcileOldReplicaSets).
            let surge = maxSurge(d, desired)
            let unavailable = maxUnavailable(d, desired, surge: surge)
            let total = sets.reduce(0) { $0 + spec($1) }
            if spec(current) < desired {
                let room = desired + surge - total
                if room > 0 { scaleReplicaSet(current, to: spec(current) + min(room, desired - spec(current)), deployment: d) }
            } else if spec(current) > desired {
                scaleReplicaSet(current, to: desired, deployment: d)
            }
            let refreshed = store.owned(by: uid, .replicaSets)
            let newNow = refreshed.first { $0.uid == current.uid } ?? current
            let totalNow = refreshed.reduce(0) { $0 + spec($1) }
            let minAvailable = desired - unavailable
            let newUnavailable = spec(newNow) - available(newNow)
            var canScaleDown = totalNow - minAvailable - newUnavailable
            for rs in refreshed.filter({ $0.uid != current.uid && spec($0) > 0 }).sorted(by: { $0.name < $1.name }) {
                // Old pods that are not available can go at once.
                let unhealthy = spec(rs) - available(rs)
                var target = spec(rs) - max(0, unhealthy)
                if canScaleDown > 0 {
                    let cut = min(canScaleDown, target)
                    target -= cut
                    canScaleDown -= cut
                }
                if target != spec(rs) { scaleReplicaSet(rs, to: max(0, target), deployment: d) }
            }
        }
        // Status from the replica sets.
        let all = store.owned(by: uid, .replicaSets)
        let latest = all.first { $0.uid == current.uid } ?? current
        let replicas = all.reduce(0) { $0 + podsOf($1) }
        let ready = all.reduce(0) { $0 + ($1.at("status", "readyReplicas")?.int ?? 0) }
        let availableCount = all.reduce(0) { $0 + available($1) }
        let updated = podsOf(latest)
        let unavailableLimit = maxUnavailable(d, desired, surge: maxSurge(d, desired))
        let complete = updated == desired && replicas == desired && availableCount == desired
        var status = d["status"]?.object ?? JSONObject()
        let stamp = timestamp
        func condition(_ type: String, _ ok: Bool, _ reason: String, _ message: String) -> JSONValue {
            var c = (status["conditions"]?.array ?? []).first { $0["type"]?.string == type }?.object ?? JSONObject()
            let statusText = ok ? "True" : "False"
            if c["status"]?.string != statusText || c["reason"]?.string != reason { c["lastTransitionTime"] = .string(stamp) }
            c["type"] = .string(type)
            c["status"] = .string(statusText)
            c["lastUpdateTime"] = c["lastUpdateTime"] ?? .string(stamp)
            if c["reason"]?.string != reason { c["lastUpdateTime"] = .string(stamp) }
            c["reason"] = .string(reason)
            c["message"] = .string(message)
            return .object(c)
        }
        let isAvailable = availableCount >= desired - unavailableLimit
        status["observedGeneration"] = .int(d.at("metadata", "generation")?.int ?? 1)
        status["replicas"] = .int(replicas)
        status["updatedReplicas"] = .int(updated)
        status["readyReplicas"] = ready > 0 ? .int(ready) : nil
        status["availableReplicas"] = availableCount > 0 ? .int(availableCount) : nil
        status["unavailableReplicas"] = replicas - availableCount > 0 ? .int(max(desired, replicas) - availableCount) : nil
        status["conditions"] = .array([
            condition("Available", isAvailable, isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                      isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
            condition("Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                      complete ? "ReplicaSet \"\(latest.name)\" has successfully progressed."
                               : "ReplicaSet \"\(latest.name)\" is progressing."),
        ])
        if d["status"]?.object != status {
            d["status"] = .object(status)
            store.put(.deployments, d, added: false)
        }
    }

    /// The value with every object's keys sorted: the same template hashes the same however a
    /// client ordered its fields.
    static func sortedKeys(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            return .object(JSONObject(o.members.sorted { $0.key < $1.key }.map { JSONObject.Member(key: $0.key, value: sortedKeys($0.value)) }))
        case .array(let a): return .array(a.map(sortedKeys))
        default: return v
        }
    }

    /// `spec.strategy.rollingUpdate.maxSurge` (an integer or a percentage, rounded up; 25 %).
    func maxSurge(_ d: JSONObject, _ replicas: Int) -> Int {
        intOrPercent(d.at("spec", "strategy", "rollingUpdate", "maxSurge"), of: replicas, roundUp: true) ?? Int((Double(replicas) * 0.25).rounded(.up))
    }

    /// `maxUnavailable` (rounded down; 25 %); at least 1 when the surge is 0.
    func maxUnavailable(_ d: JSONObject, _ replicas: Int, surge: Int) -> Int {
        let value = intOrPercent(d.at("spec", "strategy", "rollingUpdate", "maxUnavailable"), of: replicas, roundUp: false)
            ?? Int((Double(replicas) * 0.25).rounded(.down))
        return surge == 0 && value == 0 ? 1 : min(value, replicas)
    }

    func intOrPercent(_ v: JSONValue?, of total: Int, roundUp: Bool) -> Int? {
        switch v {
        case .number?: return v?.int
        case .string(let s)? where s.hasSuffix("%"):
            guard let p = Double(s.dropLast()) else { return nil }
            let x = Double(total) * p / 100
            return Int(roundUp ? x.rounded(.up) : x.rounded(.down))
        default: return nil
        }
    }

    func scaleReplicaSet(_ rs: JSONObject, to replicas: Int, deployment: JSONObject) {
        var rs = rs
        let from = rs.at("spec", "replicas")?.int ?? 0
        guard from != replicas else { return }
        rs.set(["spec", "replicas"], .int(replicas))
        rs.set(["metadata", "annotations", "deployment.kubernetes.io/desired-replicas"], .string(String(deployment.at("spec", "replicas")?.int ?? 1)))
        bumpGeneration(&rs)
        store.put(.replicaSets, rs, added: false)
        dirtyReplicaSets.insert(ObjectKey(namespace: rs.namespace ?? "", name: rs.name))
        recordEvent(.deployments, deployment, reason: "ScalingReplicaSet",
                    message: "Scaled \(replicas > from ? "up" : "down") replica set \(rs.name) from \(from) to \(replicas)",
                    component: "deployment-controller")
    }

    func bumpGeneration(_ o: inout JSONObject) {
        o.set(["metadata", "generation"], .int((o.at("metadata", "generation")?.int ?? 1) + 1))
    }

    func ownerReference(_ owner: JSONObject, _ type: ResourceType) -> JSONValue {
        .object(["apiVersion": .string(type.groupVersion), "kind": .string(type.kind), "name": .string(owner.name),
                 "uid": .string(owner.uid), "controller": true, "blockOwnerDeletion": true])
    }

    // MARK: ReplicaSets

    func syncReplicaSet(_ key: ObjectKey) {
        guard var rs = object(.replicaSets, key) else { return }
        let uid = rs.uid
        let desired = rs.at("spec", "replicas")?.int ?? 1
        let before = podRuntime.counts(owner: uid)
        // Each creation and deletion is a call of the controller manager's rate-limited client:
        // what the limit does not allow now waits for its tokens.
        if before.live < desired {
            let calls = controllerClient.take(desired - before.live, at: now)
            if calls < desired - before.live { throttle(key) }
            for _ in 0..<calls { createPod(for: rs) }
        } else if before.live > desired {
            let live = store.owned(by: uid, .pods).filter { $0.at("metadata", "deletionTimestamp") == nil }
            let excess = max(0, live.count - desired)
            let calls = controllerClient.take(excess, at: now)
            if calls < excess { throttle(key) }
            // Unscheduled first, then not ready, then the newest (the controller's ranking).
            let ranked = live.sorted { a, b in
                let ra = rank(a), rb = rank(b)
                if ra != rb { return ra < rb }
                let ca = a.at("metadata", "creationTimestamp")?.string ?? "", cb = b.at("metadata", "creationTimestamp")?.string ?? ""
                return ca != cb ? ca > cb : a.name > b.name
            }
            for pod in ranked.prefix(calls) {
                deletePod(ObjectKey(namespace: key.namespace, name: pod.name))
                recordEvent(.replicaSets, rs, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)", component: "replicaset-controller")
            }
        }
        let counts = podRuntime.counts(owner: uid)
        let ready = counts.ready
        var status: JSONObject = ["replicas": .int(counts.live)]
        status["fullyLabeledReplicas"] = counts.live == 0 ? nil : .int(counts.live)
        status["readyReplicas"] = ready > 0 ? .int(ready) : nil
        status["availableReplicas"] = ready > 0 ? .int(ready) : nil
        status["observedGeneration"] = .int(rs.at("metadata", "generation")?.int ?? 1)
        if rs["status"]?.object != status {
            rs["status"] = .object(status)
            store.put(.replicaSets, rs, added: false)
            if let d = controllerName(of: rs, kind: "Deployment") { dirtyDeployments.insert(ObjectKey(namespace: key.namespace, name: d)) }
        }
    }

    /// Resumes a ReplicaSet once its client has a token again.
    func throttle(_ key: ObjectKey) {
        if throttledReplicaSets.isEmpty, let at = controllerClient.nextToken(after: now) {
            timers.schedule(.controllerTokens, at: at)
        }
        throttledReplicaSets.insert(key)
    }

    func rank(_ pod: JSONObject) -> Int {
        guard let r = podRuntime[pod.uid] else { return 0 }
        if !r.scheduled { return 0 }
        if !r.ready { return 1 }
        return 2
    }

    func createPod(for rs: JSONObject) {
        let ns = rs.namespace ?? "default"
        let template = rs.at("spec", "template")?.object ?? JSONObject()
        var name = "\(rs.name)-\(randomSuffix(5))"
        while store.get(.pods, ns, name) != nil { name = "\(rs.name)-\(randomSuffix(5))" }
        var pod = newObject(.pods, name: name, namespace: ns)
        pod.set(["metadata", "generateName"], .string("\(rs.name)-"))
        if let labels = template.at("metadata", "labels") { pod.set(["metadata", "labels"], labels) }
        if let annotations = template.at("metadata", "annotations") { pod.set(["metadata", "annotations"], annotations) }
        pod.set(["metadata", "ownerReferences"], .array([ownerReference(rs, .replicaSets)]))
        pod["spec"] = template["spec"] ?? .object(JSONObject())
        admitPod(&pod)
        store.put(.pods, pod, added: true)
        startPod(pod)
        recordEvent(.replicaSets, rs, reason: "SuccessfulCreate", message: "Created pod: \(name)", component: "replicaset-controller")
    }

    // MARK: Services and endpoints

    func syncEndpoints(namespace ns: String) {
        let services = store.list(.services, namespace: ns).map(\.object).filter { $0.at("spec", "selector")?.object?.members.isEmpty == false }
        guard !services.isEmpty else { return }
        let pods = store.list(.pods, namespace: ns).map(\.object)
        // Each pod's labels are read once, and pods are indexed by the labels the selectors
        // start with (key, then value), so a sync costs about services + pods rather than
        // services × pods (400 Services over 400 pods).
        let selectors = services.map { LabelSelector(object: $0.at("spec", "selector")?.object ?? JSONObject()) }
        let podLabels = pods.map(\.labels)
        var podsByLabel: [String: [String: [Int]]] = [:]
        for case .equals(let key, _)? in selectors.map(\.requirements.first) where podsByLabel[key] == nil {
            var byValue: [String: [Int]] = [:]
            for (i, labels) in podLabels.enumerated() {
                if let value = labels[key] { byValue[value, default: []].append(i) }
            }
            podsByLabel[key] = byValue
        }
        for (service, selector) in zip(services, selectors) {
            var ready: [JSONValue] = []
            var notReady: [JSONValue] = []
            let candidates: [Int]
            if case .equals(let key, let value)? = selector.requirements.first {
                candidates = podsByLabel[key]?[value] ?? []
            } else {
                candidates = Array(pods.indices)
            }
            for i in candidates where selector.matches(podLabels[i]) {
                let pod = pods[i]
                guard let runtime = podRuntime[pod.uid], let node = runtime.node, let ip = pod.at("status", "podIP")?.string,
                      !runtime.deleting else { continue }
                let address: JSONValue = .object(["ip": .string(ip), "nodeName": .string(node), "targetRef": .object([
                    "kind": "Pod", "namespace": .string(ns), "name": .string(pod.name), "uid": .string(pod.uid),
                ])])
                if runtime.ready { ready.append(address) } else { notReady.append(address) }
            }
            var ports: [JSONValue] = []
            for port in service.at("spec", "ports")?.array ?? [] {
                var p = JSONObject()
                if let name = port["name"]?.string { p["name"] = .string(name) }
                p["port"] = port["targetPort"]?.int.map { .int($0) } ?? port["port"] ?? .int(0)
                p["protocol"] = port["protocol"] ?? "TCP"
                ports.append(.object(p))
            }
            var subset = JSONObject()
            if !ready.isEmpty { subset["addresses"] = .array(ready) }
            if !notReady.isEmpty { subset["notReadyAddresses"] = .array(notReady) }
            subset["ports"] = .array(ports)
            let subsets: JSONValue = ready.isEmpty && notReady.isEmpty ? .array([]) : .array([.object(subset)])
            if var e = store.get(.endpoints, ns, service.name)?.object {
                guard e["subsets"] != subsets else { continue }
                e["subsets"] = subsets
                store.put(.endpoints, e, added: false)
            } else {
                var e = newObject(.endpoints, name: service.name, namespace: ns)
                if let labels = service.at("metadata", "labels") { e.set(["metadata", "labels"], labels) }
                e["subsets"] = subsets
                store.put(.endpoints, e, added: true)
            }
        }
    }

    // MARK: Claims

    func bindClaim(_ key: ObjectKey) {
        guard var claim = object(.pvcs, key), claim.at("status", "phase")?.string != "Bound" else { return }
        let requested = claim.at("spec", "storageClassName")?.string
        let defaultClass = store.list(.storageClasses, namespace: nil).map(\.object).first {
            $0.at("metadata", "annotations", "storageclass.kubernetes.io/is-default-class")?.string == "true"
        }
        let className = requested ?? defaultClass?.name
        guard let className, store.get(.storageClasses, "", className) != nil else {
            let message = className.map { "storageclass.storage.k8s.io \"\($0)\" not found" }
                ?? "no persistent volumes available for this claim and no storage class is set"
            if claim.at("status", "phase")?.string != "Pending" {
                claim["status"] = .object(["phase": "Pending"])
                store.put(.pvcs, claim, added: false)
            }
            recordEvent(.pvcs, claim, reason: className == nil ? "FailedBinding" : "ProvisioningFailed", message: message, warning: true,
                        component: "persistentvolume-controller")
            return
        }
        if requested == nil { claim.set(["spec", "storageClassName"], .string(className)) }
        claim.set(["spec", "volumeName"], .string("pvc-\(claim.uid)"))
        claim.set(["spec", "volumeMode"], claim.at("spec", "volumeMode") ?? "Filesystem")
        claim.set(["metadata", "annotations", "pv.kubernetes.io/bind-completed"], "yes")
        claim.set(["metadata", "annotations", "pv.kubernetes.io/bound-by-controller"], "yes")
        claim.set(["metadata", "annotations", "volume.kubernetes.io/storage-provisioner"], "playground.kubeprint.io/simulated")
        claim["status"] = .object([
            "phase": "Bound", "accessModes": claim.at("spec", "accessModes") ?? .array(["ReadWriteOnce"]),
            "capacity": .object(["storage": claim.at("spec", "resources", "requests", "storage") ?? "1Gi"]),
        ])
        store.put(.pvcs, claim, added: false)
        recordEvent(.pvcs, claim, reason: "ProvisioningSucceeded", message: "Successfully provisioned volume pvc-\(claim.uid)",
                    component: "playground.kubeprint.io/simulated")
        // Pods waiting for it may go on.
        for uid in heldPods.sorted() {
            guard let r = podRuntime[uid], r.key.namespace == key.namespace, let pod = object(.pods, r.key) else { continue }
            startPod(pod)
        }
    }

    // MARK: Autoscaling

    /// The HPA controller (autoscaling/v2, CPU utilisation): desired = ceil(current × usage / target)
    /// outside a 10 % tolerance, within min and max replicas.
    func autoscale() {
        for ns in store.namespaces(of: .hpas) {
            for stored in store.list(.hpas, namespace: ns) {
                var hpa = stored.object
                guard let targetName = hpa.at("spec", "scaleTargetRef", "name")?.string,
                      hpa.at("spec", "scaleTargetRef", "kind")?.string == "Deployment",
                      var d = object(.deployments, ObjectKey(namespace: ns, name: targetName)) else { continue }
                let current = d.at("spec", "replicas")?.int ?? 1
                let minReplicas = hpa.at("spec", "minReplicas")?.int ?? 1
                let maxReplicas = max(minReplicas, hpa.at("spec", "maxReplicas")?.int ?? current)
                let target = (hpa.at("spec", "metrics")?.array ?? []).compactMap { m -> Int? in
                    guard m["type"]?.string == "Resource", m.at(["resource", "name"])?.string == "cpu" else { return nil }
                    return m.at(["resource", "target", "averageUtilization"])?.int
                }.first ?? 80
                let utilization = cpuUtilization(namespace: ns, deployment: d)
                var desired = current
                if let utilization {
                    let ratio = Double(utilization) / Double(max(1, target))
                    if abs(ratio - 1) > 0.1 { desired = Int((Double(current) * ratio).rounded(.up)) }
                }
                desired = min(max(desired, minReplicas), maxReplicas)
                var status: JSONObject = ["currentReplicas": .int(current), "desiredReplicas": .int(desired)]
                if let utilization {
                    status["currentMetrics"] = .array([.object(["type": "Resource", "resource": .object([
                        "name": "cpu", "current": .object(["averageUtilization": .int(utilization)]),
                    ])])])
                }
                if desired != current {
                    status["lastScaleTime"] = .string(timestamp)
                    d.set(["spec", "replicas"], .int(desired))
                    bumpGeneration(&d)
                    store.put(.deployments, d, added: false)
                    dirtyDeployments.insert(ObjectKey(namespace: ns, name: targetName))
                    recordEvent(.hpas, hpa, reason: "SuccessfulRescale",
                                message: "New size: \(desired); reason: cpu resource utilization (percentage of request) \(desired > current ? "above" : "below") target",
                                component: "horizontal-pod-autoscaler")
                } else {
                    status["lastScaleTime"] = hpa.at("status", "lastScaleTime")
                }
                status["conditions"] = hpa.at("status", "conditions")
                if hpa["status"]?.object != status {
                    hpa["status"] = .object(status)
                    store.put(.hpas, hpa, added: false)
                }
            }
        }
    }

    /// Mean CPU use over the Deployment's ready pods, in percent of their requests.
    func cpuUtilization(namespace ns: String, deployment d: JSONObject) -> Int? {
        let selector = LabelSelector(object: d.at("spec", "selector")?.object ?? JSONObject())
        var used = 0.0
        var requested = 0.0
        for pod in store.list(.pods, namespace: ns).map(\.object) where selector.matches(pod.labels) {
            guard let r = podRuntime[pod.uid], r.ready, !r.deleting, r.requests.cpuMillis > 0 else { continue }
            used += podCPU(r)
            requested += Double(r.requests.cpuMillis)
        }
        guard requested > 0 else { return nil }
        return Int((used / requested * 100).rounded())
    }
}
