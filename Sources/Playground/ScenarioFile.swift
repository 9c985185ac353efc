import Blueprint
import Cluster
import Foundation
import Simulation
import YAML

/// A scenario read from a YAML file: the cluster to simulate and how long to run it.
///
/// ```yaml
/// seed: 42
/// until: 10m
/// registries: [{name: hub, bandwidth: 1Gbps, roundTrip: 50ms}]
/// nodePools: [{name: edge, type: rpi4, count: 10}]
/// images: [{name: app, size: {x86_64: 200MB, arm32: 120MB}}]
/// deployments: [{name: web, image: app, replicas: 5, requests: {cpu: 250m, memory: 128Mi}}]
/// ```
/// The README documents every field.
public struct ScenarioFile: Sendable {
    public var name: String
    public var cluster: ClusterScenario
    /// Simulated time to stop at; `nil` runs until nothing is left to do.
    public var until: SimTime?

    static let topLevel = ["name", "seed", "until", "scheduler", "kubelet", "registries", "storage", "nodePools", "images",
                           "deployments", "pods", "data", "failures", "functions", "workloads", "scaleCommands", "billing", "monitor",
                           "slowdown", "compatibility"]

    public init(name: String, cluster: ClusterScenario, until: SimTime?) {
        self.name = name
        self.cluster = cluster
        self.until = until
    }

    /// Reads and checks a scenario file.
    /// - Throws: ``ScenarioError`` with every problem found.
    public static func load(path: String) throws -> ScenarioFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let folder = FileErrorText.isFolder(path)
            throw ScenarioError(problems: [.init(message: folder ? "'\(path)' is a folder, not a scenario file"
                                                     : "cannot read the scenario: \(FileErrorText.describe(error))",
                                                 path: "", mark: nil,
                                                 hint: folder ? "give the path of a scenario .yaml file" : "check the path", file: path)])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> ScenarioFile {
        let document: YAMLDocument
        do {
            document = try YAMLParser(schema: .core).parseSingle(text)
        } catch let error as YAMLError {
            throw ScenarioError(problems: [.init(message: error.message, path: "", mark: error.mark,
                                                 hint: "the scenario must be one YAML mapping", file: file)])
        }
        var r = ScenarioReader(document: document, file: file)
        let result = read(&r, defaultName: (file as NSString).lastPathComponent, baseDirectory: (file as NSString).deletingLastPathComponent)
        guard r.problems.isEmpty, let result else {
            throw ScenarioError(problems: r.problems)
        }
        return result
    }

