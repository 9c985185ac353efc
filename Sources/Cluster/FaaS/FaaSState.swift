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
        /// Neighbours in its replica's list of running invocations (-1: none).
        var previousRunning: Int32 = -1
        var nextRunning: Int32 = -1

        /// Starts the slot over for a new request.
        mutating func begin(function f: Int, arrival t: Double, run: Int, hop: Int) {
            function = Int32(f)
            replica = -1
            arrival = t
            coldEnd = -1
            failure = nil
            memoryKill = false
            self.run = Int32(run)
            self.hop = Int32(hop)
        }

        /// Handed to replica `r` at `t`; the end of a wait for a replica, if it waited.
        mutating func dispatch(to r: Int, at t: Double) {
            replica = Int32(r)
            if coldEnd == 0 { coldEnd = t }
        }

        /// Starts executing on replica `r` at `t` with this use of the node (`mark`: the node's
        /// energy integrals weighted by it, at the start).
        mutating func start(on r: Int, at t: Double, cpu: Double, gpu: Double, network: Double, blockIO: Double, mark: Double) {
            execStart = t
            replica = Int32(r)
            self.cpu = cpu
            self.gpu = gpu
            self.network = network
            self.blockIO = blockIO
            energyMark = mark
        }

        /// The slot is free again: a late end event for it no longer matches its token.
        mutating func release() {
            token &+= 1
            replica = -1
        }
    }

    /// One completed request's times, in seconds.
    struct Sample {
        var cold: Float
        var wait: Float
        var execution: Float
        var total: Float
    }

    struct Replica {
        var pod: Int
        var function: Int
        var node = -1
        var running = 0
        /// Request slots executing on the replica, oldest first: a list linked through the
        /// requests (`previousRunning`, `nextRunning`), so starting and ending one costs O(1).
        var firstRunning: Int32 = -1
        var lastRunning: Int32 = -1
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

        /// Adds (or, negative, gives back) an invocation's use of the node's resources.
        mutating func addUse(running count: Int, cpu: Double, gpu: Double, network: Double, blockIO: Double) {
            running += count
            cpuInUse += cpu
            gpuInUse += gpu
            networkInUse += network
            blockIOInUse += blockIO
        }
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
        var samples: [Sample] = []
        var energy: Double = 0
        var gbSeconds: Double = 0
        var ingress: Int64 = 0
        var egress: Int64 = 0
        var replicaSeconds: Double = 0
        var diskGBSeconds: Double = 0
        var nodeShareHours: [String: Double] = [:]
        var replicaTimeline: [(time: Double, replicas: Int, ready: Int)] = []
        var maxReplicas = 0

        // Each of these changes the function's state in one access, as the hot path calls them
        // once per request.

        /// Advances the time integrals (in-flight requests, CPU in use) to `t`.
        mutating func integrate(at t: Double) {
            let dt = t - lastIntegral
            if dt > 0 {
                concurrencyIntegral += Double(inflight) * dt
                cpuIntegral += runningCPU * dt
                lastIntegral = t
            }
        }

        /// A request arrives at `t`.
        mutating func arrive(at t: Double) {
            integrate(at: t)
            arrivals += 1
            arrivalsSinceTick += 1
            idleGeneration += 1
            lastActivity = t
            inflight += 1
            ingress += spec.requestBytes
        }

        /// Picks a replica for a request (load balancing moves on).
        mutating func dispatched() {
            dispatchedSinceTick += 1
            if spec.loadBalancing == .roundRobin { rr &+= 1 }
        }

        /// A request completed.
        mutating func complete(_ sample: Sample) {
            completed += 1
            egress += spec.responseBytes
            samples.append(sample)
        }

        /// An invocation's execution time on a node of the device type (`nil`: the default).
        /// Mutating only to sample the distribution in place: read out of the array, it was
        /// copied (and released) on every invocation.
        mutating func drawExecutionTime(onDeviceType type: String?, using random: inout RandomSource) -> Double {
            if let type, let distribution = spec.executionTime[type] { return distribution.sample(using: &random) }
            return spec.defaultExecutionTime.sample(using: &random)
        }

        /// An invocation using `cpu` millicores starts at `t`.
        mutating func startInvocation(cpu: Double, at t: Double) {
            integrate(at: t)
            running += 1
            runningCPU += cpu
        }

        /// An invocation that used `cpu` millicores ends at `t`, with its energy and GB-seconds.
        mutating func endInvocation(cpu: Double, energy: Double, gbSeconds: Double, at t: Double) {
            integrate(at: t)
            running -= 1
            runningCPU -= cpu
            self.energy += energy
            self.gbSeconds += gbSeconds
        }

        /// A request leaves at `t` (completed or failed); true when none is left in flight.
        mutating func leave(at t: Double) -> Bool {
            integrate(at: t)
            inflight -= 1
            lastActivity = t
            return inflight == 0
        }
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

    /// Adds a request slot at the end of its replica's running list.
    mutating func linkRunning(_ slot: Int, replica r: Int) {
        let last = replicas[r].lastRunning
        requests[slot].previousRunning = last
        requests[slot].nextRunning = -1
        if last >= 0 { requests[Int(last)].nextRunning = Int32(slot) } else { replicas[r].firstRunning = Int32(slot) }
        replicas[r].lastRunning = Int32(slot)
    }

    /// Takes a request slot out of its replica's running list.
    mutating func unlinkRunning(_ slot: Int, replica r: Int) {
        let previous = requests[slot].previousRunning, next = requests[slot].nextRunning
        if previous >= 0 { requests[Int(previous)].nextRunning = next } else { replicas[r].firstRunning = next }
        if next >= 0 { requests[Int(next)].previousRunning = previous } else { replicas[r].lastRunning = previous }
        requests[slot].previousRunning = -1
        requests[slot].nextRunning = -1
    }

    /// The request slots running on a replica, oldest first.
    func runningSlots(of r: Int) -> [Int] {
        var slots: [Int] = []
        var slot = replicas[r].firstRunning
        while slot >= 0 {
            slots.append(Int(slot))
            slot = requests[Int(slot)].nextRunning
        }
        return slots
    }
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
