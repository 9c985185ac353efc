/// What a scaler sees at a decision point.
public struct ScalingInputs: Hashable, Sendable {
    public var now: Double
    /// Replicas that exist (ready or starting).
    public var replicas: Int
    public var readyReplicas: Int
    /// Requests that arrived since the previous decision.
    public var arrivals: Int
    /// Seconds since the previous decision.
    public var interval: Double
    /// Time-averaged requests in flight (queued or running) over the interval.
    public var averageConcurrency: Double
    /// Time-averaged CPU in use over the interval, in millicores, across ready replicas.
    public var averageCPUMillis: Double
    /// CPU requested per replica, in millicores.
    public var cpuRequestMillis: Double

    public init(now: Double, replicas: Int, readyReplicas: Int, arrivals: Int, interval: Double,
                averageConcurrency: Double = 0, averageCPUMillis: Double = 0, cpuRequestMillis: Double = 0)
    {
        self.now = now
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.arrivals = arrivals
        self.interval = interval
        self.averageConcurrency = averageConcurrency
        self.averageCPUMillis = averageCPUMillis
        self.cpuRequestMillis = cpuRequestMillis
    }
}

/// One scaling decision and why.
public struct ScalingDecision: Hashable, Sendable {
    public var desired: Int
    public var reason: String
}

/// faas-sim's request-rate threshold scaler, fixed: it steps by at least one replica (faas-sim's
/// default step is `int(1/100 × max)` = 0, so it never scaled).
public struct RequestRateScaler: Hashable, Sendable {
    public var threshold: Double
    public var step: Int
    public var minReplicas: Int
    public var maxReplicas: Int

    public init(threshold: Double, step: Int = 1, minReplicas: Int, maxReplicas: Int) {
        self.threshold = threshold
        self.step = max(1, step)
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    public func decide(_ i: ScalingInputs) -> ScalingDecision {
        let rate = i.interval > 0 ? Double(i.arrivals) / i.interval : 0
        let target = rate >= threshold ? i.replicas + step : i.replicas - step
        let desired = min(maxReplicas, max(minReplicas, target))
        return ScalingDecision(desired: desired, reason: "rate \(rate.fixedString) req/s \(rate >= threshold ? "≥" : "<") threshold \(threshold.fixedString)")
    }
}

/// faas-sim's average-requests scaler, fixed: the metric is requests per second per ready
/// replica (faas-sim used a count per window), and the decision is exact.
public struct AverageRequestsScaler: Hashable, Sendable {
    /// Requests per second one replica should take.
    public var target: Double
    public var tolerance: Double
    public var minReplicas: Int
    public var maxReplicas: Int

    public init(target: Double, tolerance: Double = 0.1, minReplicas: Int, maxReplicas: Int) {
        self.target = target
        self.tolerance = tolerance
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    public func decide(_ i: ScalingInputs) -> ScalingDecision {
        let rate = i.interval > 0 ? Double(i.arrivals) / i.interval : 0
        guard i.readyReplicas > 0 else {
            // Nothing ready to measure: keep what exists, but never stay at zero with traffic.
            let desired = rate > 0 ? max(i.replicas, 1, minReplicas) : max(i.replicas, minReplicas)
            return ScalingDecision(desired: min(maxReplicas, desired), reason: "no ready replica; rate \(rate.fixedString) req/s")
        }
        let perReplica = rate / Double(i.readyReplicas)
        let ratio = perReplica / target
        if abs(ratio - 1) <= tolerance {
            return ScalingDecision(desired: min(maxReplicas, max(minReplicas, i.replicas)), reason: "within tolerance (\(perReplica.fixedString) req/s per replica)")
        }
        let desired = Int((Double(i.readyReplicas) * ratio).rounded(.up))
        return ScalingDecision(desired: min(maxReplicas, max(minReplicas, desired)),
                               reason: "\(perReplica.fixedString) req/s per replica vs target \(target.fixedString)")
    }
}

/// The Kubernetes Horizontal Pod Autoscaler, as documented: ratio of the average metric to its
/// target, a 0.1 tolerance, `ceil(ratio × ready pods)`, unready pods counted as 0 % when
/// scaling up, a scale-down stabilisation window, and the default rate limits.
public struct HorizontalPodAutoscaler: Hashable, Sendable {
    public enum Metric: String, Hashable, Sendable, CaseIterable {
        /// Average CPU use as a fraction of the CPU request (target e.g. 0.5).
        case cpu
        /// Requests per second per pod.
        case rps
        /// Requests in flight per pod.
        case concurrency
    }

