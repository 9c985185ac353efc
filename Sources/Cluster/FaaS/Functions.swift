import Simulation

/// How a replica runs invocations.
public enum FunctionBehaviour: Hashable, Sendable {
    /// An HTTP watchdog with `workers` workers and a FIFO queue in front of them (OpenFaaS
    /// of-watchdog style).
    case httpWatchdog(workers: Int)
    /// A forking watchdog: every request gets its own process at once, after `forkOverhead`.
    case forking(forkOverhead: Double)
}

/// One image a function can run from, with the requests of the replica that runs it.
public struct FunctionImage: Hashable, Sendable {
    public var image: String
    public var requests: Resources
    public var nodeSelector: [String: String]

    public init(image: String, requests: Resources, nodeSelector: [String: String] = [:]) {
        self.image = image
        self.requests = requests
        self.nodeSelector = nodeSelector
    }
}

public enum LoadBalancing: String, Hashable, Sendable, CaseIterable {
    case roundRobin = "round-robin"
    case leastOutstanding = "least-outstanding"
}

/// How a function's replica count is decided.
public enum ScalerConfig: Hashable, Sendable {
    /// Keep `min` replicas (explicit scale commands still apply).
    case fixed
    case requestRate(threshold: Double, step: Int, interval: Double)
    case averageRequests(targetPerReplica: Double, window: Double)
    case hpa(metric: HorizontalPodAutoscaler.Metric, target: Double, syncPeriod: Double, stabilizationWindow: Double)
    case kpa(targetConcurrency: Double, utilization: Double, stableWindow: Double, panicWindowPercent: Double,
             panicThreshold: Double, scaleToZeroGrace: Double, tick: Double)

    /// Seconds between the scaler's decisions (0: it makes none).
    public var interval: Double {
        switch self {
        case .fixed: return 0
        case .requestRate(_, _, let interval): return interval
        case .averageRequests(_, let window): return window
        case .hpa(_, _, let syncPeriod, _): return syncPeriod
        case .kpa(_, _, _, _, _, _, let tick): return tick
        }
    }

    public var name: String {
        switch self {
        case .fixed: return "fixed"
        case .requestRate: return "request-rate"
        case .averageRequests: return "average-requests"
        case .hpa: return "hpa"
        case .kpa: return "kpa"
        }
    }
}

/// A function deployment: images in ranked order, scaling, per-device execution times, limits.
public struct FunctionSpec: Hashable, Sendable {
    public var name: String
    /// Ranked: the first that can be scheduled is used, then the next (e.g. GPU, then CPU).
    public var images: [FunctionImage]
    public var behaviour: FunctionBehaviour
    /// Execution time per device type; `default` for the others.
    public var executionTime: [String: Distribution]
    public var defaultExecutionTime: Distribution
    /// CPU a running invocation uses, in millicores.
    public var cpuPerInvocation: Double
    /// GPUs (fractions allowed), network and block I/O (bytes per second) a running invocation uses.
    public var gpuPerInvocation: Double = 0
    public var networkPerInvocation: Double = 0
    public var blockIOPerInvocation: Double = 0
    /// Memory an invocation uses; above `memoryLimit` the replica is killed and restarted.
    public var memoryPerInvocation: Distribution?
    public var memoryLimit: Int64?
    /// Per-invocation time limit in seconds.
    public var timeout: Double?
    public var requestBytes: Int64
    public var responseBytes: Int64
    /// Code fetched into the container during setup, at `codeBandwidth` bytes per second.
    public var codeBytes: Int64
    public var codeBandwidth: Double
    /// Round trip to where the code lives, before its transfer.
    public var codeRoundTrip: Double = 0
    public var lifecycle: LifecycleProfile
    public var teardown: Distribution
    public var minReplicas: Int
    public var maxReplicas: Int
    public var scaler: ScalerConfig
    /// With `minReplicas` 0: idle time after which the function scales to zero (KPA decides
    /// this itself).
    public var keepAlive: Double?
    public var loadBalancing: LoadBalancing
    /// Requests a single replica's queue may hold before new ones are refused.
    public var queueLimit: Int?