    static func read(_ r: inout ScenarioReader, defaultName: String, baseDirectory: String) -> ScenarioFile? {
        guard let top = r.mapping(r.document.root, at: "", known: topLevel) else {
            r.fail("the scenario is empty", at: "", hint: "start with nodePools:, images: and deployments:")
            return nil
        }
        let name = r.string(top, "name", at: "") ?? defaultName
        var seed: UInt64 = 1
        if let s = top["seed"] {
            if let i = s.int, i >= 0 { seed = UInt64(i) } else { r.fail("seed must be a whole number ≥ 0", at: "seed") }
        }
        let until = r.seconds(top, "until", at: "").map(SimTime.seconds)

        let registries = readRegistries(&r, top)
        let storage = readStorage(&r, top)
        let (nodes, additions) = readNodePools(&r, top)
        var images = readImages(&r, top, registries: registries.map(\.name))
        let functions = readFunctions(&r, top, images: &images, registries: registries, baseDirectory: baseDirectory)
        let functionNames = functions.map(\.name)
        let workloads = readWorkloads(&r, top, functions: functionNames, baseDirectory: baseDirectory)
        let scaleCommands = readScaleCommands(&r, top, functions: functionNames)
        let billing = readBilling(&r, top)
        var monitorInterval = 1.0
        if let mon = r.mapping(top["monitor"], at: "monitor", known: ["interval"]) {
            monitorInterval = r.seconds(mon, "interval", at: "monitor") ?? 1
            if monitorInterval < Limits.minPeriod { r.fail("monitor.interval must be at least 1ms", at: "monitor.interval") }
        }
        var slowdown = false
        if let v = top["slowdown"] {
            if let b = v.bool { slowdown = b } else { r.fail("slowdown is true or false", at: "slowdown") }
        }
        let imageNames = Set(images.map(\.name))
        var pods: [ClusterScenario.PodArrival] = []
        var deletions: [ClusterScenario.PodDeletion] = []
        readWorkloads(&r, top, images: imageNames, pods: &pods, deletions: &deletions)
        let nodeNames = Set((nodes + additions.map(\.node)).map(\.name))
        let failures = readFailures(&r, top, nodes: nodeNames)
        var data: [String: [String]] = [:]
        if let d = r.mapping(top["data"], at: "data", known: top["data"]?.mapping?.keys ?? []) {
            for e in d {
                let holders = r.stringList(d, e.key, at: "data")
                for (i, h) in holders.enumerated() where !nodeNames.contains(h) {
                    r.fail("data item '\(e.key)' is placed on unknown node '\(h)'", at: YAMLPath.index(YAMLPath.key("data", e.key), i))
                }
                data[e.key] = holders
            }
        }
        let scheduler = readScheduler(&r, top)
        let kubelet = readKubelet(&r, top)
        var compatibility = Compatibility.kubernetes
        if let v = top["compatibility"] {
            if let text = v.string, let c = Compatibility(rawValue: text) {
                compatibility = c
            } else {
                r.fail("compatibility is one of \(Compatibility.allCases.map(\.rawValue).joined(separator: ", "))", at: "compatibility",
                       hint: "faas-sim follows faas-sim's load start, placement, pulls and scaler; kubernetes (the default) Kubernetes'")
            }
        }

        if nodes.isEmpty && additions.isEmpty && r.problems.isEmpty {
            r.fail("the scenario has no nodes", at: "", hint: "add nodePools: [{name: pool, type: cloud-small, count: 3}]")
        }
        checkTotals(&r, nodes: nodes.count + additions.count, images: images.count, pods: pods.count,
                    owners: Set(pods.compactMap(\.pod.owner)).count, functions: functions,
                    workloads: workloads, monitorInterval: monitorInterval, until: until?.seconds)
        var cluster = ClusterScenario(nodes: nodes, nodeAdditions: additions,
                                      registries: registries.isEmpty ? [RegistrySpec(name: "registry")] : registries,
                                      storage: storage, images: images, pods: pods, deletions: deletions, failures: failures,
                                      dataPlacement: data, scheduler: scheduler, kubelet: kubelet, seed: seed)
        cluster.functions = functions
        cluster.workloads = workloads
        cluster.scaleCommands = scaleCommands
        if let billing { cluster.billing = billing }
        cluster.monitorInterval = monitorInterval
        cluster.slowdownWhenOversubscribed = slowdown
        if compatibility == .faasSim {
            // What the profile changes, unless the file says otherwise.
            cluster.useFaaSSimProfile(scores: top["scheduler"]?["scores"] == nil,
                                      nodesToScore: top["scheduler"]?["percentageOfNodesToScore"] == nil,
                                      extraction: top["kubelet"]?["extractionRate"] == nil)
        }
        return ScenarioFile(name: name, cluster: cluster, until: until)
    }