    public var metric: Metric
    public var target: Double
    public var tolerance: Double
    public var minReplicas: Int
    public var maxReplicas: Int
    /// Scale-down uses the highest recommendation of this many seconds.
    public var stabilizationWindow: Double
    var recommendations: [(time: Double, replicas: Int)] = []

    public init(metric: Metric, target: Double, tolerance: Double = 0.1, minReplicas: Int, maxReplicas: Int,
                stabilizationWindow: Double = 300)
    {
        self.metric = metric
        self.target = target
        self.tolerance = tolerance
        self.minReplicas = max(1, minReplicas)
        self.maxReplicas = maxReplicas
        self.stabilizationWindow = stabilizationWindow
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.metric == b.metric && a.target == b.target && a.tolerance == b.tolerance && a.minReplicas == b.minReplicas
            && a.maxReplicas == b.maxReplicas && a.stabilizationWindow == b.stabilizationWindow
    }
    public func hash(into h: inout Hasher) {
        h.combine(metric); h.combine(target); h.combine(minReplicas); h.combine(maxReplicas)
    }

    /// The metric summed over ready pods, from the interval's inputs.
    func readySum(_ i: ScalingInputs) -> Double {
        switch metric {
        case .cpu: return i.cpuRequestMillis > 0 ? i.averageCPUMillis / i.cpuRequestMillis : 0
        case .rps: return i.interval > 0 ? Double(i.arrivals) / i.interval : 0
        case .concurrency: return i.averageConcurrency
        }
    }

    /// The pure formula: recommendation before stabilisation and rate limits.
    public func recommend(metricSum sum: Double, readyPods ready: Int, unreadyPods unready: Int, current: Int) -> (replicas: Int, reason: String) {
        guard ready > 0 else { return (current, "no ready pod has a metric") }
        let usage = sum / Double(ready)
        let ratio = usage / target
        if abs(1 - ratio) <= tolerance {
            return (current, "ratio \(ratio.fixedString) within tolerance")
        }
        if ratio > 1 && unready > 0 {
            // Unready pods count as using 0 when scaling up; recompute with them.
            let newRatio = sum / (target * Double(ready + unready))
            if newRatio <= 1 || abs(1 - newRatio) <= tolerance {
                return (current, "ratio \(newRatio.fixedString) with \(unready) unready pods at 0: hold")
            }
            return (Int((newRatio * Double(ready + unready)).rounded(.up)), "ratio \(newRatio.fixedString) with \(unready) unready pods at 0")
        }
        return (Int((ratio * Double(ready)).rounded(.up)), "average \(usage.fixedString) vs target \(target.fixedString): ratio \(ratio.fixedString)")
    }

    public mutating func decide(_ i: ScalingInputs) -> ScalingDecision {
        let unready = max(0, i.replicas - i.readyReplicas)
        var (recommended, reason) = recommend(metricSum: readySum(i), readyPods: i.readyReplicas, unreadyPods: unready, current: i.replicas)
        recommended = min(maxReplicas, max(minReplicas, recommended))
        recommendations.append((i.now, recommended))
        recommendations.removeAll { $0.time < i.now - stabilizationWindow }
        var desired = recommended
        if recommended < i.replicas {
            let stabilized = recommendations.map(\.replicas).max() ?? recommended
            if stabilized > recommended { reason += "; stabilised at \(stabilized) (highest of \(Int(stabilizationWindow)) s)" }
            desired = min(i.replicas, stabilized)
        } else if recommended > i.replicas {
            // Default scale-up policy: at most double, or four more pods, per period.
            let limit = max(2 * i.replicas, i.replicas + 4)
            if recommended > limit { reason += "; limited to \(limit)" }
            desired = min(recommended, limit)
        }
        return ScalingDecision(desired: min(maxReplicas, max(minReplicas, desired)), reason: reason)
    }
}

/// The Knative Pod Autoscaler: stable and panic windows over observed concurrency, a target
/// concurrency per pod with a utilisation factor, panic mode, rate bounds, scale to zero after
/// a stable window without traffic plus a grace period.
public struct KnativeAutoscaler: Hashable, Sendable {
    public var targetConcurrency: Double
    public var utilization: Double
    public var stableWindow: Double
    public var panicWindow: Double
    public var panicThreshold: Double
    public var maxScaleUpRate: Double
    public var maxScaleDownRate: Double
    public var scaleToZeroGrace: Double
    public var minReplicas: Int
    public var maxReplicas: Int
    /// One averaged concurrency value per tick: (time, concurrency).
    var samples: [(time: Double, value: Double)] = []
    var panicUntil: Double?
    var panicMax = 0
    var lastTraffic: Double = -1e300