    public init(name: String, images: [FunctionImage], behaviour: FunctionBehaviour = .httpWatchdog(workers: 4),
                executionTime: [String: Distribution] = [:], defaultExecutionTime: Distribution = .exponential(mean: 0.1),
                cpuPerInvocation: Double? = nil, memoryPerInvocation: Distribution? = nil, memoryLimit: Int64? = nil,
                timeout: Double? = nil, requestBytes: Int64 = 0, responseBytes: Int64 = 0, codeBytes: Int64 = 0,
                codeBandwidth: Double = 100 * Units.mbps, lifecycle: LifecycleProfile = LifecycleProfile(),
                teardown: Distribution = .constant(0), minReplicas: Int = 1, maxReplicas: Int = 20,
                scaler: ScalerConfig = .fixed, keepAlive: Double? = nil, loadBalancing: LoadBalancing = .roundRobin,
                queueLimit: Int? = nil)
    {
        self.name = name
        self.images = images
        self.behaviour = behaviour
        self.executionTime = executionTime
        self.defaultExecutionTime = defaultExecutionTime
        let workers: Double
        switch behaviour {
        case .httpWatchdog(let w): workers = Double(max(1, w))
        case .forking: workers = 1
        }
        self.cpuPerInvocation = cpuPerInvocation ?? Double(images.first?.requests.cpuMillis ?? 0) / workers
        self.memoryPerInvocation = memoryPerInvocation
        self.memoryLimit = memoryLimit
        self.timeout = timeout
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.codeBytes = codeBytes
        self.codeBandwidth = codeBandwidth
        self.lifecycle = lifecycle
        self.teardown = teardown
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.scaler = scaler
        self.keepAlive = keepAlive
        self.loadBalancing = loadBalancing
        self.queueLimit = queueLimit
    }

    public var workers: Int {
        switch behaviour {
        case .httpWatchdog(let w): return max(1, w)
        case .forking: return Int.max / 4
        }
    }
}

/// When requests for a function arrive.
public enum ArrivalPattern: Hashable, Sendable {
    /// Evenly spaced.
    case constant(rate: Double)
    case poisson(rate: Double)
    /// Poisson with rate `mean + amplitude × sin(2π t / period)`.
    case sine(mean: Double, amplitude: Double, period: Double)
    /// Poisson with a rate moving linearly from `from` to `to` over the workload's duration.
    case ramp(from: Double, to: Double)
    /// Poisson at `base`, and at `burstRate` for `burstLength` seconds every `every` seconds.
    case bursts(base: Double, burstRate: Double, every: Double, burstLength: Double)
    /// Per-minute invocation counts (Azure Functions 2019 trace rows); each minute's requests
    /// are spread uniformly at random over it.
    case trace(perMinute: [Int])
}

public struct WorkloadSpec: Hashable, Sendable {
    public var function: String
    public var pattern: ArrivalPattern
    public var start: Double
    /// Seconds of load (`nil`: until `maxRequests`, or the end of a trace).
    public var duration: Double?
    public var maxRequests: Int?

    public init(function: String, pattern: ArrivalPattern, start: Double = 0, duration: Double? = nil, maxRequests: Int? = nil) {
        self.function = function
        self.pattern = pattern
        self.start = start
        self.duration = duration
        self.maxRequests = maxRequests
    }
}

/// An explicit scale command at a given time.
public struct ScaleCommand: Hashable, Sendable {
    public var function: String
    public var at: Double
    public var replicas: Int
    public init(function: String, at: Double, replicas: Int) {
        self.function = function
        self.at = at
        self.replicas = replicas
    }
}

/// Prices for a function's use.
public enum BillingModel: Sendable {
    /// Lambda style: GB-seconds of memory while executing, a price per request, egress per GB.
    case lambda(perGBSecond: Double, perRequest: Double, perGBEgress: Double)
    /// Per hour of each replica's node share (a replica pays its CPU-request share of its node).
    case nodeHours(pricePerHour: [String: Double], defaultPrice: Double)
    /// Any function of the usage.
    case custom(@Sendable (FunctionUsage) -> Double)

    public static let awsLambda = BillingModel.lambda(perGBSecond: 0.0000166667, perRequest: 0.0000002, perGBEgress: 0.09)

    public func cost(_ u: FunctionUsage) -> Double {
        switch self {
        case .lambda(let gbs, let req, let egress):
            return u.gbSeconds * gbs + Double(u.requests) * req + Double(u.egressBytes) / 1e9 * egress
        case .nodeHours(let prices, let fallback):
            return u.nodeShareHours.reduce(0) { $0 + $1.value * (prices[$1.key] ?? fallback) }
        case .custom(let f):
            return f(u)
        }
    }
}

/// What a function used during a run, for billing.
public struct FunctionUsage: Hashable, Sendable {
    public var function: String
    public var requests: Int
    /// Memory limit (or request) × execution time, in GB-seconds.
    public var gbSeconds: Double
    public var ingressBytes: Int64
    public var egressBytes: Int64
    /// Local disk reserved × replica lifetime, in GB-seconds.
    public var diskGBSeconds: Double
    public var replicaSeconds: Double
    /// Replica lifetime × CPU share of its node, in hours, by device type.
    public var nodeShareHours: [String: Double]
}
