import Blueprint
import Cluster
import Foundation
import Simulation

/// What the live playground is built from.
public struct PlaygroundConfig: Sendable {
    /// Nodes, registries, kubelet settings and known images (their sizes), and the seed.
    public var scenario: ClusterScenario
    /// The wall-clock time of virtual time zero (object timestamps are epoch + virtual time).
    public var epoch: Date
    /// Size of an image the scenario does not declare and no annotation sizes.
    public var defaultImageSize: Int64 = 500_000_000
    /// Container start after the image is present.
    public var startup: Distribution = .lognormal(median: 1, sigma: 0.2, min: 0.3, max: 5)
    /// Time from start to ready when the container has no readiness probe delay.
    public var setup: Distribution = .constant(2)
    /// Seconds between a pod's deletion and its removal.
    public var terminationGrace: Double = 1
    /// The controller manager's API client: pod creations and deletions per second the
    /// ReplicaSet controller may make, and the burst it may make at once (kube-controller-manager's
    /// `--kube-api-qps` 20 and `--kube-api-burst` 30). A rate of 0 lifts the limit.
    public var controllerQPS: Double = 20
    public var controllerBurst: Int = 30

    public init(scenario: ClusterScenario, epoch: Date) {
        self.scenario = scenario
        self.epoch = epoch
    }
}

/// The playground's cluster: API objects in a store, reconciled by controllers on virtual
/// time, with the simulator as scheduler and kubelets. Not thread-safe: ``LivePlayground``
/// owns one and serialises every call.
final class APIState {
    let config: PlaygroundConfig
    var store = ObjectStore()
    var sim: ClusterSimulator
    /// Simulator events not yet turned into API state.
    let inbox = EventInbox()
    var random: RandomSource
    var now: SimTime = .zero
    private var lastStamp: (second: Int64, text: String) = (.min, "")
    /// The last template hashed per Deployment uid, and the last containers' requests summed
    /// (the pods of one template share them).
    var templateHashes: [ObjectKey: (template: JSONValue, hash: String)] = [:]
    var lastRequests: (containers: JSONValue, resources: Resources)?
    /// Called after every move of virtual time (the playground's summary cache, in manual time).
    var onTimeMoved: ((SimTime) -> Void)?
    /// Timers of the controllers (pod removal after grace, HPA ticks, namespace finalisation).
    var timers = EventQueue<Timer>()

    enum Timer {
        case hpaTick
        case endpointsSync
        /// The controller manager's client has tokens again: throttled ReplicaSets go on.
        case controllerTokens
    }
    /// The controller manager's client rate limit, and the ReplicaSets waiting for it.
    var controllerClient: ClientRateLimit
    var throttledReplicaSets: Set<ObjectKey> = []
    /// Endpoints are written in batches, at most once per ``endpointsBatch`` of virtual time.
    var endpointsSyncArmed = false
    static let endpointsBatch = SimTime.milliseconds(500)

    // Controller work queues.
    var dirtyDeployments: Set<ObjectKey> = []
    var dirtyReplicaSets: Set<ObjectKey> = []
    var dirtyEndpoints: Set<String> = []
    var dirtyClaims: Set<ObjectKey> = []
    var terminatingNamespaces: Set<String> = []
    /// Pods waiting for their claims to bind (or for an RWO claim's node to be known).
    var heldPods: Set<String> = []

    // The kubelet view: API pods by uid, and their simulated state.
    var podsByUID: ShardedDictionary<String, ObjectKey> = [:]
    var podRuntime = PodTable()
    /// Node names in order, their Internal IPs and pod IP counters.
    var nodeNames: [String] = []
    var nodeIndex: [String: Int] = [:]
    var nextPodIP: [Int] = []
    var usedNodePorts: Set<Int> = []
    var nextClusterIP = 2
    /// Where each ReadWriteOnce claim's pods run (the first consumer's node).
    var claimNodes: [ObjectKey: String] = [:]
    var imageSizes: [String: Int64] = [:]
    var metrics = PlaygroundMetrics()
    /// The last Event per (object, reason, message), so repeats are counted, and every Event in
    /// the order written (the oldest go past ``eventLimit``).
    var lastEvent: ShardedDictionary<String, String> = [:]
    var eventOrder: [(namespace: String, name: String, key: String)] = []
    var eventOrderHead = 0
    /// Warnings for the request being handled (the `Warning:` header).
    var warnings: [String] = []

