import Simulation

/// One finished request.
public struct RequestRecord: Hashable, Sendable {
    public var function: String
    public var arrival: Double
    /// Seconds spent waiting for a replica to become ready (0 without a cold start).
    public var coldStart: Double
    /// Seconds queued at the replica.
    public var wait: Double
    public var execution: Double
    public var finished: Double
    public var failure: RequestFailure?
}

/// Per-function results of a run.
public struct FunctionSummary: Hashable, Sendable {
    public var name: String
    public var scaler: String
    public var requests: Int
    public var completed: Int
    public var failures: [RequestFailure: Int]
    /// Requests that found no ready replica and waited for one (cold starts).
    public var coldStarts: Int
    public var throughput: Double
    public var wait: Percentiles
    public var coldStart: Percentiles
    public var execution: Percentiles
    public var latency: Percentiles
    public var maxReplicas: Int
    public var finalReplicas: Int
    public var energyJoules: Double
    public var usage: FunctionUsage
    public var cost: Double

    public var failed: Int { failures.values.reduce(0, +) }
}

/// What the FaaS platform did in a run.
public struct FaaSSummary: Hashable, Sendable {
    public var functions: [FunctionSummary]
    public var requests: Int
    public var completed: Int
    public var failed: Int
    public var throughput: Double
    public var latency: Percentiles
    /// Energy of all nodes: idle power over their up time plus the dynamic part.
    public var energyJoules: Double
    public var meanUtilization: Double
    public var peakUtilization: Double
    public var scalingDecisions: Int
}

/// What a benchmark prints of a FaaS run: `FaaSSummary`'s counts and overall latency (it
/// takes them from here), without its per-function distributions, usage, cost and energy
/// (over half of the summary's work on faas-sim's 100k benchmark).
public struct FaaSTotals: Hashable, Sendable {
    public var completed: Int
    public var failed: Int
    /// Over every completed request, as `FaaSSummary.latency`.
    public var latency: Percentiles
    /// Replicas of all functions at the end.
    public var finalReplicas: Int
    public var scalingDecisions: Int
}

extension ClusterSimulator {
    /// `faasSummary()`'s totals alone; `nil` when the scenario has no functions.
    public func faasTotals() -> FaaSTotals? {
        guard !faas.functions.isEmpty else { return nil }
        var all = Percentiles.Accumulator(capacity: faas.functions.reduce(0) { $0 + $1.samples.count })
        var completed = 0, failed = 0, replicas = 0
        for fn in faas.functions {
            for sample in fn.samples { all.add(sample.total) }
            completed += fn.completed
            failed += fn.failures.values.reduce(0, +)
            replicas += fn.replicas.count
        }
        return FaaSTotals(completed: completed, failed: failed, latency: all.percentiles, finalReplicas: replicas,
                          scalingDecisions: faas.scalingLog.count)
    }

    /// The FaaS part of the run's results; `nil` when the scenario has no functions.
    public func faasSummary() -> FaaSSummary? {
        guard !faas.functions.isEmpty else { return nil }
        let t = now.seconds
        var functions: [FunctionSummary] = []
        for fn in faas.functions {
            var usage = FunctionUsage(function: fn.spec.name, requests: fn.arrivals, gbSeconds: fn.gbSeconds, ingressBytes: fn.ingress,
                                      egressBytes: fn.egress, diskGBSeconds: fn.diskGBSeconds, replicaSeconds: fn.replicaSeconds,
                                      nodeShareHours: fn.nodeShareHours)
            for r in fn.replicas {
                // Replicas still alive are billed up to now.
                let use = replicaUsage(r)
                usage.replicaSeconds += use.seconds
                usage.diskGBSeconds += use.diskGBSeconds
                if let type = use.deviceType { usage.nodeShareHours[type, default: 0] += use.nodeShareHours }
            }
            // One field at a time (its keys then freed).
            let wait = Self.percentiles(fn.samples) { $0.wait }
            let cold = Self.percentiles(fn.samples) { $0.cold > 0 ? $0.cold : nil }
            let execution = Self.percentiles(fn.samples) { $0.execution }
            let latency = Self.percentiles(fn.samples) { $0.total }
            let firstStart = scenario.workloads.filter { $0.function == fn.spec.name }.map(\.start).min() ?? 0
            let span = max(1e-9, t - firstStart)
            functions.append(FunctionSummary(
                name: fn.spec.name, scaler: fn.spec.scaler.name, requests: fn.arrivals, completed: fn.completed, failures: fn.failures,
                coldStarts: fn.coldStarts, throughput: Double(fn.completed) / span,
                wait: wait, coldStart: cold, execution: execution, latency: latency,
                maxReplicas: fn.maxReplicas, finalReplicas: fn.replicas.count, energyJoules: fn.energy, usage: usage,
                cost: scenario.billing.cost(usage)))
        }
        let energy = nodeTable.nodes.indices.filter { nodeTable.hot[$0].hasJoined }.reduce(0.0) { $0 + nodeEnergy($1) }
        let timeline = faas.utilizationTimeline
        let requests = functions.reduce(0) { $0 + $1.requests }
        guard let totals = faasTotals() else { return nil }
        return FaaSSummary(
            functions: functions, requests: requests, completed: totals.completed, failed: totals.failed,
            throughput: t > 0 ? Double(totals.completed) / t : 0, latency: totals.latency, energyJoules: energy,
            meanUtilization: timeline.isEmpty ? 0 : timeline.reduce(0) { $0 + $1.mean } / Double(timeline.count),
            peakUtilization: timeline.map(\.max).max() ?? 0, scalingDecisions: totals.scalingDecisions)
    }

    /// Percentiles of one field of the samples (`nil`: the sample has none).
    @inline(__always)
    static func percentiles(_ samples: [FaaSState.Sample], _ field: (FaaSState.Sample) -> Float?) -> Percentiles {
        var accumulator = Percentiles.Accumulator(capacity: samples.count)
        for sample in samples {
            if let v = field(sample) { accumulator.add(v) }
        }
        return accumulator.percentiles
    }

    /// Every scaling decision with its inputs.
    public var scalingRecords: [ScalingRecord] { faas.scalingLog }

    /// Replicas over time per function: (time, function, replicas, ready).
    public var replicaTimeline: [(time: Double, function: String, replicas: Int, ready: Int)] {
        faas.functions.flatMap { fn in fn.replicaTimeline.map { ($0.time, fn.spec.name, $0.replicas, $0.ready) } }
            .sorted { ($0.time, $0.function) < ($1.time, $1.function) }
    }

    /// Replicas' CPU use against their request per function and monitor tick.
    public var replicaUtilizationTimeline: [(time: Double, function: String, ready: Int, mean: Double, max: Double)] {
        faas.replicaUtilization.map { ($0.time, faas.functions[$0.function].spec.name, $0.ready, $0.mean, $0.max) }
    }

    /// Cluster CPU utilisation per monitor interval: (time, mean over nodes up, busiest node).
    public var utilizationTimeline: [(time: Double, mean: Double, max: Double)] { faas.utilizationTimeline }
}