    /// Totals no single field shows: replicas all functions may reach, the per-node tables the
    /// simulator keeps (nodes × images and nodes × owners of pods), and periodic events.
    static func checkTotals(_ r: inout ScenarioReader, nodes: Int, images: Int, pods: Int, owners deployments: Int, functions: [FunctionSpec],
                            workloads: [WorkloadSpec], monitorInterval: Double, until: Double?)
    {
        let replicas = functions.reduce(0) { $0 + max($1.minReplicas, $1.maxReplicas) }
        if pods + replicas > Limits.maxPods {
            r.fail("deployments and functions may reach \(pods + replicas) pods; at most \(Limits.maxPods)", at: "functions",
                   hint: "lower replicas or scaling.max")
        }
        let owners = deployments + functions.count
        if nodes * (images + owners) > Limits.maxNodeTableEntries {
            r.fail("\(nodes) nodes × \(images + owners) images and workloads is more than \(Limits.maxNodeTableEntries) node entries", at: "nodePools",
                   hint: "use fewer nodes, images or functions")
        }
        // Periodic work runs until the time limit, or while requests are left.
        let ends = workloads.map { w -> Double in
            if let d = w.duration { return w.start + d }
            if case .trace(let counts) = w.pattern { return w.start + 60 * Double(counts.count) }
            if let n = w.maxRequests, w.pattern.peakRate > 0 { return w.start + Double(n) / w.pattern.peakRate }
            return .infinity
        }
        let horizon = until ?? ends.max() ?? 0
        guard horizon.isFinite, !functions.isEmpty else { return }
        let perSecond = 1 / monitorInterval + functions.reduce(0.0) { $0 + ($1.scaler.interval > 0 ? 1 / $1.scaler.interval : 0) }
        if horizon * perSecond > Double(Limits.maxPeriodicEvents) {
            r.fail("monitoring and scaler ticks would be about \(Int(min(horizon * perSecond, 9e18))) events; at most \(Limits.maxPeriodicEvents)",
                   at: until != nil ? "until" : "monitor", hint: "lengthen monitor.interval or the scalers' tick, or shorten until")
        }
    }

    static func readRegistries(_ r: inout ScenarioReader, _ top: YAMLMapping) -> [RegistrySpec] {
        guard let items = r.list(top["registries"], at: "registries") else { return [] }
        var out: [RegistrySpec] = []
        for (i, item) in items.enumerated() {
            let p = YAMLPath.index("registries", i)
            guard let m = r.mapping(item, at: p, known: ["name", "bandwidth", "roundTrip"]) else { continue }
            guard let name = r.string(m, "name", at: p, required: true) else { continue }
            if out.contains(where: { $0.name == name }) { r.fail("registry '\(name)' is declared twice", at: YAMLPath.key(p, "name")) }
            out.append(RegistrySpec(name: name, bandwidth: r.bandwidth(m, "bandwidth", at: p) ?? Units.gbps,
                                    roundTrip: r.seconds(m, "roundTrip", at: p) ?? 0.05))
        }
        return out
    }

    static func readStorage(_ r: inout ScenarioReader, _ top: YAMLMapping) -> StorageSpec? {
        guard let m = r.mapping(top["storage"], at: "storage", known: ["bandwidth", "capacity", "roundTrip"]) else { return nil }
        let defaults = StorageSpec()
        return StorageSpec(bandwidth: r.bandwidth(m, "bandwidth", at: "storage") ?? defaults.bandwidth,
                           capacityBytes: r.bytes(m, "capacity", at: "storage") ?? defaults.capacityBytes,
                           roundTrip: r.seconds(m, "roundTrip", at: "storage") ?? defaults.roundTrip)
    }

    static let poolFields = ["name", "type", "count", "cpu", "memory", "gpus", "tpus", "architecture", "disk", "bandwidth", "maxPods",
                             "labels", "taints", "joinAt", "idleWatts", "maxWatts", "gpuWatts", "networkWatts", "blockIOWatts",
                             "blockIOBandwidth", "catalogue"]

