/// CPU architectures of nodes and image variants.
public enum Architecture: String, Hashable, Sendable, CaseIterable {
    case x86_64, aarch64, arm32

    /// Accepts the usual aliases (amd64, arm64, armv7, arm32v7, …).
    public init?(name: String) {
        switch name.lowercased() {
        case "x86_64", "x86", "amd64", "x86-64": self = .x86_64
        case "aarch64", "arm64", "arm64v8": self = .aarch64
        case "arm32", "arm", "armv7", "arm32v7", "armhf", "armv7l": self = .arm32
        default: return nil
        }
    }
}

public enum TaintEffect: String, Hashable, Sendable, CaseIterable {
    case noSchedule = "NoSchedule"
    case preferNoSchedule = "PreferNoSchedule"
    case noExecute = "NoExecute"
}

public struct Taint: Hashable, Sendable {
    public var key: String
    public var value: String
    public var effect: TaintEffect
    public init(key: String, value: String = "", effect: TaintEffect = .noSchedule) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}

public struct Toleration: Hashable, Sendable {
    public enum Operator: String, Hashable, Sendable { case equal = "Equal", exists = "Exists" }
    /// `nil` with `.exists` tolerates every taint.
    public var key: String?
    public var `operator`: Operator
    public var value: String
    /// `nil` tolerates every effect.
    public var effect: TaintEffect?

    public init(key: String?, operator op: Operator = .equal, value: String = "", effect: TaintEffect? = nil) {
        self.key = key
        self.operator = op
        self.value = value
        self.effect = effect
    }

    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, effect != taint.effect { return false }
        guard let key else { return `operator` == .exists }
        guard key == taint.key else { return false }
        return `operator` == .exists || value == taint.value
    }
}

/// A required node-affinity term: the node's label `key` must (or must not) have one of `values`.
public struct NodeSelectorRequirement: Hashable, Sendable {
    public enum Operator: String, Hashable, Sendable { case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist" }
    public var key: String
    public var `operator`: Operator
    public var values: [String]

    public init(key: String, operator op: Operator, values: [String] = []) {
        self.key = key
        self.operator = op
        self.values = values
    }

    public func matches(_ labels: [String: String]) -> Bool {
        switch `operator` {
        case .in: return labels[key].map(values.contains) ?? false
        case .notIn: return !(labels[key].map(values.contains) ?? false)
        case .exists: return labels[key] != nil
        case .doesNotExist: return labels[key] == nil
        }
    }
}

/// A node: capacity, architecture, network link, disk, labels and taints.
public struct NodeSpec: Hashable, Sendable {
    public var name: String
    public var deviceType: String
    public var architecture: Architecture
    public var capacity: Resources
    /// Network link of the node, bytes per second (both directions).
    public var bandwidth: Double
    /// Disk for the image cache and containers' local disk.
    public var diskBytes: Int64
    public var labels: [String: String]
    public var taints: [Taint]
    /// Most pods the node runs at once ("function slots per host").
    public var maxPods: Int
    /// Power draw in watts when idle and at full CPU use.
    public var idleWatts: Double
    public var maxWatts: Double
    /// Extra watts at full use of the node's GPUs, its network link and its disk bandwidth
    /// (linear in each utilisation; 0 leaves that resource out of the power model).
    public var gpuWatts: Double = 0
    public var networkWatts: Double = 0
    public var blockIOWatts: Double = 0
    /// Disk throughput that counts as 100 % block I/O, bytes per second.
    public var blockIOBandwidth: Double = 500 * Double(Units.MB)

    public init(name: String, deviceType: String = "generic", architecture: Architecture = .x86_64, capacity: Resources,
                bandwidth: Double = Units.gbps, diskBytes: Int64 = 100 * Units.GB, labels: [String: String] = [:],
                taints: [Taint] = [], maxPods: Int = 110, idleWatts: Double = 50, maxWatts: Double = 150)
    {
        self.name = name
        self.deviceType = deviceType
        self.architecture = architecture
        self.capacity = capacity
        self.bandwidth = bandwidth
        self.diskBytes = diskBytes
        self.labels = labels
        self.taints = taints
        self.maxPods = maxPods
        self.idleWatts = idleWatts
        self.maxWatts = maxWatts
    }

    /// The labels Kubernetes itself puts on a node, merged under the declared ones.
    public var effectiveLabels: [String: String] {
        var l = ["kubernetes.io/hostname": name, "kubernetes.io/arch": architecture.kubernetesName,
                 "node.kubernetes.io/instance-type": deviceType]
        for (k, v) in labels { l[k] = v }
        return l
    }
}

extension Architecture {
    /// Position in `allCases`, for flat tables.
    public var index: Int {
        switch self {
        case .x86_64: return 0
        case .aarch64: return 1
        case .arm32: return 2
        }
    }

