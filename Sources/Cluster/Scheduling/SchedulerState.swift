import Simulation

/// The scheduler's own state: the active queue (FIFO, as the cluster enqueues pods), the set
/// of pods that failed their last attempt, the round-robin position the filter pass starts
/// from and the random source that breaks score ties. The filters and scores themselves read
/// the node table in place (`ClusterSimulator.failingFilter`, `rawScores`); backoff timers are
/// events in the coordinator's queue.
struct SchedulerState {
    /// Pods waiting for an attempt, in order; entries before `head` are done.
    var active: [Int] = []
    var head = 0
    /// Pods whose last attempt found no node, waiting for capacity to be freed.
    var unschedulable: Set<Int> = []
    /// Whether a scheduling cycle is pending (the queue is being drained).
    var busy = false
    /// Where the next filter pass starts (kube-scheduler's `nextStartNodeIndex`).
    var nextStartNode = 0
    var random: RandomSource

    init(random: RandomSource) { self.random = random }

    /// Queues a pod; returns whether the scheduler was idle, so a cycle must be started.
    mutating func push(_ p: Int) -> Bool {
        active.append(p)
        guard !busy else { return false }
        busy = true
        return true
    }

    /// The next pod to attempt, or `nil` (and the scheduler idle) when the queue is empty.
    mutating func popActive() -> Int? {
        guard head < active.count else {
            active.removeAll(keepingCapacity: true)
            head = 0
            busy = false
            return nil
        }
        let p = active[head]
        head += 1
        if head > 4096 && head * 2 > active.count {
            active.removeFirst(head)
            head = 0
        }
        return p
    }

    /// Empties the unschedulable set, returning its pods in index order.
    mutating func takeUnschedulable() -> [Int] {
        let pods = unschedulable.sorted()
        unschedulable.removeAll()
        return pods
    }

    /// kube-scheduler's defaults for a pod that requests no CPU or memory, used for scoring
    /// (`schedutil.DefaultMilliCPURequest`, `DefaultMemoryRequest`).
    static let defaultCPURequest: Int64 = 100
    static let defaultMemoryRequest: Int64 = 200 * 1024 * 1024

    /// A pod's requests with the non-zero defaults (`schedutil.GetNonzeroRequests`).
    static func nonZero(_ r: Resources) -> (cpu: Int64, memory: Int64) {
        (r.cpuMillis > 0 ? r.cpuMillis : defaultCPURequest, r.memoryBytes > 0 ? r.memoryBytes : defaultMemoryRequest)
    }

    /// `leastRequestedScore`: `(capacity − requested) × 100 / capacity` in integers, 0 when over.
    @inline(__always)
    static func leastRequested(_ requested: Int64, _ capacity: Int64) -> Int64 {
        guard capacity > 0, requested <= capacity else { return 0 }
        return (capacity - requested) * 100 / capacity
    }

    /// kube-scheduler's `podMaxInUnschedulablePodsDuration` and the period of its leftover flush.
    static let podMaxInUnschedulablePodsDuration = 300.0
    static let unschedulableFlushPeriod = SimTime.seconds(30)
}