    static func readNodePools(_ r: inout ScenarioReader, _ top: YAMLMapping) -> ([NodeSpec], [(node: NodeSpec, at: SimTime)]) {
        guard let items = r.list(top["nodePools"], at: "nodePools") else { return ([], []) }
        var nodes: [NodeSpec] = []
        var additions: [(node: NodeSpec, at: SimTime)] = []
        var names: Set<String> = []
        for (i, item) in items.enumerated() {
            let p = YAMLPath.index("nodePools", i)
            guard let m = r.mapping(item, at: p, known: poolFields) else { continue }
            if let catalogue = r.string(m, "catalogue", at: p) {
                guard catalogue == "raith21" else {
                    r.fail("unknown catalogue '\(catalogue)'", at: YAMLPath.key(p, "catalogue"), hint: "the built-in catalogue is raith21")
                    continue
                }
                guard nodes.count + additions.count + DeviceCatalogue.raith21Counts.reduce(0, { $0 + $1.1 }) <= Limits.maxNodes else {
                    r.fail("the scenario would have more than \(Limits.maxNodes) nodes", at: YAMLPath.key(p, "catalogue"))
                    continue
                }
                for (type, count) in DeviceCatalogue.raith21Counts {
                    guard let device = DeviceCatalogue.type(named: type) else { continue }
                    for k in 0..<count { nodes.append(device.node(named: "\(type)-\(k)")) }
                }
                continue
            }
            guard let name = r.string(m, "name", at: p, required: true) else { continue }
            let count = r.int(m, "count", at: p, min: 0, max: Limits.maxNodes) ?? 1
            if nodes.count + additions.count + count > Limits.maxNodes {
                r.fail("the scenario would have more than \(Limits.maxNodes) nodes", at: YAMLPath.key(p, "count"),
                       hint: "at most \(Limits.maxNodes) nodes in one scenario")
                continue
            }
            var template: NodeSpec
            if let type = r.string(m, "type", at: p) {
                guard let device = DeviceCatalogue.type(named: type) else {
                    r.fail("unknown device type '\(type)'", at: YAMLPath.key(p, "type"),
                           hint: "known types: \(DeviceCatalogue.all.map(\.name).joined(separator: ", ")); or give cpu, memory, … yourself")
                    continue
                }
                template = device.node(named: name)
            } else {
                template = NodeSpec(name: name, capacity: Resources(cpuMillis: 4000, memoryBytes: 8 * Units.GiB))
            }
            if let cpu = r.millicores(m, "cpu", at: p) { template.capacity.cpuMillis = cpu }
            if let mem = r.bytes(m, "memory", at: p) { template.capacity.memoryBytes = mem }
            if let g = r.int(m, "gpus", at: p, max: Limits.maxAccelerators) { template.capacity.gpus = Int32(g) }
            if let t = r.int(m, "tpus", at: p, max: Limits.maxAccelerators) { template.capacity.tpus = Int32(t) }
            if let a = r.string(m, "architecture", at: p) {
                if let arch = Architecture(name: a) { template.architecture = arch } else {
                    r.fail("unknown architecture '\(a)'", at: YAMLPath.key(p, "architecture"), hint: "use x86_64, aarch64 or arm32")
                }
            }
            if let d = r.bytes(m, "disk", at: p) { template.diskBytes = d }
            if let b = r.bandwidth(m, "bandwidth", at: p) { template.bandwidth = b }
            if let mp = r.int(m, "maxPods", at: p, max: Limits.maxPods) { template.maxPods = mp }
            for key in ["idleWatts", "maxWatts", "gpuWatts", "networkWatts", "blockIOWatts"] {
                guard let w = r.number(m, key, at: p, in: 0...Limits.maxWatts, unit: "watts") else { continue }
                switch key {
                case "idleWatts": template.idleWatts = w
                case "maxWatts": template.maxWatts = w
                case "gpuWatts": template.gpuWatts = w
                case "networkWatts": template.networkWatts = w
                default: template.blockIOWatts = w
                }
            }
            if template.maxWatts < template.idleWatts {
                r.fail("maxWatts (\(template.maxWatts)) is below idleWatts (\(template.idleWatts))", at: YAMLPath.key(p, "maxWatts"))
            }
            if let b = r.bandwidth(m, "blockIOBandwidth", at: p) { template.blockIOBandwidth = b }
            template.labels.merge(r.stringMap(m, "labels", at: p)) { $1 }
            template.taints = readTaints(&r, m["taints"], at: YAMLPath.key(p, "taints"))
            let joinAt = r.seconds(m, "joinAt", at: p)
            for k in 0..<count {
                var node = template
                node.name = count == 1 && m["count"] == nil ? name : "\(name)-\(k)"
                guard names.insert(node.name).inserted else {
                    r.fail("node name '\(node.name)' is used twice", at: YAMLPath.key(p, "name"))
                    break
                }
                if let joinAt { additions.append((node, .seconds(joinAt))) } else { nodes.append(node) }
            }
        }
        return (nodes, additions)
    }

