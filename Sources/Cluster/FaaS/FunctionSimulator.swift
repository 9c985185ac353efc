import Simulation

/// Where a function's replica runs, as a ``FunctionSimulator`` sees it.
public struct ReplicaContext: Hashable, Sendable {
    public var function: String
    public var replica: String
    public var node: String
    public var deviceType: String
    public var architecture: Architecture
    /// The node's CPU in use by running invocations, as a fraction of its capacity.
    public var nodeCPULoad: Double
}

/// What one invocation takes.
public struct InvocationPlan: Hashable, Sendable {
    public var duration: Double
    /// CPU the invocation uses while it runs, in millicores.
    public var cpuMillis: Double
    /// Memory it uses; above the function's memory limit the replica is killed.
    public var memoryBytes: Double?
    /// GPUs, network and block I/O (bytes per second) it uses; `nil` takes the function's values.
    public var gpus: Double?
    public var networkBytesPerSecond: Double?
    public var blockIOBytesPerSecond: Double?

    public init(duration: Double, cpuMillis: Double, memoryBytes: Double? = nil, gpus: Double? = nil,
                networkBytesPerSecond: Double? = nil, blockIOBytesPerSecond: Double? = nil)
    {
        self.duration = duration
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
        self.gpus = gpus
        self.networkBytesPerSecond = networkBytesPerSecond
        self.blockIOBytesPerSecond = blockIOBytesPerSecond
    }
}

/// The five lifecycle phases of a function replica, for library users who model a function
/// in Swift. Each returns seconds (or the invocation's plan); the platform drives the phases:
///
/// - `deploy`: after the image pull, before the container starts (e.g. registry auth, volume
///   attach);
/// - `startup`: container start;
/// - `setup`: before the replica is ready (loading a model, fetching code);
/// - `invoke`: one request;
/// - `teardown`: between removal and the pod being gone.
///
/// ```swift
/// struct CachedModel: FunctionSimulator {
///     func setup(_ c: ReplicaContext, random: inout RandomSource) -> Double { c.deviceType == "nuc" ? 4 : 9 }
///     func invoke(_ c: ReplicaContext, random: inout RandomSource) -> InvocationPlan {
///         InvocationPlan(duration: 0.05 * (1 + c.nodeCPULoad), cpuMillis: 1000)
///     }
/// }
/// scenario.functionSimulators["classify"] = CachedModel()
/// ```
/// Phases a type does not implement come from the ``FunctionSpec``.
public protocol FunctionSimulator: Sendable {
    func deploy(_ context: ReplicaContext, random: inout RandomSource) -> Double?
    func startup(_ context: ReplicaContext, random: inout RandomSource) -> Double?
    func setup(_ context: ReplicaContext, random: inout RandomSource) -> Double?
    func invoke(_ context: ReplicaContext, random: inout RandomSource) -> InvocationPlan?
    func teardown(_ context: ReplicaContext, random: inout RandomSource) -> Double?
}

extension FunctionSimulator {
    public func deploy(_ context: ReplicaContext, random: inout RandomSource) -> Double? { nil }
    public func startup(_ context: ReplicaContext, random: inout RandomSource) -> Double? { nil }
    public func setup(_ context: ReplicaContext, random: inout RandomSource) -> Double? { nil }
    public func invoke(_ context: ReplicaContext, random: inout RandomSource) -> InvocationPlan? { nil }
    public func teardown(_ context: ReplicaContext, random: inout RandomSource) -> Double? { nil }
}

extension ClusterSimulator {
    /// Whether a pod is a replica of a function modelled by a ``FunctionSimulator`` (a cheap
    /// check for the hot paths).
    func hasCustomSimulator(pod p: Int) -> Bool {
        let f = pods[p].function
        return f >= 0 && faas.functions[f].hasCustomSimulator
    }

    /// The custom simulator of a pod's function, with the replica's context.
    func functionSimulator(forPod p: Int) -> (any FunctionSimulator, ReplicaContext)? {
        let f = pods[p].function
        guard f >= 0, faas.functions[f].hasCustomSimulator, let sim = scenario.functionSimulators[faas.functions[f].spec.name] else { return nil }
        let n = pods[p].node
        guard n >= 0 else { return nil }
        let context = ReplicaContext(function: faas.functions[f].spec.name, replica: pods[p].spec.name, node: nodeTable.nodes[n].spec.name,
                                     deviceType: nodeTable.nodes[n].spec.deviceType, architecture: nodeTable.hot[n].architecture,
                                     nodeCPULoad: nodeTable.usage[n].cpuInUse / nodeTable.usage[n].cpuCapacity)
        return (sim, context)
    }
}