    struct PodRuntime {
        var key: ObjectKey
        var uid: String
        /// The uid of the ReplicaSet that owns it, if any.
        var owner: String?
        var node: String?
        /// Why the scheduler could not place it, while it waits.
        var unschedulable: String?
        var scheduled = false
        var started = false
        var ready = false
        var failed: String?
        var deleting = false
        var inSimulator = false
        var pulling = false
        var image: String
        var requests: Resources
        var created: SimTime
        /// Ready, failed, unschedulable or waiting for its claim: nothing will happen to it by itself.
        var isSettled: Bool {
            failed != nil || !inSimulator || (ready && !deleting) || (!scheduled && unschedulable != nil)
        }
    }

    /// The kubelet view of every pod by uid, counting the pods still on their way somewhere.
    struct PodTable {
        private(set) var byUID: ShardedDictionary<String, PodRuntime> = [:]
        private(set) var unsettled = 0
        /// Per owning ReplicaSet: pods not being deleted, and of those the ready ones.
        private var byOwner: [String: (live: Int, ready: Int)] = [:]

        subscript(uid: String) -> PodRuntime? {
            get { byUID[uid] }
            set {
                if let old = byUID[uid] {
                    if !old.isSettled { unsettled -= 1 }
                    count(old, -1)
                }
                if let new = newValue {
                    if !new.isSettled { unsettled += 1 }
                    count(new, 1)
                }
                byUID[uid] = newValue
            }
        }

        private mutating func count(_ r: PodRuntime, _ sign: Int) {
            guard let owner = r.owner, !r.deleting else { return }
            var c = byOwner[owner] ?? (0, 0)
            c.live += sign
            if r.ready { c.ready += sign }
            byOwner[owner] = c.live == 0 && c.ready == 0 ? nil : c
        }

        /// Live and ready pods of a ReplicaSet.
        func counts(owner: String) -> (live: Int, ready: Int) { byOwner[owner] ?? (0, 0) }

        var values: [PodRuntime] { byUID.values }
    }

    init(config: PlaygroundConfig) throws {
        self.config = config
        controllerClient = ClientRateLimit(rate: config.controllerQPS, burst: config.controllerBurst)
        var scenario = config.scenario
        scenario.pods = []
        scenario.deletions = []
        scenario.functions = []
        scenario.workloads = []
        scenario.pipelines = []
        scenario.scaleCommands = []
        sim = try ClusterSimulator(scenario: scenario)
        random = RandomSource(seed: scenario.seed ^ 0x6b75_6265_7072_696e)
        for image in scenario.images {
            imageSizes[image.name] = image.variants.values.map { $0.reduce(0) { $0 + $1.sizeBytes } }.max() ?? 0
        }
        let inbox = self.inbox
        sim.onEvent = { inbox.records.append($0) }
        bootstrap()
    }

    // MARK: Time

    var wallNow: Date { config.epoch.addingTimeInterval(now.seconds) }
    var timestamp: String { timestamp(now) }
    /// The RFC 3339 text of a virtual time; the last second's text is kept, as a burst of
    /// changes stamps many objects with the same second.
    func timestamp(_ t: SimTime) -> String {
        let seconds = Int64(config.epoch.addingTimeInterval(t.seconds).timeIntervalSince1970.rounded(.down))
        if seconds == lastStamp.second { return lastStamp.text }
        let text = Timestamp.civil(seconds)
        lastStamp = (seconds, text)
        return text
    }

    /// When the next simulator event or timer is due (nil: nothing is scheduled).
    var nextDue: SimTime? { [sim.nextEventTime, timers.nextTime].compactMap { $0 }.min() }

    /// Moves virtual time to `target`, handling every simulator event and timer on the way
    /// at its own time, and reconciling after each instant.
    func advance(to target: SimTime) {
        guard target > now else { return }
        while true {
            let next = [sim.nextEventTime, timers.nextTime].compactMap { $0 }.min()
            guard let t = next, t <= target else { break }
            now = t
            // The simulator's clock moves to t even when only a timer fires, so what the
            // controllers submit now happens at t.
            sim.run(until: t)
            while let time = timers.nextTime, time <= t, let (_, timer) = timers.pop() { handle(timer) }
            absorbSimulatorEvents()
            reconcile()
        }
        now = target
        sim.run(until: target)
        absorbSimulatorEvents()
        reconcile()
        onTimeMoved?(now)
    }