    static func readTaints(_ r: inout ScenarioReader, _ node: YAMLNode?, at path: String) -> [Taint] {
        guard let items = r.list(node, at: path) else { return [] }
        return items.enumerated().compactMap { i, item in
            let p = YAMLPath.index(path, i)
            guard let m = r.mapping(item, at: p, known: ["key", "value", "effect"]), let key = r.string(m, "key", at: p, required: true) else { return nil }
            var effect = TaintEffect.noSchedule
            if let e = r.string(m, "effect", at: p) {
                guard let parsed = TaintEffect(rawValue: e) else {
                    r.fail("unknown taint effect '\(e)'", at: YAMLPath.key(p, "effect"), hint: "use NoSchedule, PreferNoSchedule or NoExecute")
                    return nil
                }
                effect = parsed
            }
            return Taint(key: key, value: r.string(m, "value", at: p) ?? "", effect: effect)
        }
    }

    static func readImages(_ r: inout ScenarioReader, _ top: YAMLMapping, registries: [String]) -> [ImageSpec] {
        guard let items = expandCounted(&r, top["images"], at: "images") else { return [] }
        var out: [ImageSpec] = []
        var names: Set<String> = []
        for (item, p) in items {
            guard let m = r.mapping(item, at: p, known: ["name", "registry", "size", "layers", "count"]) else { continue }
            let problemsBefore = r.problems.count
            guard let name = r.string(m, "name", at: p, required: true) else { continue }
            if !names.insert(name).inserted { r.fail("image '\(name)' is declared twice", at: YAMLPath.key(p, "name")) }
            var variants: [Architecture: [ImageSpec.Layer]] = [:]
            if let size = m["size"] {
                if let sizes = size.mapping {
                    for e in sizes {
                        guard let arch = Architecture(name: e.key) else {
                            r.fail("unknown architecture '\(e.key)'", at: YAMLPath.key(YAMLPath.key(p, "size"), e.key), hint: "use x86_64, aarch64 or arm32")
                            continue
                        }
                        if let b = r.bytes(e.value, at: YAMLPath.key(YAMLPath.key(p, "size"), e.key), name: "size") {
                            variants[arch] = [.init(digest: "\(name)-\(arch.rawValue)", sizeBytes: b)]
                        }
                    }
                } else if let b = r.bytes(size, at: YAMLPath.key(p, "size"), name: "size") {
                    variants[.x86_64] = [.init(digest: "\(name)-x86_64", sizeBytes: b)]
                }
            }
            if let layers = r.mapping(m["layers"], at: YAMLPath.key(p, "layers"), known: Architecture.allCases.map(\.rawValue)) {
                for e in layers {
                    guard let arch = Architecture(name: e.key) else { continue }
                    let lp = YAMLPath.key(YAMLPath.key(p, "layers"), e.key)
                    var list: [ImageSpec.Layer] = []
                    for (k, layer) in (r.list(e.value, at: lp) ?? []).enumerated() {
                        let kp = YAMLPath.index(lp, k)
                        guard let lm = r.mapping(layer, at: kp, known: ["digest", "size"]),
                              let digest = r.string(lm, "digest", at: kp, required: true),
                              let size = r.bytes(lm, "size", at: kp) else { continue }
                        list.append(.init(digest: digest, sizeBytes: size))
                    }
                    variants[arch] = list
                }
            }
            if variants.isEmpty && r.problems.count == problemsBefore {
                r.fail("image '\(name)' has no size", at: p, hint: "give size: 200MB, size: {x86_64: 200MB, aarch64: 120MB}, or layers:")
            }
            var imageRegistries: [String] = []
            if let reg = r.string(m, "registry", at: p) {
                if !registries.isEmpty && !registries.contains(reg) {
                    r.fail("image '\(name)' names unknown registry '\(reg)'", at: YAMLPath.key(p, "registry"),
                           hint: "declared registries: \(registries.joined(separator: ", "))")
                }
                imageRegistries = [reg]
            }
            out.append(ImageSpec(name: name, variants: variants, registries: imageRegistries))
        }
        return out
    }

