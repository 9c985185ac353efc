// The meta.k8s.io/v1 Table that `kubectl get` asks for and prints. The columns, their types and
// priorities, and the way every cell is computed follow kube-apiserver v1.32's built-in printers,
// so that `kubectl get` (and `-o wide`) look as they do against a real cluster.
import Blueprint
import Foundation

/// Server-side printing of objects as meta.k8s.io/v1 Tables.
public enum Tables {
    /// The meta.k8s.io/v1 Table kubectl prints for `kubectl get <resource>` (and `-o wide`: columns with priority 1),
    /// for the given objects in Kubernetes JSON shape.
    ///
    /// `resource` is the plural lower-case name ("pods", "deployments", "replicasets", "services", "endpoints",
    /// "nodes", "namespaces", "events", "persistentvolumeclaims", "storageclasses", "horizontalpodautoscalers");
    /// any other resource gets Name + Age. Every row carries all cells, wide ones included, as the real server
    /// does; kubectl hides the priority-1 columns unless `-o wide` is given.
    /// `now` is the current (virtual) wall-clock time used for AGE columns; timestamps in objects are RFC 3339
    /// strings like "2026-12-02T13:40:00Z".
    public static func table(resource: String, objects: [JSONObject], now: Date, resourceVersion: String) -> JSONValue {
        let printer = Printer(now: now)
        let columns: [Column]
        let rowCells: (JSONObject) -> [JSONValue]
        switch resource {
        case "pods": columns = Column.pods; rowCells = printer.pod
        case "deployments": columns = Column.deployments; rowCells = printer.deployment
        case "replicasets": columns = Column.replicaSets; rowCells = printer.replicaSet
        case "services": columns = Column.services; rowCells = printer.service
        case "endpoints": columns = Column.endpoints; rowCells = printer.endpoints
        case "nodes": columns = Column.nodes; rowCells = printer.node
        case "namespaces": columns = Column.namespaces; rowCells = printer.namespace
        case "events": columns = Column.events; rowCells = printer.event
        case "persistentvolumeclaims": columns = Column.persistentVolumeClaims; rowCells = printer.persistentVolumeClaim
        case "storageclasses": columns = Column.storageClasses; rowCells = printer.storageClass
        case "horizontalpodautoscalers": columns = Column.horizontalPodAutoscalers; rowCells = printer.horizontalPodAutoscaler
        default: columns = Column.generic; rowCells = printer.generic
        }
        let namespaced = !clusterScoped.contains(resource)
        let rows: [JSONValue] = objects.map { object in
            var row = JSONObject()
            row["cells"] = .array(rowCells(object))
            if resource == "pods", let conditions = podRowConditions(object) {
                row["conditions"] = conditions
            }
            row["object"] = .object(partialObjectMetadata(object, namespaced: namespaced))
            return .object(row)
        }
        return .object(JSONObject([
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": .object(JSONObject(["resourceVersion": .string(resourceVersion)])),
            "columnDefinitions": .array(columns.map(\.json)),
            "rows": .array(rows),
        ]))
    }

    /// kubectl's human duration ("0s", "59s", "2m3s", "10m", "3h4m", "5d", "2y3d"): a port of
    /// k8s.io/apimachinery/pkg/util/duration.HumanDuration, thresholds included. Negative durations
    /// beyond the tolerated clock skew of one second print "<invalid>".
    public static func humanDuration(_ seconds: Double) -> String {
        // Go works on a Duration in whole nanoseconds and truncates every division toward zero.
        // Out-of-range values saturate as a Duration would.
        let scaled = seconds * 1e9
        let nanos: Int64
        if scaled.isNaN {
            nanos = 0
        } else if scaled >= Double(Int64.max) {
            nanos = Int64.max
        } else if scaled <= Double(Int64.min) {
            nanos = Int64.min
        } else {
            nanos = Int64(scaled)
        }
        let second: Int64 = 1_000_000_000
        let wholeSeconds = nanos / second
        if wholeSeconds < -1 {
            return "<invalid>"
        } else if wholeSeconds < 0 {
            return "0s"
        } else if wholeSeconds < 60 * 2 {
            return "\(wholeSeconds)s"
        }
        let minutes = nanos / (60 * second)
        if minutes < 10 {
            let s = wholeSeconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        } else if minutes < 60 * 3 {
            return "\(minutes)m"
        }
        let hours = nanos / (3600 * second)
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        } else if hours < 48 {
            return "\(hours)h"
        } else if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        } else if hours < 24 * 365 * 2 {
            return "\(hours / 24)d"
        } else if hours < 24 * 365 * 8 {
            let dy = (hours / 24) % 365
            return dy == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(dy)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// Resources without a namespace: their row objects carry no `metadata.namespace`.
    static let clusterScoped: Set<String> = ["nodes", "namespaces", "storageclasses", "persistentvolumes"]

    /// The row's `object`: the object's metadata as a PartialObjectMetadata, which kubectl reads for
    /// the `-A` NAMESPACE column and for `--show-labels`.
    static func partialObjectMetadata(_ object: JSONObject, namespaced: Bool) -> JSONObject {
        let source = object["metadata"]?.object ?? JSONObject()
        var metadata = JSONObject()
        for key in ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "labels"] {
            if key == "namespace" && !namespaced { continue }
            if let value = source[key] { metadata[key] = value }
        }
        return JSONObject([
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": .object(metadata),
        ])
    }

    /// The real printer marks finished pods' rows with a Completed condition.
    static func podRowConditions(_ pod: JSONObject) -> JSONValue? {
        let phase = pod.path("status", "phase")?.string
        let (reason, message): (String, String)
        switch phase {
        case "Succeeded": (reason, message) = ("Succeeded", "The pod has completed successfully.")
        case "Failed": (reason, message) = ("Failed", "The pod failed.")
        default: return nil
        }
        return .array([.object(JSONObject([
            "type": "Completed", "status": "True", "reason": .string(reason), "message": .string(message),
        ]))])
    }
}

