/// Amounts of the resources the scheduler accounts for.
public struct Resources: Hashable, Sendable {
    public var cpuMillis: Int64
    public var memoryBytes: Int64
    public var gpus: Int32
    public var tpus: Int32
    /// Local (ephemeral) disk a container reserves.
    public var diskBytes: Int64

    public init(cpuMillis: Int64 = 0, memoryBytes: Int64 = 0, gpus: Int32 = 0, tpus: Int32 = 0, diskBytes: Int64 = 0) {
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
        self.gpus = gpus
        self.tpus = tpus
        self.diskBytes = diskBytes
    }

    public static let zero = Resources()

    public static func + (a: Resources, b: Resources) -> Resources {
        Resources(cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes,
                  gpus: a.gpus + b.gpus, tpus: a.tpus + b.tpus, diskBytes: a.diskBytes + b.diskBytes)
    }

    public static func - (a: Resources, b: Resources) -> Resources {
        Resources(cpuMillis: a.cpuMillis - b.cpuMillis, memoryBytes: a.memoryBytes - b.memoryBytes,
                  gpus: a.gpus - b.gpus, tpus: a.tpus - b.tpus, diskBytes: a.diskBytes - b.diskBytes)
    }

    public static func += (a: inout Resources, b: Resources) { a = a + b }
    public static func -= (a: inout Resources, b: Resources) { a = a - b }
}

/// Byte and bandwidth units used across the model.
public enum Units {
    public static let kB: Int64 = 1000
    public static let MB: Int64 = 1000 * 1000
    public static let GB: Int64 = 1000 * 1000 * 1000
    public static let KiB: Int64 = 1024
    public static let MiB: Int64 = 1024 * 1024
    public static let GiB: Int64 = 1024 * 1024 * 1024
    /// Bits per second to bytes per second.
    public static func bytesPerSecond(bits: Double) -> Double { bits / 8 }
    public static let gbps: Double = 1e9 / 8
    public static let mbps: Double = 1e6 / 8
}
