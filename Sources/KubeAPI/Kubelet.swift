import Blueprint
import Cluster
import Foundation
import Simulation

/// Pods on the simulator: the API pod is submitted to the simulated scheduler and kubelet,
/// and their events become the pod's status and the Events kubectl shows.
extension APIState {
    /// Server-side defaults of a new pod (what `kubectl get pod -o yaml` shows on a real cluster).
    func admitPod(_ pod: inout JSONObject) {
        var spec = pod["spec"]?.object ?? JSONObject()
        spec["restartPolicy"] = spec["restartPolicy"] ?? "Always"
        spec["terminationGracePeriodSeconds"] = spec["terminationGracePeriodSeconds"] ?? 30
        spec["dnsPolicy"] = spec["dnsPolicy"] ?? "ClusterFirst"
        spec["serviceAccountName"] = spec["serviceAccountName"] ?? "default"
        spec["serviceAccount"] = spec["serviceAccount"] ?? spec["serviceAccountName"]
        spec["schedulerName"] = spec["schedulerName"] ?? "default-scheduler"
        spec["securityContext"] = spec["securityContext"] ?? .object(JSONObject())
        spec["enableServiceLinks"] = spec["enableServiceLinks"] ?? true
        spec["preemptionPolicy"] = spec["preemptionPolicy"] ?? "PreemptLowerPriority"
        spec["priority"] = spec["priority"] ?? 0
        if var containers = spec["containers"]?.array {
            for i in containers.indices {
                guard var c = containers[i].object else { continue }
                c["imagePullPolicy"] = c["imagePullPolicy"] ?? (c["image"]?.string?.hasSuffix(":latest") == true || !(c["image"]?.string?.contains(":") ?? true) ? "Always" : "IfNotPresent")
                c["terminationMessagePath"] = c["terminationMessagePath"] ?? "/dev/termination-log"
                c["terminationMessagePolicy"] = c["terminationMessagePolicy"] ?? "File"
                c["resources"] = c["resources"] ?? .object(JSONObject())
                if var ports = c["ports"]?.array {
                    for j in ports.indices {
                        guard var p = ports[j].object else { continue }
                        p["protocol"] = p["protocol"] ?? "TCP"
                        ports[j] = .object(p)
                    }
                    c["ports"] = .array(ports)
                }
                containers[i] = .object(c)
            }
            spec["containers"] = .array(containers)
        }
        pod["spec"] = .object(spec)
        pod["status"] = .object(["phase": "Pending", "qosClass": .string(qosClass(spec))])
    }