    /// Whether nothing is left to happen but periodic ticks: no controller work queued and
    /// every pod ready, failed, unschedulable or waiting for its claim.
    var isIdle: Bool {
        guard dirtyDeployments.isEmpty, dirtyReplicaSets.isEmpty, dirtyEndpoints.isEmpty, dirtyClaims.isEmpty,
              terminatingNamespaces.isEmpty, throttledReplicaSets.isEmpty else { return false }
        return podRuntime.unsettled == 0
    }

    /// Runs until nothing is left to happen, or for at most `limit` of virtual time.
    func advanceUntilIdle(limit: SimTime) {
        let end = now + limit
        while now < end {
            reconcile()
            if isIdle { return }
            let next = [sim.nextEventTime, timers.nextTime].compactMap { $0 }.min() ?? end
            advance(to: min(max(next, now + SimTime(ticks: 1)), end))
        }
    }

    func handle(_ timer: Timer) {
        switch timer {
        case .hpaTick:
            autoscale()
            timers.schedule(.hpaTick, at: now + .seconds(15))
        case .endpointsSync:
            endpointsSyncArmed = false
            let namespaces = dirtyEndpoints.sorted()
            dirtyEndpoints = []
            for ns in namespaces { syncEndpoints(namespace: ns) }
        case .controllerTokens:
            dirtyReplicaSets.formUnion(throttledReplicaSets)
            throttledReplicaSets = []
        }
    }

    // MARK: Set-up

    func bootstrap() {
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            var ns = newObject(.namespaces, name: name, namespace: nil)
            ns["spec"] = .object(["finalizers": .array(["kubernetes"])])
            ns["status"] = .object(["phase": "Active"])
            ns.set(["metadata", "labels"], .object(["kubernetes.io/metadata.name": .string(name)]))
            store.put(.namespaces, ns, added: true)
        }
        for (i, node) in sim.liveNodes.enumerated() {
            nodeNames.append(node.name)
            nodeIndex[node.name] = i
            nextPodIP.append(2)
            store.put(.nodes, nodeObject(node, index: i), added: true)
        }
        var sc = newObject(.storageClasses, name: "standard", namespace: nil)
        sc.set(["metadata", "annotations"], .object(["storageclass.kubernetes.io/is-default-class": "true"]))
        sc["provisioner"] = "playground.kubeprint.io/simulated"
        sc["reclaimPolicy"] = "Delete"
        sc["volumeBindingMode"] = "Immediate"
        sc["allowVolumeExpansion"] = true
        store.put(.storageClasses, sc, added: true)
        var kubernetes = newObject(.services, name: "kubernetes", namespace: "default")
        kubernetes["spec"] = .object([
            "clusterIP": "10.96.0.1", "clusterIPs": .array(["10.96.0.1"]), "type": "ClusterIP",
            "ports": .array([.object(["name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443])]),
            "sessionAffinity": "None", "ipFamilies": .array(["IPv4"]), "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
        ])
        kubernetes["status"] = .object(["loadBalancer": .object(JSONObject())])
        store.put(.services, kubernetes, added: true)
        for sa in ["default"] {
            for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                store.put(.serviceAccounts, newObject(.serviceAccounts, name: sa, namespace: ns), added: true)
            }
        }
        timers.schedule(.hpaTick, at: .seconds(15))
    }

    func nodeObject(_ node: LiveNodeState, index i: Int) -> JSONObject {
        var o = newObject(.nodes, name: node.name, namespace: nil)
        let spec = config.scenario.nodes.first { $0.name == node.name }
        var labels = spec?.effectiveLabels ?? [:]
        labels["kubernetes.io/os"] = "linux"
        labels["beta.kubernetes.io/os"] = "linux"
        o.set(["metadata", "labels"], .object(.strings(labels)))
        o["spec"] = .object(["podCIDR": .string("10.244.\(i).0/24"), "podCIDRs": .array([.string("10.244.\(i).0/24")])])
        let capacity: JSONObject = [
            "cpu": .string(Format.cpu(node.capacity.cpuMillis)), "memory": .string(Format.memory(node.capacity.memoryBytes)),
            "pods": .int(spec?.maxPods ?? 110),
            "ephemeral-storage": .string(Format.memory(spec?.diskBytes ?? 100_000_000_000)),
        ]
        let t = timestamp
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            .object(["type": .string(type), "status": .string(status), "lastHeartbeatTime": .string(t), "lastTransitionTime": .string(t),
                     "reason": .string(reason), "message": .string(message)])
        }
        o["status"] = .object([
            "capacity": .object(capacity), "allocatable": .object(capacity),
            "conditions": .array([
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", node.isUp ? "True" : "False", node.isUp ? "KubeletReady" : "NodeStatusUnknown",
                          node.isUp ? "kubelet is posting ready status" : "Kubelet stopped posting node status."),
            ]),
            "addresses": .array([
                .object(["type": "InternalIP", "address": .string(nodeIP(i))]),
                .object(["type": "Hostname", "address": .string(node.name)]),
            ]),
            "nodeInfo": .object([
                "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0", "containerRuntimeVersion": "containerd://1.7.24-simulated",
                "osImage": "kubeprint simulated node", "kernelVersion": "6.1.0-simulated", "operatingSystem": "linux",
                "architecture": .string(spec?.architecture.kubernetesName ?? "amd64"),
                "machineID": "", "systemUUID": "", "bootID": "",
            ]),
        ])
        return o
    }