    public var kubernetesName: String {
        switch self {
        case .x86_64: return "amd64"
        case .aarch64: return "arm64"
        case .arm32: return "arm"
        }
    }
}

/// Built-in device types: the heterogeneous edge and cloud devices of the Raith21 scenario
/// (faas-sim `ext/raith21`), and plain cloud nodes.
public enum DeviceCatalogue {
    public struct DeviceType: Hashable, Sendable {
        public var name: String
        public var architecture: Architecture
        public var cpuMillis: Int64
        public var memoryBytes: Int64
        public var gpus: Int32
        public var tpus: Int32
        public var bandwidth: Double
        public var diskBytes: Int64
        public var idleWatts: Double
        public var maxWatts: Double
        public var labels: [String: String]

        public func node(named name: String) -> NodeSpec {
            NodeSpec(name: name, deviceType: self.name, architecture: architecture,
                     capacity: Resources(cpuMillis: cpuMillis, memoryBytes: memoryBytes, gpus: gpus, tpus: tpus),
                     bandwidth: bandwidth, diskBytes: diskBytes, labels: labels, maxPods: 110,
                     idleWatts: idleWatts, maxWatts: maxWatts)
        }
    }

    static func device(_ name: String, _ arch: Architecture, cpus: Int64, memory: Int64, gpus: Int32 = 0, tpus: Int32 = 0,
                       bandwidth: Double = Units.gbps, disk: Int64, idle: Double, max: Double, labels: [String: String] = [:]) -> DeviceType
    {
        var l = labels
        if gpus > 0 { l["accelerator.kubeprint/gpu"] = "true" }
        if tpus > 0 { l["accelerator.kubeprint/tpu"] = "true" }
        return DeviceType(name: name, architecture: arch, cpuMillis: cpus * 1000, memoryBytes: memory, gpus: gpus, tpus: tpus,
                          bandwidth: bandwidth, diskBytes: disk, idleWatts: idle, maxWatts: max, labels: l)
    }

    /// Capacities as in the Raith21 scenario; power figures are typical published values.
    public static let all: [DeviceType] = [
        device("xeoncpu", .x86_64, cpus: 4, memory: 8_167_784 * Units.KiB, disk: 256 * Units.GB, idle: 50, max: 140),
        device("xeongpu", .x86_64, cpus: 4, memory: 8_167_784 * Units.KiB, gpus: 1, disk: 256 * Units.GB, idle: 70, max: 280),
        device("nuc", .x86_64, cpus: 4, memory: 16 * Units.GiB, disk: 256 * Units.GB, idle: 10, max: 40),
        device("rpi3", .arm32, cpus: 4, memory: 999_036 * Units.KiB, bandwidth: 100 * Units.mbps, disk: 32 * Units.GB, idle: 2, max: 5),
        device("rpi4", .arm32, cpus: 4, memory: 1 * Units.GB, disk: 32 * Units.GB, idle: 3, max: 7),
        device("rockpi", .aarch64, cpus: 6, memory: 4 * Units.GB, disk: 64 * Units.GB, idle: 3, max: 10),
        device("coral", .aarch64, cpus: 4, memory: 1 * Units.GB, tpus: 1, disk: 16 * Units.GB, idle: 3, max: 8),
        device("nano", .aarch64, cpus: 4, memory: 4_047_252 * Units.KiB, gpus: 1, disk: 64 * Units.GB, idle: 2, max: 10),
        device("tx2", .aarch64, cpus: 4, memory: 8_047_252 * Units.KiB, gpus: 1, disk: 32 * Units.GB, idle: 5, max: 15),
        device("cloud-small", .x86_64, cpus: 4, memory: 8 * Units.GiB, disk: 100 * Units.GB, idle: 40, max: 120),
        device("cloud-large", .x86_64, cpus: 16, memory: 64 * Units.GiB, bandwidth: 10 * Units.gbps, disk: 500 * Units.GB, idle: 90, max: 350),
    ]

    public static func type(named name: String) -> DeviceType? { all.first { $0.name == name } }

    /// The Raith21 100-device cluster: how many of each type.
    public static let raith21Counts: [(String, Int)] = [
        ("xeoncpu", 63), ("xeongpu", 11), ("nuc", 6), ("rpi3", 6), ("rpi4", 4), ("rockpi", 4), ("coral", 2), ("nano", 2), ("tx2", 2),
    ]
}
