import Simulation

/// A FIFO of small integers without per-element allocation.
struct IndexQueue {
    var items: [Int32] = []
    var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func push(_ x: Int) { items.append(Int32(x)) }

    mutating func pop() -> Int? {
        guard head < items.count else { return nil }
        let x = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return Int(x)
    }

    mutating func drain() -> [Int] {
        let out = items[head...].map(Int.init)
        items.removeAll(keepingCapacity: true)
        head = 0
        return out
    }
}

/// Why a request did not complete.
public enum RequestFailure: String, Hashable, Sendable, CaseIterable {
    case timeout
    case memoryLimit = "memory-limit"
    case noCapacity = "no-capacity"
    case replicaLost = "replica-lost"
    case queueFull = "queue-full"
}

struct FaaSState {
    struct Request {
        var function: Int32 = -1
        var replica: Int32 = -1
        var token: UInt32 = 0
        var arrival: Double = 0
        var coldEnd: Double = -1
        var execStart: Double = 0
        var failure: RequestFailure?
        var memoryKill = false
        var run: Int32 = -1
        var hop: Int32 = 0
        var cpu: Double = 0
        var gpu: Double = 0
        var network: Double = 0
        var blockIO: Double = 0
        /// The node's energy-per-unit integrals weighted by this invocation's use, at its start
        /// (its energy is the same sum at its end minus this).
        var energyMark: Double = 0
    }

    struct Replica {
        var pod: Int
        var function: Int
        var node = -1
        var running = 0
        /// Request slots executing on the replica (a few: at most its workers).
        var runningSlots: [Int32] = []
        var cpuInUse: Double = 0
        var gpuInUse: Double = 0
        var networkInUse: Double = 0
        var blockIOInUse: Double = 0
        var queue = IndexQueue()
        var isReady = false
        var isRemoved = false
        var generation: UInt32 = 0
        var created: Double
        var readySince: Double = 0
        var lifetimeStart: Double = 0
    }

    struct Function {
        var spec: FunctionSpec
        var images: [Int]
        var replicas: [Int] = []
        var ready: [Int] = []
        var rr = 0
        var coldQueue = IndexQueue()
        var nextName = 0
        var blocked = false
        var hasCustomSimulator = false
        var idleGeneration = 0
        var lastActivity: Double = 0
        // Scaler state and the integrals its inputs come from.
        var requestRate: RequestRateScaler?
        var average: AverageRequestsScaler?
        var hpa: HorizontalPodAutoscaler?
        var kpa: KnativeAutoscaler?
        var interval: Double = 0
        var inflight = 0
        var running = 0
        var runningCPU: Double = 0
        var lastIntegral: Double = 0
        var concurrencyIntegral: Double = 0
        var cpuIntegral: Double = 0
        var arrivalsSinceTick = 0
        var dispatchedSinceTick = 0
        var lastTick: Double = 0
        // Results
        var arrivals = 0
        var completed = 0
        var failures: [RequestFailure: Int] = [:]
        var coldStarts = 0
        var wait: [Float] = []
        var cold: [Float] = []
        var exec: [Float] = []
        var total: [Float] = []
        var energy: Double = 0
        var gbSeconds: Double = 0
        var ingress: Int64 = 0
        var egress: Int64 = 0
        var replicaSeconds: Double = 0
        var diskGBSeconds: Double = 0
        var nodeShareHours: [String: Double] = [:]
        var replicaTimeline: [(time: Double, replicas: Int, ready: Int)] = []
        var maxReplicas = 0
    }

    struct Workload {
        var spec: WorkloadSpec
        var function: Int
        /// A pipeline workload starts runs instead of single requests (-1: none).
        var pipeline = -1
        var sent = 0
        var minute = 0
        var minuteTimes: [Double] = []
    }

    var functions: [Function] = []
    var pipelines: [PipelineState] = []
    var runs: [RunState] = []
    var freeRuns: [Int32] = []
    var replicas: [Replica] = []
    var requests: [Request] = []
    var freeRequests: [Int32] = []
    var workloads: [Workload] = []
    var scalingLog: [ScalingRecord] = []
    var utilizationTimeline: [(time: Double, mean: Double, max: Double)] = []
    /// Per function and monitor tick: replicas' CPU use against their CPU request, capped at 1.
    var replicaUtilization: [(time: Double, function: Int, ready: Int, mean: Double, max: Double)] = []
    var lastMonitor: Double = 0
    var monitorBusy: [Double] = []
    var outstandingWorkloads = 0
    /// Workloads waiting for every function to have a running replica (faas-sim compatibility).
    var heldWorkloads: [Int] = []
    /// A function's last request finished with no workload left (faas-sim compatibility: the
    /// run ends once every request has completed, as faas-sim's does).
    var maybeDone = false
}

/// One scaling decision, with its inputs.
public struct ScalingRecord: Hashable, Sendable {
    public var time: Double
    public var function: String
    public var from: Int
    public var to: Int
    public var scaler: String
    public var reason: String
    public var arrivals: Int
    public var interval: Double
    public var readyReplicas: Int
    public var averageConcurrency: Double
}
