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

    /// Saturating sums and differences: capacities are bounded on input (see the scenario
    /// reader's limits), and no total of them can wrap around.
    public static func + (a: Resources, b: Resources) -> Resources {
        Resources(cpuMillis: sat(a.cpuMillis.addingReportingOverflow(b.cpuMillis)),
                  memoryBytes: sat(a.memoryBytes.addingReportingOverflow(b.memoryBytes)),
                  gpus: sat(a.gpus.addingReportingOverflow(b.gpus)), tpus: sat(a.tpus.addingReportingOverflow(b.tpus)),
                  diskBytes: sat(a.diskBytes.addingReportingOverflow(b.diskBytes)))
    }

    public static func - (a: Resources, b: Resources) -> Resources {
        Resources(cpuMillis: sat(a.cpuMillis.subtractingReportingOverflow(b.cpuMillis)),
                  memoryBytes: sat(a.memoryBytes.subtractingReportingOverflow(b.memoryBytes)),
                  gpus: sat(a.gpus.subtractingReportingOverflow(b.gpus)), tpus: sat(a.tpus.subtractingReportingOverflow(b.tpus)),
                  diskBytes: sat(a.diskBytes.subtractingReportingOverflow(b.diskBytes)))
    }

    @inline(__always)
    static func sat<T: FixedWidthInteger & SignedInteger>(_ r: (partialValue: T, overflow: Bool)) -> T {
        guard r.overflow else { return r.partialValue }
        // On overflow the wrapped value has the opposite sign of the true result.
        return r.partialValue < 0 ? .max : .min
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