    func qosClass(_ spec: JSONObject) -> String {
        let containers = spec["containers"]?.array ?? []
        var any = false
        var guaranteed = !containers.isEmpty
        for c in containers {
            let requests = c.at(["resources", "requests"])?.object
            let limits = c.at(["resources", "limits"])?.object
            if requests?.members.isEmpty == false || limits?.members.isEmpty == false { any = true }
            for r in ["cpu", "memory"] {
                guard let l = limits?[r] else { guaranteed = false; continue }
                if let q = requests?[r], q != l { guaranteed = false }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable"
    }

    /// The pod's requests, summed over its containers.
    func requests(_ spec: JSONObject) -> Resources {
        let containers = spec["containers"] ?? .array([])
        if let last = lastRequests, last.containers == containers { return last.resources }
        var r = Resources()
        for c in containers.array ?? [] {
            let req = c.at(["resources", "requests"])?.object ?? c.at(["resources", "limits"])?.object
            if let cpu = Quantity.text(req?["cpu"]).flatMap(Quantity.millicores) { r.cpuMillis += cpu }
            if let memory = Quantity.text(req?["memory"]).flatMap(Quantity.bytes) { r.memoryBytes += memory }
        }
        lastRequests = (containers, r)
        return r
    }

    /// Hands a new (or held) pod to the simulated scheduler, unless a claim it mounts is not
    /// bound yet or its ReadWriteOnce claim's node is not known yet.
    func startPod(_ pod: JSONObject) {
        let uid = pod.uid
        let key = ObjectKey(namespace: pod.namespace ?? "default", name: pod.name)
        let spec = pod["spec"]?.object ?? JSONObject()
        let image = spec["containers"]?.array?.first?["image"]?.string ?? "unknown"
        if podRuntime[uid] == nil {
            podsByUID[uid] = key
            podRuntime[uid] = PodRuntime(key: key, uid: uid, owner: owner(of: pod), image: image, requests: requests(spec), created: now)
            metrics.podsCreated += 1
        }
        guard var runtime = podRuntime[uid], !runtime.inSimulator, !runtime.deleting else { return }
        var nodeSelector = pod.stringMap("spec", "nodeSelector")
        if let pinned = spec["nodeName"]?.string { nodeSelector["kubernetes.io/hostname"] = pinned }
        for volume in spec["volumes"]?.array ?? [] {
            guard let claimName = volume.at(["persistentVolumeClaim", "claimName"])?.string else { continue }
            let claimKey = ObjectKey(namespace: key.namespace, name: claimName)
            guard let claim = object(.pvcs, claimKey), claim.at("status", "phase")?.string == "Bound" else {
                hold(pod, uid: uid, message: claimMessage(claimName, exists: object(.pvcs, claimKey) != nil))
                return
            }
            let modes = (claim.at("spec", "accessModes")?.array ?? []).compactMap(\.string)
            if modes.contains("ReadWriteOnce") || modes.contains("ReadWriteOncePod") || modes.isEmpty {
                if let node = claimNodes[claimKey] {
                    nodeSelector["kubernetes.io/hostname"] = node
                } else if podRuntime.values.contains(where: { $0.inSimulator && !$0.deleting && $0.node == nil && usesClaim($0, claimKey) }) {
                    // The first consumer is being scheduled; its node decides for the rest.
                    hold(pod, uid: uid, message: nil)
                    return
                }
            }
        }
        heldPods.remove(uid)
        let size = imageSize(image, pod: pod)
        do {
            if !sim.knowsImage(image) {
                try sim.declare(image: .single(image, sizes: Dictionary(uniqueKeysWithValues: Architecture.allCases.map { ($0, size) })))
            }
            let readinessDelay = spec["containers"]?.array?.first?.at(["readinessProbe", "initialDelaySeconds"])?.int
            let setup: Distribution = readinessDelay.map { .constant(Double($0)) } ?? config.setup
            let owner = controllerName(of: pod, kind: "ReplicaSet").map { "\(key.namespace)/\($0)" }
            try sim.submit(PodSpec(name: uid, owner: owner, image: image, requests: runtime.requests, nodeSelector: nodeSelector,
                                   labels: pod.labels,
                                   lifecycle: LifecycleProfile(startup: config.startup, setup: setup,
                                                               terminationGrace: .constant(config.terminationGrace))))
            runtime.inSimulator = true
            podRuntime[uid] = runtime
        } catch {
            runtime.failed = "\(error)"
            podRuntime[uid] = runtime
        }
    }

    func usesClaim(_ r: PodRuntime, _ claim: ObjectKey) -> Bool {
        guard r.key.namespace == claim.namespace, let pod = object(.pods, r.key) else { return false }
        return (pod.at("spec", "volumes")?.array ?? []).contains { $0.at(["persistentVolumeClaim", "claimName"])?.string == claim.name }
    }

    func claimMessage(_ name: String, exists: Bool) -> String {
        exists ? "0/\(nodeNames.count) nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/\(nodeNames.count) nodes are available: \(nodeNames.count) Preemption is not helpful for scheduling."
            : "0/\(nodeNames.count) nodes are available: persistentvolumeclaim \"\(name)\" not found. preemption: 0/\(nodeNames.count) nodes are available: \(nodeNames.count) Preemption is not helpful for scheduling."
    }

    func hold(_ pod: JSONObject, uid: String, message: String?) {
        let newlyHeld = heldPods.insert(uid).inserted
        guard let message, newlyHeld else { return }
        var p = pod
        p["status"] = .object(["phase": "Pending", "qosClass": pod.at("status", "qosClass") ?? "BestEffort", "conditions": .array([
            .object(["type": "PodScheduled", "status": "False", "lastProbeTime": .null, "lastTransitionTime": .string(timestamp),
                     "reason": "Unschedulable", "message": .string(message)]),
        ])])
        store.put(.pods, p, added: false)
        recordEvent(.pods, p, reason: "FailedScheduling", message: message, warning: true, component: "default-scheduler")
    }

    /// The image's size: the cluster scenario's, the pod's `kubeprint.io/image-size`
    /// annotation, or the default (with a warning on the request that created it).
    func imageSize(_ image: String, pod: JSONObject) -> Int64 {
        if let known = imageSizes[image] { return known }
        if let text = pod.at("metadata", "annotations", "kubeprint.io/image-size")?.string, let bytes = Quantity.bytes(text), bytes > 0 {
            imageSizes[image] = bytes
            return bytes
        }
        warnings.append("image \"\(image)\" has no size in the playground's cluster scenario; assuming \(Format.bytesText(config.defaultImageSize)) (set the pod template annotation kubeprint.io/image-size)")
        imageSizes[image] = config.defaultImageSize
        return config.defaultImageSize
    }

    /// Starts a graceful deletion; the pod object goes when the simulator has terminated it.
    func deletePod(_ key: ObjectKey) {
        guard var pod = object(.pods, key), pod.at("metadata", "deletionTimestamp") == nil else { return }
        let uid = pod.uid
        let grace = pod.at("spec", "terminationGracePeriodSeconds")?.int ?? 30
        pod.set(["metadata", "deletionTimestamp"], .string(timestamp))
        pod.set(["metadata", "deletionGracePeriodSeconds"], .int(grace))
        dirtyEndpoints.insert(key.namespace)
        if let rs = controllerName(of: pod, kind: "ReplicaSet") { dirtyReplicaSets.insert(ObjectKey(namespace: key.namespace, name: rs)) }
        guard var runtime = podRuntime[uid], runtime.inSimulator, runtime.failed == nil else {
            // Never started: gone at once.
            store.remove(.pods, key.namespace, key.name)
            forget(uid)
            return
        }
        store.put(.pods, pod, added: false)
        runtime.deleting = true
        podRuntime[uid] = runtime
        if runtime.started, let container = pod.at("spec", "containers")?.array?.first?["name"]?.string {
            recordEvent(.pods, pod, reason: "Killing", message: "Stopping container \(container)", component: "kubelet", host: runtime.node)
        }
        sim.remove(pod: uid)
    }

    func forget(_ uid: String) {
        metrics.logs[uid] = nil
        podRuntime[uid] = nil
        podsByUID[uid] = nil
        heldPods.remove(uid)
    }

    /// CPU millicores a pod uses now: a small idle share of its request.
    func podCPU(_ r: PodRuntime) -> Double {
        guard r.started, !r.deleting else { return 0 }
        return max(1, Double(r.requests.cpuMillis) * 0.02)
    }

    /// Memory a pod uses now: its request (or 32 MiB) once started.
    func podMemory(_ r: PodRuntime) -> Int64 {
        guard r.started, !r.deleting else { return 0 }
        return r.requests.memoryBytes > 0 ? r.requests.memoryBytes : 32 << 20
    }

    // MARK: Simulator events

    func absorbSimulatorEvents() {
        guard !inbox.records.isEmpty else { return }
        let records = inbox.records
        inbox.records = []
        for record in records { absorb(record) }
    }

    func absorb(_ record: ClusterEventRecord) {
        guard let uid = record.pod, var runtime = podRuntime[uid], var pod = object(.pods, runtime.key) else { return }
        let t = record.time
        let stamp = timestamp(t)
        let containers = pod.at("spec", "containers")?.array ?? []
        let containerName = containers.first?["name"]?.string ?? "main"
        var status = pod["status"]?.object ?? JSONObject()
        func log(_ line: String) { metrics.logs[uid, default: []].append("\(stamp) \(line)") }
        switch record.kind {
        case .podScheduled:
            guard let node = record.node, let n = nodeIndex[node] else { return }
            runtime.node = node
            runtime.scheduled = true
            runtime.unschedulable = nil
            metrics.scheduleAttempts["scheduled", default: 0] += 1
            pod.set(["spec", "nodeName"], .string(node))
            let ip = "10.244.\(n).\(nextPodIP[n] % 254 + 1)"
            nextPodIP[n] += 1
            status["hostIP"] = .string(nodeIP(n))
            status["hostIPs"] = .array([.object(["ip": .string(nodeIP(n))])])
            status["podIP"] = .string(ip)
            status["podIPs"] = .array([.object(["ip": .string(ip)])])
            status["startTime"] = .string(stamp)
            status["conditions"] = .array([
                condition("PodReadyToStartContainers", false, stamp), condition("Initialized", true, stamp),
                condition("Ready", false, stamp, reason: "ContainersNotReady", message: "containers with unready status: [\(containerName)]"),
                condition("ContainersReady", false, stamp, reason: "ContainersNotReady", message: "containers with unready status: [\(containerName)]"),
                condition("PodScheduled", true, stamp),
            ])
            status["containerStatuses"] = .array(containers.map { c in
                containerStatus(c, state: .object(["waiting": .object(["reason": "ContainerCreating"])]), ready: false, started: false)
            })
            let claimed = (pod.at("spec", "volumes")?.array ?? []).compactMap { $0.at(["persistentVolumeClaim", "claimName"])?.string }
            for claim in claimed {
                let claimKey = ObjectKey(namespace: runtime.key.namespace, name: claim)
                if claimNodes[claimKey] == nil { claimNodes[claimKey] = node }
            }
            if !claimed.isEmpty { releaseHeld(namespace: runtime.key.namespace) }
            pod["status"] = .object(status)
            store.put(.pods, pod, added: false)
            recordEvent(.pods, pod, reason: "Scheduled", message: "Successfully assigned \(runtime.key.namespace)/\(runtime.key.name) to \(node)",
                        component: "default-scheduler", at: t)
            log("scheduled on \(node)")
            if sim.livePod(uid)?.phase == .pullingImage {
                runtime.pulling = true
                metrics.pullsStarted[uid] = (node, runtime.image, imageSizes[runtime.image] ?? 0, t)
                recordEvent(.pods, pod, reason: "Pulling", message: "Pulling image \"\(runtime.image)\"", component: "kubelet", host: node, at: t)
                log("pulling image \(runtime.image)")
            }
        case .podUnschedulable:
            metrics.scheduleAttempts["unschedulable", default: 0] += 1
            let message = record.detail.map { "0/\(nodeNames.count) nodes are available: \($0)." } ?? "0/\(nodeNames.count) nodes are available."
            let first = runtime.unschedulable == nil
            runtime.unschedulable = message
            status["conditions"] = .array([condition("PodScheduled", false, stamp, reason: "Unschedulable", message: message)])
            pod["status"] = .object(status)
            store.put(.pods, pod, added: false)
            if first || record.detail != nil {
                recordEvent(.pods, pod, reason: "FailedScheduling", message: message, warning: true, component: "default-scheduler", at: t)
            }
        case .imageReady:
            let seconds = record.duration ?? 0
            if record.source == "node-cache" && !runtime.pulling {
                recordEvent(.pods, pod, reason: "Pulled", message: "Container image \"\(runtime.image)\" already present on machine",
                            component: "kubelet", host: runtime.node, at: t)
                log("image \(runtime.image) already present on machine")
            } else {
                let bytes = imageSizes[runtime.image] ?? 0
                let text = Self.goDuration(seconds)
                recordEvent(.pods, pod, reason: "Pulled",
                            message: "Successfully pulled image \"\(runtime.image)\" in \(text) (\(text) including waiting). Image size: \(bytes) bytes.",
                            component: "kubelet", host: runtime.node, at: t)
                metrics.pullDurations.append(seconds)
                log("pulled image \(runtime.image) (\(bytes) bytes) in \(text)")
            }
            runtime.pulling = false
            metrics.pullsStarted[uid] = nil
        case .containerStarted:
            runtime.started = true
            status["phase"] = "Running"
            status["conditions"] = .array([
                condition("PodReadyToStartContainers", true, stamp), condition("Initialized", true, stamp),
                condition("Ready", false, stamp, reason: "ContainersNotReady", message: "containers with unready status: [\(containerName)]"),
                condition("ContainersReady", false, stamp, reason: "ContainersNotReady", message: "containers with unready status: [\(containerName)]"),
                condition("PodScheduled", true, stamp),
            ])
            status["containerStatuses"] = .array(containers.map { c in
                containerStatus(c, state: .object(["running": .object(["startedAt": .string(stamp)])]), ready: false, started: true)
            })
            pod["status"] = .object(status)
            store.put(.pods, pod, added: false)
            for c in containers {
                let name = c["name"]?.string ?? "main"
                recordEvent(.pods, pod, reason: "Created", message: "Created container: \(name)", component: "kubelet", host: runtime.node, at: t)
                recordEvent(.pods, pod, reason: "Started", message: "Started container \(name)", component: "kubelet", host: runtime.node, at: t)
            }
            metrics.podStartSLI.append((t - runtime.created).seconds - (sim.livePod(uid).flatMap { s in
                s.imageReady.map { ($0 - (s.pullStarted ?? $0)).seconds } } ?? 0))
            log("started container \(containerName)")
            dirtyEndpoints.insert(runtime.key.namespace)
        case .podReady:
            runtime.ready = true
            status["conditions"] = .array([
                condition("PodReadyToStartContainers", true, stamp), condition("Initialized", true, stamp),
                condition("Ready", true, stamp), condition("ContainersReady", true, stamp), condition("PodScheduled", true, stamp),
            ])
            let started = (status["containerStatuses"]?.array?.first?.at(["state", "running", "startedAt"])) ?? .string(stamp)
            status["containerStatuses"] = .array(containers.map { c in
                containerStatus(c, state: .object(["running": .object(["startedAt": started])]), ready: true, started: true)
            })
            pod["status"] = .object(status)
            store.put(.pods, pod, added: false)
            metrics.podStartTotal.append((t - runtime.created).seconds)
            log("ready: readiness probe succeeded, serving")
            dirtyEndpoints.insert(runtime.key.namespace)
            if let rs = controllerName(of: pod, kind: "ReplicaSet") { dirtyReplicaSets.insert(ObjectKey(namespace: runtime.key.namespace, name: rs)) }
        case .podFailed:
            runtime.failed = record.detail ?? "failed"
            status["containerStatuses"] = .array(containers.map { c in
                containerStatus(c, state: .object(["waiting": .object(["reason": "ImagePullBackOff",
                                                                       "message": .string("Back-off pulling image \"\(runtime.image)\"")])]),
                                ready: false, started: false)
            })
            pod["status"] = .object(status)
            store.put(.pods, pod, added: false)
            recordEvent(.pods, pod, reason: "Failed", message: "Failed to pull image \"\(runtime.image)\": \(record.detail ?? "")", warning: true,
                        component: "kubelet", host: runtime.node, at: t)
            recordEvent(.pods, pod, reason: "BackOff", message: "Back-off pulling image \"\(runtime.image)\"", warning: true,
                        component: "kubelet", host: runtime.node, at: t)
            log("image pull failed: \(record.detail ?? "")")
        case .podLost:
            runtime.failed = record.detail ?? "node lost"
            status["phase"] = "Failed"
            status["reason"] = "NodeLost"
            status["message"] = .string(record.detail ?? "")
            pod["status"] = .object(status)
            store.put(.pods, pod, added: false)
            if let rs = controllerName(of: pod, kind: "ReplicaSet") { dirtyReplicaSets.insert(ObjectKey(namespace: runtime.key.namespace, name: rs)) }
        case .podRemoved:
            store.remove(.pods, runtime.key.namespace, runtime.key.name)
            log("container stopped")
            forget(uid)
            dirtyEndpoints.insert(runtime.key.namespace)
            if let rs = controllerName(of: pod, kind: "ReplicaSet") { dirtyReplicaSets.insert(ObjectKey(namespace: runtime.key.namespace, name: rs)) }
            // Capacity freed: pods held for a claim's node may go on.
            releaseHeld(namespace: runtime.key.namespace)
            return
        default:
            return
        }
        podRuntime[uid] = runtime
    }

    func releaseHeld(namespace: String) {
        for uid in heldPods.sorted() {
            guard let r = podRuntime[uid], r.key.namespace == namespace, let pod = object(.pods, r.key) else { continue }
            startPod(pod)
        }
    }

    func condition(_ type: String, _ ok: Bool, _ stamp: String, reason: String? = nil, message: String? = nil) -> JSONValue {
        var c: JSONObject = ["type": .string(type), "status": .string(ok ? "True" : "False"), "lastProbeTime": .null,
                             "lastTransitionTime": .string(stamp)]
        if let reason { c["reason"] = .string(reason) }
        if let message { c["message"] = .string(message) }
        return .object(c)
    }

    func containerStatus(_ container: JSONValue, state: JSONValue, ready: Bool, started: Bool) -> JSONValue {
        let image = container["image"]?.string ?? ""
        var s: JSONObject = ["name": container["name"] ?? "main", "state": state, "lastState": .object(JSONObject()),
                             "ready": .bool(ready), "restartCount": 0, "image": .string(image)]
        s["imageID"] = started ? .string("\(image)@sha256:\(digestText(image))") : ""
        if started { s["containerID"] = .string("containerd://\(digestText(image + (container["name"]?.string ?? "")))") }
        s["started"] = .bool(started)
        return .object(s)
    }

    func digestText(_ text: String) -> String { String(repeating: Self.hex16(FNV.hash64(text)), count: 4) }

    /// Go's `time.Duration` text for kubelet messages ("2.1s", "512ms").
    static func goDuration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.3gs", seconds) }
        let m = Int(seconds / 60)
        return "\(m)m\(String(format: "%.3g", seconds - Double(m * 60)))s"
    }
}

extension Format {
    static func bytesText(_ bytes: Int64) -> String {
        bytes >= 1_000_000_000 ? String(format: "%.1f GB", Double(bytes) / 1e9) : "\(bytes / 1_000_000) MB"
    }
}

/// FNV-1a: deterministic, dependency-free hashes for names, digests and checksums (not security).
enum FNV {
    static func hash64(_ text: String) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 1_099_511_628_211
        }
        return h
    }

    static func hash32(_ text: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in text.utf8 {
            h ^= UInt32(b)
            h = h &* 16_777_619
        }
        return h
    }
}