    static let podFields = ["name", "image", "replicas", "at", "requests", "nodeSelector", "affinity", "tolerations", "labels", "data",
                            "startup", "setup", "terminationGrace", "deleteAt"]

    static func readWorkloads(_ r: inout ScenarioReader, _ top: YAMLMapping, images: Set<String>,
                              pods: inout [ClusterScenario.PodArrival], deletions: inout [ClusterScenario.PodDeletion])
    {
        var names: Set<String> = []
        for section in ["deployments", "pods"] {
            guard let items = r.list(top[section], at: section) else { continue }
            for (i, item) in items.enumerated() {
                let p = YAMLPath.index(section, i)
                guard let m = r.mapping(item, at: p, known: podFields) else { continue }
                guard let name = r.string(m, "name", at: p, required: true) else { continue }
                guard let image = r.string(m, "image", at: p, required: true) else { continue }
                if !images.contains(image) {
                    r.fail("'\(name)' uses unknown image '\(image)'", at: YAMLPath.key(p, "image"),
                           hint: ScenarioReader.closest(image, Array(images)).map { "did you mean '\($0)'?" } ?? "declare it under images")
                }
                if section == "pods" && m["replicas"] != nil {
                    r.fail("bare pods have no replicas", at: YAMLPath.key(p, "replicas"), hint: "move it to deployments:")
                }
                let replicas = section == "deployments" ? (r.int(m, "replicas", at: p, min: 0, max: Limits.maxReplicas) ?? 1) : 1
                if pods.count + replicas > Limits.maxPods {
                    r.fail("the scenario would start more than \(Limits.maxPods) pods", at: YAMLPath.key(p, section == "pods" ? "name" : "replicas"),
                           hint: "at most \(Limits.maxPods) pods in one scenario")
                    continue
                }
                let requests = readRequests(&r, m["requests"], at: YAMLPath.key(p, "requests"))
                var affinity: [NodeSelectorRequirement] = []
                for (k, term) in (r.list(m["affinity"], at: YAMLPath.key(p, "affinity")) ?? []).enumerated() {
                    let tp = YAMLPath.index(YAMLPath.key(p, "affinity"), k)
                    guard let tm = r.mapping(term, at: tp, known: ["key", "operator", "values"]), let key = r.string(tm, "key", at: tp, required: true) else { continue }
                    let opText = r.string(tm, "operator", at: tp) ?? "In"
                    guard let op = NodeSelectorRequirement.Operator(rawValue: opText) else {
                        r.fail("unknown operator '\(opText)'", at: YAMLPath.key(tp, "operator"), hint: "use In, NotIn, Exists or DoesNotExist")
                        continue
                    }
                    affinity.append(NodeSelectorRequirement(key: key, operator: op, values: r.stringList(tm, "values", at: tp)))
                }
                var tolerations: [Toleration] = []
                for (k, t) in (r.list(m["tolerations"], at: YAMLPath.key(p, "tolerations")) ?? []).enumerated() {
                    let tp = YAMLPath.index(YAMLPath.key(p, "tolerations"), k)
                    guard let tm = r.mapping(t, at: tp, known: ["key", "operator", "value", "effect"]) else { continue }
                    let op = Toleration.Operator(rawValue: r.string(tm, "operator", at: tp) ?? "Equal") ?? .equal
                    let effect = r.string(tm, "effect", at: tp).flatMap(TaintEffect.init(rawValue:))
                    tolerations.append(Toleration(key: r.string(tm, "key", at: tp), operator: op, value: r.string(tm, "value", at: tp) ?? "", effect: effect))
                }
                let lifecycle = LifecycleProfile(startup: r.distribution(m, "startup", at: p) ?? .constant(1),
                                                 setup: r.distribution(m, "setup", at: p) ?? .constant(0),
                                                 terminationGrace: r.distribution(m, "terminationGrace", at: p) ?? .constant(0))
                let at = r.seconds(m, "at", at: p) ?? 0
                let deleteAt = r.seconds(m, "deleteAt", at: p)
                if let deleteAt, deleteAt < at { r.fail("deleteAt is before at", at: YAMLPath.key(p, "deleteAt")) }
                let selector = r.stringMap(m, "nodeSelector", at: p)
                let labels = r.stringMap(m, "labels", at: p)
                let dataItems = r.stringList(m, "data", at: p)
                for k in 0..<replicas {
                    let podName = section == "pods" ? name : "\(name)-\(k)"
                    guard names.insert(podName).inserted else {
                        r.fail("pod name '\(podName)' is used twice", at: YAMLPath.key(p, "name"))
                        break
                    }
                    let spec = PodSpec(name: podName, owner: section == "deployments" ? name : nil, image: image, requests: requests,
                                       nodeSelector: selector, requiredAffinity: affinity, tolerations: tolerations, labels: labels,
                                       dataItems: dataItems, lifecycle: lifecycle)
                    pods.append(.init(pod: spec, at: .seconds(at)))
                    if let deleteAt { deletions.append(.init(pod: podName, at: .seconds(deleteAt))) }
                }
            }
        }
    }