    public init(targetConcurrency: Double = 100, utilization: Double = 0.7, stableWindow: Double = 60, panicWindowPercent: Double = 10,
                panicThreshold: Double = 2, maxScaleUpRate: Double = 1000, maxScaleDownRate: Double = 2, scaleToZeroGrace: Double = 30,
                minReplicas: Int = 0, maxReplicas: Int)
    {
        self.targetConcurrency = targetConcurrency
        self.utilization = utilization
        self.stableWindow = stableWindow
        self.panicWindow = stableWindow * panicWindowPercent / 100
        self.panicThreshold = panicThreshold
        self.maxScaleUpRate = maxScaleUpRate
        self.maxScaleDownRate = maxScaleDownRate
        self.scaleToZeroGrace = scaleToZeroGrace
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.targetConcurrency == b.targetConcurrency && a.utilization == b.utilization && a.stableWindow == b.stableWindow
            && a.minReplicas == b.minReplicas && a.maxReplicas == b.maxReplicas
    }
    public func hash(into h: inout Hasher) {
        h.combine(targetConcurrency); h.combine(stableWindow); h.combine(maxReplicas)
    }

    public var target: Double { targetConcurrency * utilization }

    public mutating func decide(_ i: ScalingInputs) -> ScalingDecision {
        let now = i.now
        samples.append((now, i.averageConcurrency))
        samples.removeAll { $0.time <= now - stableWindow - 1e-9 }
        if i.averageConcurrency > 0 || i.arrivals > 0 { lastTraffic = now }
        func average(over window: Double) -> Double {
            let inWindow = samples.filter { $0.time > now - window - 1e-9 }
            return inWindow.isEmpty ? 0 : inWindow.reduce(0) { $0 + $1.value } / Double(inWindow.count)
        }
        let stableAvg = average(over: stableWindow)
        let panicAvg = average(over: panicWindow)
        let ready = Double(max(1, i.readyReplicas))
        var dspc = Int((stableAvg / target).rounded(.up))
        var dppc = Int((panicAvg / target).rounded(.up))
        let lower = Int((ready / maxScaleDownRate).rounded(.down))
        let upper = Int((maxScaleUpRate * ready).rounded(.up))
        dspc = min(upper, max(lower, dspc))
        dppc = min(upper, max(lower, dppc))
        var reason = "stable \(stableAvg.fixedString), panic \(panicAvg.fixedString) vs target \(target.fixedString) per pod"
        if Double(dppc) / ready >= panicThreshold {
            panicUntil = now + stableWindow
            reason += "; panic"
        }
        var desired: Int
        if let until = panicUntil, now < until {
            desired = max(dspc, dppc, panicMax)
            panicMax = desired
        } else {
            panicUntil = nil
            panicMax = 0
            desired = dspc
        }
        // A request always gets a replica; otherwise scale to zero only after a whole stable
        // window without traffic plus the grace period.
        if desired == 0 {
            if i.arrivals > 0 || i.averageConcurrency > 0 {
                desired = 1
            } else if i.replicas > 0 && now - lastTraffic < stableWindow + scaleToZeroGrace {
                desired = 1
                reason += "; idle, scale to zero at \((lastTraffic + stableWindow + scaleToZeroGrace).fixedString) s"
            }
        }
        return ScalingDecision(desired: min(maxReplicas, max(minReplicas, desired)), reason: reason)
    }
}

extension Double {
    var fixedString: String {
        guard isFinite, abs(self) < 1e15 else { return "\(self)" }
        let scaled = (self * 100).rounded() / 100
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}