// MARK: - Column definitions

extension Tables {
    /// One `columnDefinitions` entry.
    struct Column {
        var name: String
        var type: String
        var format: String = ""
        var description: String
        var priority: Int = 0

        var json: JSONValue {
            .object(JSONObject([
                "name": .string(name), "type": .string(type), "format": .string(format),
                "description": .string(description), "priority": .number(String(priority)),
            ]))
        }

        static let nameDoc = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
        static let ageDoc = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

        static let name = Column(name: "Name", type: "string", format: "name", description: nameDoc)
        static let age = Column(name: "Age", type: "string", description: ageDoc)
        static func string(_ name: String, _ description: String, priority: Int = 0) -> Column {
            Column(name: name, type: "string", description: description, priority: priority)
        }
        static func integer(_ name: String, _ description: String) -> Column {
            Column(name: name, type: "integer", description: description)
        }
        static let containers = string("Containers", "Names of each container in the template.", priority: 1)
        static let images = string("Images", "Images referenced by each container in the template.", priority: 1)

        static let generic: [Column] = [name, age]

        static let pods: [Column] = [
            name,
            string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            string("Status", "The aggregate status of the containers in this pod."),
            string("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            age,
            string("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", priority: 1),
            string("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for preemption by the scheduler.", priority: 1),
            string("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.", priority: 1),
            string("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", priority: 1),
        ]

        static let deployments: [Column] = [
            name,
            string("Ready", "Number of the pod with ready state"),
            string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            age,
            containers, images,
            string("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", priority: 1),
        ]

        static let replicaSets: [Column] = [
            name,
            integer("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1."),
            integer("Current", "Replicas is the most recently observed number of replicas."),
            integer("Ready", "The number of ready replicas for this replica set."),
            age,
            containers, images,
            string("Selector", "Selector is a label query over pods that should match the replica count.", priority: 1),
        ]

        static let services: [Column] = [
            name,
            string("Type", "type determines how the Service is exposed. Defaults to ClusterIP."),
            string("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
            string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            string("Port(s)", "The list of ports that are exposed by this service."),
            age,
            string("Selector", "Route service traffic to pods with label keys and values matching this selector.", priority: 1),
        ]

        static let endpoints: [Column] = [
            name,
            string("Endpoints", "The set of all endpoints is the union of all subsets."),
            age,
        ]

        static let nodes: [Column] = [
            name,
            string("Status", "The status of the node"),
            string("Roles", "The roles of the node"),
            age,
            string("Version", "Kubelet Version reported by the node."),
            string("Internal-IP", "List of addresses reachable to the node.", priority: 1),
            string("External-IP", "List of addresses reachable to the node.", priority: 1),
            string("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", priority: 1),
            string("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1),
            string("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", priority: 1),
        ]

        static let namespaces: [Column] = [
            name,
            string("Status", "The status of the namespace"),
            age,
        ]

        static let events: [Column] = [
            string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
            string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
            string("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            string("Object", "The object that this event is about."),
            string("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].", priority: 1),
            string("Source", "The component reporting this event. Should be a short machine understandable string.", priority: 1),
            string("Message", "A human-readable description of the status of this operation."),
            string("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", priority: 1),
            string("Count", "The number of times this event has occurred.", priority: 1),
            Column(name: "Name", type: "string", format: "name", description: nameDoc, priority: 1),
        ]

        static let persistentVolumeClaims: [Column] = [
            name,
            string("Status", "phase represents the current phase of PersistentVolumeClaim."),
            string("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            string("Capacity", "capacity represents the actual resources of the underlying volume."),
            string("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
            string("StorageClass", "StorageClass of the pvc"),
            string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
            age,
            string("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", priority: 1),
        ]

        static let storageClasses: [Column] = [
            name,
            string("Provisioner", "provisioner indicates the type of the provisioner."),
            string("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
            string("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used."),
            string("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
            age,
        ]

        static let horizontalPodAutoscalers: [Column] = [
            name,
            string("Reference", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
            string("Targets", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
            string("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod."),
            string("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas."),
            string("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            age,
        ]
    }
}

// MARK: - Cell computation

extension Tables {
    /// Computes each resource's cells the way kube-apiserver's printers do (always with the wide cells).
    struct Printer {
        var now: Date

        /// `translateTimestampSince`: "<unknown>" for a missing or unreadable timestamp.
        func since(_ timestamp: JSONValue?) -> String {
            guard let text = timestamp?.string, let date = RFC3339.parse(text) else { return "<unknown>" }
            return Tables.humanDuration(now.timeIntervalSince(date))
        }

        func age(_ object: JSONObject) -> String { since(object.path("metadata", "creationTimestamp")) }
        func name(_ object: JSONObject) -> String { object.path("metadata", "name")?.string ?? "" }

        func generic(_ object: JSONObject) -> [JSONValue] {
            [.string(name(object)), .string(age(object))]
        }

        // MARK: Pods

        func pod(_ pod: JSONObject) -> [JSONValue] {
            let spec = pod["spec"]?.object ?? JSONObject()
            let status = pod["status"]?.object ?? JSONObject()
            let podPhase = status["phase"]?.string ?? ""
            let conditions = status["conditions"]?.array ?? []
            let initSpecs = spec["initContainers"]?.array ?? []
            let initStatuses = status["initContainerStatuses"]?.array ?? []
            let containerStatuses = status["containerStatuses"]?.array ?? []

            var restarts = 0
            var restartableInitContainerRestarts = 0
            var totalContainers = spec["containers"]?.array?.count ?? 0
            var readyContainers = 0
            var lastRestartDate: Date?
            var lastRestartableInitContainerRestartDate: Date?

            var reason = podPhase
            if let statusReason = status["reason"]?.string, !statusReason.isEmpty { reason = statusReason }
            for condition in conditions where condition["type"]?.string == "PodScheduled" && condition["reason"]?.string == "SchedulingGated" {
                reason = "SchedulingGated"
            }

            var restartableInit: Set<String> = []
            for container in initSpecs where container["restartPolicy"]?.string == "Always" {
                restartableInit.insert(container["name"]?.string ?? "")
                totalContainers += 1
            }

            func lastFinished(_ container: JSONValue) -> Date? {
                guard let text = container["lastState"]?["terminated"]?["finishedAt"]?.string else { return nil }
                return RFC3339.parse(text)
            }
            func later(_ a: Date?, _ b: Date?) -> Date? {
                guard let b else { return a }
                guard let a else { return b }
                return a < b ? b : a
            }

            var initializing = false
            for (i, container) in initStatuses.enumerated() {
                let count = container["restartCount"]?.int ?? 0
                let restartable = restartableInit.contains(container["name"]?.string ?? "")
                restarts += count
                lastRestartDate = later(lastRestartDate, lastFinished(container))
                if restartable {
                    restartableInitContainerRestarts += count
                    lastRestartableInitContainerRestartDate = later(lastRestartableInitContainerRestartDate, lastFinished(container))
                }
                let state = container["state"]
                let terminated = state?["terminated"]?.object
                let waitingReason = state?["waiting"]?["reason"]?.string ?? ""
                if let terminated, (terminated["exitCode"]?.int ?? 0) == 0 {
                    continue
                } else if restartable, container["started"] == .bool(true) {
                    if container["ready"] == .bool(true) { readyContainers += 1 }
                    continue
                } else if let terminated {
                    let terminatedReason = terminated["reason"]?.string ?? ""
                    if terminatedReason.isEmpty {
                        let signal = terminated["signal"]?.int ?? 0
                        reason = signal != 0 ? "Init:Signal:\(signal)" : "Init:ExitCode:\(terminated["exitCode"]?.int ?? 0)"
                    } else {
                        reason = "Init:" + terminatedReason
                    }
                } else if !waitingReason.isEmpty && waitingReason != "PodInitializing" {
                    reason = "Init:" + waitingReason
                } else {
                    reason = "Init:\(i)/\(initSpecs.count)"
                }
                initializing = true
                break
            }

            let initializedTrue = conditions.contains { $0["type"]?.string == "Initialized" && $0["status"]?.string == "True" }
            if !initializing || initializedTrue {
                restarts = restartableInitContainerRestarts
                lastRestartDate = lastRestartableInitContainerRestartDate
                var hasRunning = false
                for container in containerStatuses.reversed() {
                    restarts += container["restartCount"]?.int ?? 0
                    lastRestartDate = later(lastRestartDate, lastFinished(container))
                    let state = container["state"]
                    let waitingReason = state?["waiting"]?["reason"]?.string ?? ""
                    let terminated = state?["terminated"]?.object
                    let terminatedReason = terminated?["reason"]?.string ?? ""
                    if !waitingReason.isEmpty {
                        reason = waitingReason
                    } else if terminated != nil && !terminatedReason.isEmpty {
                        reason = terminatedReason
                    } else if let terminated {
                        let signal = terminated["signal"]?.int ?? 0
                        reason = signal != 0 ? "Signal:\(signal)" : "ExitCode:\(terminated["exitCode"]?.int ?? 0)"
                    } else if container["ready"] == .bool(true), state?["running"] != nil {
                        hasRunning = true
                        readyContainers += 1
                    }
                }
                if reason == "Completed" && hasRunning {
                    let podReady = conditions.contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" }
                    reason = podReady ? "Running" : "NotReady"
                }
            }

            let deleting = pod.path("metadata", "deletionTimestamp").map { $0 != .null } ?? false
            if deleting && status["reason"]?.string == "NodeLost" {
                reason = "Unknown"
            } else if deleting && podPhase != "Failed" && podPhase != "Succeeded" {
                reason = "Terminating"
            }

            var restartsText = String(restarts)
            if restarts != 0, let lastRestartDate {
                restartsText = "\(restarts) (\(Tables.humanDuration(now.timeIntervalSince(lastRestartDate))) ago)"
            }

            var podIP = status["podIPs"]?.array?.first?["ip"]?.string ?? status["podIP"]?.string ?? ""
            if podIP.isEmpty { podIP = "<none>" }
            var nodeName = spec["nodeName"]?.string ?? ""
            if nodeName.isEmpty { nodeName = "<none>" }
            var nominatedNodeName = status["nominatedNodeName"]?.string ?? ""
            if nominatedNodeName.isEmpty { nominatedNodeName = "<none>" }
            var readinessGates = "<none>"
            let gates = spec["readinessGates"]?.array ?? []
            if !gates.isEmpty {
                var trueConditions = 0
                for gate in gates {
                    let type = gate["conditionType"]?.string
                    if let condition = conditions.first(where: { $0["type"]?.string == type }), condition["status"]?.string == "True" {
                        trueConditions += 1
                    }
                }
                readinessGates = "\(trueConditions)/\(gates.count)"
            }

            return [
                .string(name(pod)), .string("\(readyContainers)/\(totalContainers)"), .string(reason), .string(restartsText), .string(age(pod)),
                .string(podIP), .string(nodeName), .string(nominatedNodeName), .string(readinessGates),
            ]
        }

        // MARK: Workloads

        /// `layoutContainerCells`: container names and images, each joined with ",".
        func containerCells(_ object: JSONObject) -> (names: String, images: String) {
            let containers = object.path("spec", "template", "spec", "containers")?.array ?? []
            return (containers.map { $0["name"]?.string ?? "" }.joined(separator: ","),
                    containers.map { $0["image"]?.string ?? "" }.joined(separator: ","))
        }

        func deployment(_ object: JSONObject) -> [JSONValue] {
            let desired = object.path("spec", "replicas")?.int ?? 1
            let status = object["status"]
            let ready = status?["readyReplicas"]?.int ?? 0
            let updated = status?["updatedReplicas"]?.int ?? 0
            let available = status?["availableReplicas"]?.int ?? 0
            let (names, images) = containerCells(object)
            let selector = Selectors.labelSelectorString(object.path("spec", "selector")) ?? ""
            return [
                .string(name(object)), .string("\(ready)/\(desired)"), .number(String(updated)), .number(String(available)), .string(age(object)),
                .string(names), .string(images), .string(selector),
            ]
        }

        func replicaSet(_ object: JSONObject) -> [JSONValue] {
            let desired = object.path("spec", "replicas")?.int ?? 1
            let current = object.path("status", "replicas")?.int ?? 0
            let ready = object.path("status", "readyReplicas")?.int ?? 0
            let (names, images) = containerCells(object)
            return [
                .string(name(object)), .number(String(desired)), .number(String(current)), .number(String(ready)), .string(age(object)),
                .string(names), .string(images), .string(Selectors.formatLabelSelector(object.path("spec", "selector"))),
            ]
        }

        // MARK: Services and endpoints

        func service(_ object: JSONObject) -> [JSONValue] {
            let spec = object["spec"]?.object ?? JSONObject()
            let type = spec["type"]?.string ?? "ClusterIP"
            var internalIP = spec["clusterIPs"]?.array?.first?.string ?? spec["clusterIP"]?.string ?? ""
            if internalIP.isEmpty { internalIP = "<none>" }
            let externalIPs = (spec["externalIPs"]?.array ?? []).compactMap(\.string)
            let externalIP: String
            switch type {
            case "ClusterIP", "NodePort":
                externalIP = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
            case "LoadBalancer":
                // Wide output: the load balancer addresses are not clipped.
                var addresses = Set<String>()
                for ingress in object.path("status", "loadBalancer", "ingress")?.array ?? [] {
                    if let ip = ingress["ip"]?.string, !ip.isEmpty {
                        addresses.insert(ip)
                    } else if let host = ingress["hostname"]?.string, !host.isEmpty {
                        addresses.insert(host)
                    }
                }
                let lbIPs = addresses.sorted()
                if !externalIPs.isEmpty {
                    externalIP = (lbIPs + externalIPs).joined(separator: ",")
                } else {
                    externalIP = lbIPs.isEmpty ? "<pending>" : lbIPs.joined(separator: ",")
                }
            case "ExternalName":
                externalIP = spec["externalName"]?.string ?? ""
            default:
                externalIP = "<unknown>"
            }
            var ports = (spec["ports"]?.array ?? []).map { port -> String in
                let number = port["port"]?.int ?? 0
                let proto = port["protocol"]?.string ?? "TCP"
                let nodePort = port["nodePort"]?.int ?? 0
                return nodePort > 0 ? "\(number):\(nodePort)/\(proto)" : "\(number)/\(proto)"
            }.joined(separator: ",")
            if ports.isEmpty { ports = "<none>" }
            return [
                .string(name(object)), .string(type), .string(internalIP), .string(externalIP), .string(ports), .string(age(object)),
                .string(Selectors.formatLabels(spec["selector"]?.object)),
            ]
        }

        func endpoints(_ object: JSONObject) -> [JSONValue] {
            [.string(name(object)), .string(Self.formatEndpoints(object["subsets"]?.array ?? [])), .string(age(object))]
        }

        /// `formatEndpoints` with all ports: at most three "ip:port" entries, then " + N more...".
        static func formatEndpoints(_ subsets: [JSONValue]) -> String {
            if subsets.isEmpty { return "<none>" }
            var list: [String] = []
            let max = 3
            var more = false
            var count = 0
            for subset in subsets {
                let addresses = subset["addresses"]?.array ?? []
                let ports = subset["ports"]?.array ?? []
                if ports.isEmpty {
                    count += addresses.count
                    for address in addresses {
                        if list.count == max { more = true; break }
                        list.append(address["ip"]?.string ?? "")
                    }
                    continue
                }
                for port in ports {
                    count += addresses.count
                    for address in addresses {
                        if list.count == max { more = true; break }
                        list.append(joinHostPort(address["ip"]?.string ?? "", port["port"]?.int ?? 0))
                    }
                }
            }
            let joined = list.joined(separator: ",")
            return more ? "\(joined) + \(count - max) more..." : joined
        }

        /// Go's `net.JoinHostPort`: IPv6 hosts in brackets.
        static func joinHostPort(_ host: String, _ port: Int) -> String {
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }

        // MARK: Cluster objects

        func node(_ object: JSONObject) -> [JSONValue] {
            let status = object["status"]?.object ?? JSONObject()
            var states: [String] = []
            // The last condition of a type wins, as in the printer's condition map.
            if let ready = (status["conditions"]?.array ?? []).last(where: { $0["type"]?.string == "Ready" }) {
                states.append(ready["status"]?.string == "True" ? "Ready" : "NotReady")
            }
            if states.isEmpty { states.append("Unknown") }
            if object.path("spec", "unschedulable") == .bool(true) { states.append("SchedulingDisabled") }

            var roles = Set<String>()
            for member in object.path("metadata", "labels")?.object?.members ?? [] {
                if member.key.hasPrefix("node-role.kubernetes.io/") {
                    let role = String(member.key.dropFirst("node-role.kubernetes.io/".count))
                    if !role.isEmpty { roles.insert(role) }
                } else if member.key == "kubernetes.io/role", let value = member.value.string, !value.isEmpty {
                    roles.insert(value)
                }
            }
            let rolesText = roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")

            let info = status["nodeInfo"]?.object ?? JSONObject()
            func infoField(_ key: String) -> String {
                let value = info[key]?.string ?? ""
                return value.isEmpty ? "<unknown>" : value
            }
            func address(_ type: String) -> String {
                (status["addresses"]?.array ?? []).first(where: { $0["type"]?.string == type })?["address"]?.string ?? "<none>"
            }
            return [
                .string(name(object)), .string(states.joined(separator: ",")), .string(rolesText), .string(age(object)),
                .string(info["kubeletVersion"]?.string ?? ""),
                .string(address("InternalIP")), .string(address("ExternalIP")),
                .string(infoField("osImage")), .string(infoField("kernelVersion")), .string(infoField("containerRuntimeVersion")),
            ]
        }

        func namespace(_ object: JSONObject) -> [JSONValue] {
            [.string(name(object)), .string(object.path("status", "phase")?.string ?? ""), .string(age(object))]
        }

        // MARK: Events

        func event(_ object: JSONObject) -> [JSONValue] {
            let firstTimestampValue = object["firstTimestamp"]
            var firstTimestamp = since(firstTimestampValue)
            if Self.isZeroTime(firstTimestampValue) { firstTimestamp = since(object["eventTime"]) }
            var lastTimestamp = since(object["lastTimestamp"])
            if Self.isZeroTime(object["lastTimestamp"]) { lastTimestamp = firstTimestamp }

            var count = object["count"]?.int ?? 0
            if let series = object["series"]?.object {
                lastTimestamp = since(series["lastObservedTime"])
                count = series["count"]?.int ?? 0
            } else if count == 0 {
                count = 1
            }

            let involved = object["involvedObject"]?.object ?? JSONObject()
            let kind = (involved["kind"]?.string ?? "").lowercased()
            let involvedName = involved["name"]?.string ?? ""
            let target = involvedName.isEmpty ? kind : "\(kind)/\(involvedName)"

            let source = object["source"]?.object
            let component = Self.firstNonEmpty(source?["component"]?.string, object["reportingComponent"]?.string)
            let instance = Self.firstNonEmpty(source?["host"]?.string, object["reportingInstance"]?.string)
            let sourceText = instance.isEmpty ? component : "\(component), \(instance)"
            let message = (object["message"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines)

            return [
                .string(lastTimestamp), .string(object["type"]?.string ?? ""), .string(object["reason"]?.string ?? ""), .string(target),
                .string(involved["fieldPath"]?.string ?? ""), .string(sourceText), .string(message),
                .string(firstTimestamp), .number(String(count)), .string(name(object)),
            ]
        }

        static func isZeroTime(_ value: JSONValue?) -> Bool {
            guard let text = value?.string, !text.isEmpty else { return true }
            return RFC3339.parse(text) == nil
        }

        static func firstNonEmpty(_ values: String?...) -> String {
            values.first { !($0 ?? "").isEmpty }.flatMap { $0 } ?? ""
        }

        // MARK: Storage

        /// `GetAccessModesAsString`: the modes present, in the fixed order RWO, ROX, RWX, RWOP.
        static func accessModes(_ modes: [JSONValue]) -> String {
            let present = Set(modes.compactMap(\.string))
            return [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
                .filter { present.contains($0.0) }.map(\.1).joined(separator: ",")
        }

        func persistentVolumeClaim(_ object: JSONObject) -> [JSONValue] {
            let spec = object["spec"]?.object ?? JSONObject()
            let status = object["status"]?.object ?? JSONObject()
            var phase = status["phase"]?.string ?? ""
            if let deletion = object.path("metadata", "deletionTimestamp"), deletion != .null { phase = "Terminating" }
            let volumeName = spec["volumeName"]?.string ?? ""
            var capacity = ""
            var modes = ""
            if !volumeName.isEmpty {
                modes = Self.accessModes(status["accessModes"]?.array ?? [])
                capacity = status["capacity"]?["storage"]?.quantityText ?? "0"
            }
            let storageClass = object.path("metadata", "annotations", "volume.beta.kubernetes.io/storage-class")?.string
                ?? spec["storageClassName"]?.string ?? ""
            let attributesClass = spec["volumeAttributesClassName"]?.string ?? "<unset>"
            let volumeMode = spec["volumeMode"]?.string ?? "<unset>"
            return [
                .string(name(object)), .string(phase), .string(volumeName), .string(capacity), .string(modes),
                .string(storageClass), .string(attributesClass), .string(age(object)), .string(volumeMode),
            ]
        }

        func storageClass(_ object: JSONObject) -> [JSONValue] {
            var displayName = name(object)
            let annotations = object.path("metadata", "annotations")?.object
            if annotations?["storageclass.kubernetes.io/is-default-class"]?.string == "true"
                || annotations?["storageclass.beta.kubernetes.io/is-default-class"]?.string == "true" {
                displayName += " (default)"
            }
            let allowExpansion = object["allowVolumeExpansion"] == .bool(true)
            return [
                .string(displayName), .string(object["provisioner"]?.string ?? ""),
                .string(object["reclaimPolicy"]?.string ?? "Delete"), .string(object["volumeBindingMode"]?.string ?? "Immediate"),
                .bool(allowExpansion), .string(age(object)),
            ]
        }

        // MARK: Autoscalers

        func horizontalPodAutoscaler(_ object: JSONObject) -> [JSONValue] {
            let spec = object["spec"]?.object ?? JSONObject()
            let status = object["status"]?.object ?? JSONObject()
            let reference = "\(spec["scaleTargetRef"]?["kind"]?.string ?? "")/\(spec["scaleTargetRef"]?["name"]?.string ?? "")"
            let minPods = spec["minReplicas"]?.int.map(String.init) ?? "<unset>"
            let maxPods = spec["maxReplicas"]?.int ?? 0
            let current = status["currentReplicas"]?.int ?? 0
            return [
                .string(name(object)), .string(reference), .string(Self.hpaTargets(spec: spec, status: status)),
                .string(minPods), .number(String(maxPods)), .number(String(current)), .string(age(object)),
            ]
        }

        /// `formatHPAMetrics` over autoscaling/v2 metrics; an autoscaling/v1 object's
        /// targetCPUUtilizationPercentage is read as the single cpu Utilization metric it converts to.
        static func hpaTargets(spec: JSONObject, status: JSONObject) -> String {
            var specs = spec["metrics"]?.array ?? []
            var statuses = status["currentMetrics"]?.array ?? []
            if spec["metrics"] == nil, let target = spec["targetCPUUtilizationPercentage"]?.int {
                specs = [.object(JSONObject([
                    "type": "Resource",
                    "resource": .object(JSONObject([
                        "name": "cpu",
                        "target": .object(JSONObject(["type": "Utilization", "averageUtilization": .number(String(target))])),
                    ])),
                ]))]
                if let currentCPU = status["currentCPUUtilizationPercentage"]?.int {
                    statuses = [.object(JSONObject([
                        "type": "Resource",
                        "resource": .object(JSONObject([
                            "name": "cpu",
                            "current": .object(JSONObject(["averageUtilization": .number(String(currentCPU))])),
                        ])),
                    ]))]
                }
            }
            if specs.isEmpty { return "<none>" }
            var list: [String] = []
            for (i, metric) in specs.enumerated() {
                let metricStatus: JSONValue? = i < statuses.count ? statuses[i] : nil
                func q(_ value: JSONValue?) -> String { value?.quantityText ?? "0" }
                switch metric["type"]?.string {
                case "External", "Object":
                    let key = metric["type"]?.string == "External" ? "external" : "object"
                    let target = metric[key]?["target"]
                    if let average = target?["averageValue"] {
                        let currentValue = metricStatus?[key]?["current"]?["averageValue"]
                        list.append("\(currentValue.map { q($0) } ?? "<unknown>")/\(q(average)) (avg)")
                    } else {
                        let currentValue = metricStatus?[key].map { q($0["current"]?["value"]) } ?? "<unknown>"
                        list.append("\(currentValue)/\(q(target?["value"]))")
                    }
                case "Pods":
                    let currentValue = metricStatus?["pods"].map { q($0["current"]?["averageValue"]) } ?? "<unknown>"
                    list.append("\(currentValue)/\(q(metric["pods"]?["target"]?["averageValue"]))")
                case "Resource", "ContainerResource":
                    let key = metric["type"]?.string == "Resource" ? "resource" : "containerResource"
                    let source = metric[key]
                    let resourceName = source?["name"]?.string ?? ""
                    if let average = source?["target"]?["averageValue"] {
                        let currentValue = metricStatus?[key].map { q($0["current"]?["averageValue"]) } ?? "<unknown>"
                        list.append("\(resourceName): \(currentValue)/\(q(average))")
                    } else {
                        let currentValue = metricStatus?[key]?["current"]?["averageUtilization"]?.int.map { "\($0)%" } ?? "<unknown>"
                        let target = source?["target"]?["averageUtilization"]?.int.map { "\($0)%" } ?? "<auto>"
                        list.append("\(resourceName): \(currentValue)/\(target)")
                    }
                default:
                    list.append("<unknown type>")
                }
            }
            let max = 2
            if list.count > max {
                return list[..<max].joined(separator: ", ") + " + \(list.count - max) more..."
            }
            return list.joined(separator: ", ")
        }
    }
}

// MARK: - Selectors

extension Tables {
    /// Label and selector formatting from k8s.io/apimachinery.
    enum Selectors {
        /// `labels.FormatLabels`: "k=v" sorted by key, joined with ","; "<none>" when empty.
        static func formatLabels(_ labels: JSONObject?) -> String {
            let pairs = (labels?.members ?? []).map { "\($0.key)=\($0.value.string ?? "")" }.sorted()
            return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
        }

        /// `LabelSelectorAsSelector(s).String()`: requirements sorted by key; nil for an absent selector
        /// (which the Go code renders through labels.Nothing()).
        static func labelSelectorString(_ selector: JSONValue?) -> String? {
            guard let selector = selector?.object else { return nil }
            var requirements: [(key: String, text: String)] = []
            for member in selector["matchLabels"]?.object?.members ?? [] {
                requirements.append((member.key, "\(member.key)=\(member.value.string ?? "")"))
            }
            for expression in selector["matchExpressions"]?.array ?? [] {
                let key = expression["key"]?.string ?? ""
                let values = (expression["values"]?.array ?? []).compactMap(\.string).sorted()
                switch expression["operator"]?.string {
                case "In": requirements.append((key, "\(key) in (\(values.joined(separator: ",")))"))
                case "NotIn": requirements.append((key, "\(key) notin (\(values.joined(separator: ",")))"))
                case "Exists": requirements.append((key, key))
                case "DoesNotExist": requirements.append((key, "!" + key))
                default: return "<invalid>"
                }
            }
            // Go sorts requirements by key only, with a stable order for equal keys.
            let sorted = requirements.enumerated().sorted { a, b in
                a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
            }
            return sorted.map(\.element.text).joined(separator: ",")
        }

        /// `metav1.FormatLabelSelector`: "<none>" for an absent or empty selector.
        static func formatLabelSelector(_ selector: JSONValue?) -> String {
            guard let text = labelSelectorString(selector), !text.isEmpty else { return "<none>" }
            return text
        }
    }
}

// MARK: - JSON helpers

fileprivate extension JSONObject {
    /// The value at a path of object keys.
    func path(_ keys: String...) -> JSONValue? {
        var current: JSONValue = .object(self)
        for key in keys {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }
}

fileprivate extension JSONValue {
    /// A quantity as text: strings as written, numbers as their JSON text.
    var quantityText: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        default: return nil
        }
    }
}

extension Tables {
    /// RFC 3339 timestamps as Kubernetes writes them ("2026-12-02T13:40:00Z", with optional fraction and offset).
    enum RFC3339 {
        static func parse(_ text: String) -> Date? {
            let bytes = Array(text.utf8)
            func number(_ start: Int, _ length: Int) -> Int? {
                guard start + length <= bytes.count else { return nil }
                var value = 0
                for byte in bytes[start..<(start + length)] {
                    guard byte >= 48 && byte <= 57 else { return nil }
                    value = value * 10 + Int(byte - 48)
                }
                return value
            }
            guard bytes.count >= 20,
                  let year = number(0, 4), bytes[4] == UInt8(ascii: "-"),
                  let month = number(5, 2), bytes[7] == UInt8(ascii: "-"),
                  let day = number(8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                  let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"),
                  let minute = number(14, 2), bytes[16] == UInt8(ascii: ":"),
                  let second = number(17, 2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
            else { return nil }
            var index = 19
            var fraction = 0.0
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let start = index
                while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                if index == start { return nil }
            }
            guard index < bytes.count else { return nil }
            var offset = 0
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let offsetHours = number(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                      let offsetMinutes = number(index + 4, 2) else { return nil }
                offset = (offsetHours * 60 + offsetMinutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
            guard index == bytes.count else { return nil }
            // Days since 1970-01-01 in the proleptic Gregorian calendar.
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
            return Date(timeIntervalSince1970: seconds)
        }
    }
}