    func nodeIP(_ i: Int) -> String { "10.0.\(i / 250).\(i % 250 + 2)" }

    // MARK: Objects

    /// A new object's skeleton with the server-set metadata.
    /// A new object's apiVersion, kind and metadata, built member by member (no key look-ups).
    func newObject(_ type: ResourceType, name: String, namespace: String?, created: String? = nil) -> JSONObject {
        var metadata: [JSONObject.Member] = [.init(key: "name", value: .string(name))]
        if type.namespaced, let namespace { metadata.append(.init(key: "namespace", value: .string(namespace))) }
        metadata.append(.init(key: "uid", value: .string(newUID())))
        metadata.append(.init(key: "creationTimestamp", value: .string(created ?? timestamp)))
        return JSONObject([.init(key: "apiVersion", value: .string(type.groupVersion)), .init(key: "kind", value: .string(type.kind)),
                           .init(key: "metadata", value: .object(JSONObject(metadata)))])
    }

    /// A version-4 style UUID from the playground's seeded random source (deterministic runs).
    /// (`xxxxxxxx-xxxx-4xxx-axxx-xxxxxxxxxxxx` from 128 random bits; built from bytes, as
    /// every pod and event needs one and a formatter per call showed in profiles of large rollouts.)
    func newUID() -> String {
        let a = random.next()
        let b = random.next()
        var digits = [UInt8](repeating: 0, count: 32)
        Self.writeHex(a, into: &digits, at: 0)
        Self.writeHex(b, into: &digits, at: 16)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        let dash = UInt8(ascii: "-")
        out += digits[0..<8]
        out.append(dash)
        out += digits[8..<12]
        out.append(dash)
        out.append(UInt8(ascii: "4"))
        out += digits[13..<16]
        out.append(dash)
        out.append(UInt8(ascii: "a"))
        out += digits[17..<20]
        out.append(dash)
        out += digits[20..<32]
        return String(decoding: out, as: UTF8.self)
    }

    /// The 16 lower-case hexadecimal digits of `value` (leading zeros kept), as `%016llx`.
    static func hex16(_ value: UInt64) -> String {
        var digits = [UInt8](repeating: 0, count: 16)
        writeHex(value, into: &digits, at: 0)
        return String(decoding: digits, as: UTF8.self)
    }

    static func writeHex(_ value: UInt64, into digits: inout [UInt8], at start: Int) {
        for i in 0..<16 {
            let nibble = UInt8((value >> UInt64(60 - 4 * i)) & 0xF)
            digits[start + i] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
    }

    /// kube's random name suffix alphabet (no vowels, no confusable digits).
    static let suffixAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    func randomSuffix(_ length: Int) -> String {
        String((0..<length).map { _ in Self.suffixAlphabet[Int(random.next() % UInt64(Self.suffixAlphabet.count))] })
    }

    func object(_ type: ResourceType, _ key: ObjectKey) -> JSONObject? { store.get(type, key.namespace, key.name)?.object }
}

/// A namespaced object's address.
struct ObjectKey: Hashable, Comparable, Sendable {
    var namespace: String
    var name: String
    static func < (a: ObjectKey, b: ObjectKey) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
}

/// Collects the simulator's event records between runs (the simulator calls back synchronously).
final class EventInbox {
    var records: [ClusterEventRecord] = []
}

/// Quantities written the way the API server formats them.
enum Format {
    static func cpu(_ millis: Int64) -> String { millis % 1000 == 0 ? String(millis / 1000) : "\(millis)m" }

    static func memory(_ bytes: Int64) -> String {
        let units: [(String, Int64)] = [("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)]
        for (suffix, size) in units where bytes >= size && bytes % size == 0 { return "\(bytes / size)\(suffix)" }
        return String(bytes)
    }
}