    static func readFailures(_ r: inout ScenarioReader, _ top: YAMLMapping, nodes: Set<String>) -> [ClusterScenario.NodeFailure] {
        guard let items = r.list(top["failures"], at: "failures") else { return [] }
        return items.enumerated().compactMap { i, item in
            let p = YAMLPath.index("failures", i)
            guard let m = r.mapping(item, at: p, known: ["node", "at", "recoverAt"]), let node = r.string(m, "node", at: p, required: true) else { return nil }
            if !nodes.contains(node) {
                r.fail("failure names unknown node '\(node)'", at: YAMLPath.key(p, "node"),
                       hint: ScenarioReader.closest(node, Array(nodes)).map { "did you mean '\($0)'?" })
            }
            guard let at = r.seconds(m, "at", at: p) else {
                r.fail("a failure needs 'at'", at: p)
                return nil
            }
            let back = r.seconds(m, "recoverAt", at: p)
            if let back, back <= at { r.fail("recoverAt must be after at", at: YAMLPath.key(p, "recoverAt")) }
            return .init(node: node, at: .seconds(at), recoversAt: back.map(SimTime.seconds))
        }
    }

    static func readScheduler(_ r: inout ScenarioReader, _ top: YAMLMapping) -> SchedulerProfile {
        var profile = SchedulerProfile()
        guard let m = r.mapping(top["scheduler"], at: "scheduler", known: ["filters", "scores", "percentageOfNodesToScore", "schedulingLatency", "backoff"]) else {
            return profile
        }
        if m["filters"] != nil {
            let names = r.stringList(m, "filters", at: "scheduler")
            profile.filters = names.enumerated().compactMap { i, n in
                if let f = FilterPlugin(rawValue: n) { return f }
                r.fail("unknown filter plugin '\(n)'", at: YAMLPath.index("scheduler.filters", i),
                       hint: "filters: \(FilterPlugin.allCases.map(\.name).joined(separator: ", "))")
                return nil
            }
        }
        if let scores = r.mapping(m["scores"], at: "scheduler.scores", known: ScorePlugin.allCases.map(\.name)) {
            profile.scores = scores.compactMap { e in
                guard let plugin = ScorePlugin(rawValue: e.key) else { return nil }
                guard let w = e.value.int, (0...1000).contains(w) else {
                    r.fail("score weights are whole numbers from 0 to 1000", at: YAMLPath.key("scheduler.scores", e.key))
                    return nil
                }
                return .init(plugin, weight: w)
            }
        }
        if let pct = r.int(m, "percentageOfNodesToScore", at: "scheduler") {
            if pct > 100 { r.fail("percentageOfNodesToScore is at most 100", at: "scheduler.percentageOfNodesToScore") }
            profile.percentageOfNodesToScore = pct
        }
        if let latency = r.seconds(m, "schedulingLatency", at: "scheduler") { profile.schedulingLatency = latency }
        if let b = r.mapping(m["backoff"], at: "scheduler.backoff", known: ["initial", "max"]) {
            profile.initialBackoff = r.seconds(b, "initial", at: "scheduler.backoff") ?? profile.initialBackoff
            profile.maxBackoff = r.seconds(b, "max", at: "scheduler.backoff") ?? profile.maxBackoff
        }
        return profile
    }

    static func readKubelet(_ r: inout ScenarioReader, _ top: YAMLMapping) -> ClusterScenario.KubeletConfig {
        var config = ClusterScenario.KubeletConfig()
        guard let m = r.mapping(top["kubelet"], at: "kubelet",
                                known: ["extractionRate", "imageGC", "serializeImagePulls", "maxParallelImagePulls", "orderedExtraction"]) else { return config }
        if let rate = r.bandwidth(m, "extractionRate", at: "kubelet") { config.extractionBytesPerSecond = rate }
        if let gc = r.mapping(m["imageGC"], at: "kubelet.imageGC", known: ["high", "low", "period", "minimumAge"]) {
            config.imageGCHighThreshold = r.fraction(gc, "high", at: "kubelet.imageGC") ?? config.imageGCHighThreshold
            config.imageGCLowThreshold = r.fraction(gc, "low", at: "kubelet.imageGC") ?? config.imageGCLowThreshold
            if config.imageGCLowThreshold > config.imageGCHighThreshold {
                r.fail("imageGC.low must not exceed imageGC.high", at: "kubelet.imageGC")
            }
            if let period = r.seconds(gc, "period", at: "kubelet.imageGC") {
                if period >= Limits.minPeriod { config.imageGCPeriod = period } else { r.fail("imageGC.period must be a duration of at least 1ms", at: "kubelet.imageGC.period") }
            }
            if let age = r.seconds(gc, "minimumAge", at: "kubelet.imageGC") {
                if age >= 0 { config.imageMinimumGCAge = age } else { r.fail("imageGC.minimumAge must not be negative", at: "kubelet.imageGC.minimumAge") }
            }
        }
        func flag(_ key: String) -> Bool? {
            guard let v = m[key] else { return nil }
            guard let b = v.bool else {
                r.fail("kubelet.\(key) is true or false, found \(ScenarioReader.show(v))", at: "kubelet.\(key)")
                return nil
            }
            return b
        }
        if let serialize = flag("serializeImagePulls") { config.serializeImagePulls = serialize }
        if let ordered = flag("orderedExtraction") { config.orderedExtraction = ordered }
        if let limit = r.int(m, "maxParallelImagePulls", at: "kubelet", min: 1, max: 10_000) {
            if config.serializeImagePulls && limit > 1 {
                // The kubelet's configuration validation refuses maxParallelImagePulls above 1
                // with serialised pulls.
                r.fail("kubelet.maxParallelImagePulls needs serializeImagePulls: false", at: "kubelet.maxParallelImagePulls",
                       hint: "add serializeImagePulls: false, or drop maxParallelImagePulls")
            } else if !config.serializeImagePulls {
                config.maxParallelImagePulls = limit
            }
        }
        return config
    }
}
