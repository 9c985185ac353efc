/// Scaler decisions are whole ticks of microseconds apart; half a microsecond separates a
/// sample taken exactly one window ago (outside the window) from the next one (inside).
let windowEdge = 5e-7

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
    /// Requests handed to a replica since the previous decision (faas-sim counts these).
    public var dispatched = 0

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
/// replica (faas-sim used a count per window), and the decision is exact. With `faasSim`, it
/// decides as faas-sim's `AverageFaasRequestScaler` does (see ``decideAsFaaSSim(_:)``).
public struct AverageRequestsScaler: Hashable, Sendable {
    /// Requests per second one replica should take.
    public var target: Double
    public var tolerance: Double
    public var minReplicas: Int
    public var maxReplicas: Int
    public var faasSim = false

    public init(target: Double, tolerance: Double = 0.1, minReplicas: Int, maxReplicas: Int, faasSim: Bool = false) {
        self.target = target
        self.tolerance = tolerance
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.faasSim = faasSim
    }

    /// faas-sim's rule (sim/faas/scaling.py, AverageFaasRequestScaler) without its bugs:
    /// requests dispatched in the window per running replica against `target × window`;
    /// `desired = ⌈running × average / threshold⌉`; while replicas are starting, a scale-up
    /// that would reverse once they count is skipped; no change for 1 − tolerance ≤ ratio < 1
    /// or 1 < ratio < 1 + tolerance; a scale-up adds `desired − running` to the replicas that
    /// exist (starting ones included), a scale-down removes `running − desired` exactly
    /// (faas-sim's removes about half, a confirmed bug).
    public func decideAsFaaSSim(_ i: ScalingInputs) -> ScalingDecision {
        let kept = min(maxReplicas, max(minReplicas, i.replicas))
        let running = i.readyReplicas
        // faas-sim does nothing while no replica runs.
        guard running > 0, i.interval > 0 else { return ScalingDecision(desired: i.replicas, reason: "no running replica") }
        let threshold = target * i.interval
        var average = Double(i.dispatched) / Double(running)
        let desired = Int((Double(running) * average / threshold).rounded(.up))
        var updated = desired
        let starting = i.replicas - running
        if starting > 0 && desired > running {
            average = Double(i.dispatched) / Double(running + starting)
            updated = Int((Double(running) * average / threshold).rounded(.up))
        }
        if desired > running && updated < running {
            return ScalingDecision(desired: kept, reason: "scale-up reversed by \(starting) starting replicas")
        }
        let ratio = average / threshold
        if (ratio >= 1 - tolerance && ratio < 1) || (ratio > 1 && ratio < 1 + tolerance) {
            return ScalingDecision(desired: kept, reason: "within tolerance (\(i.dispatched) dispatched, ratio \(ratio.fixedString))")
        }
        let total = desired < running ? i.replicas - (running - desired) : i.replicas + (desired - running)
        return ScalingDecision(desired: min(maxReplicas, max(minReplicas, total)),
                               reason: "\(i.dispatched) dispatched to \(running) running, ratio \(ratio.fixedString) of \(threshold.fixedString) per replica")
    }

    public func decide(_ i: ScalingInputs) -> ScalingDecision {
        if faasSim { return decideAsFaaSSim(i) }
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

/// The Kubernetes Horizontal Pod Autoscaler, as `pkg/controller/podautoscaler/horizontal.go` and
/// `replica_calculator.go` compute it: ratio of the average metric to its target, a 0.1
/// tolerance, `ceil(ratio × ready pods)`, unready pods counted as 0 % when scaling up, a
/// scale-down stabilisation window (recommendations strictly newer than `now − window`), and
/// the default rate limits, applied per policy period from the replica count at the period's
/// start (scale-up: the larger of +4 pods and +100 % per 15 s; scale-down: 100 % per 15 s).
///
/// `minReplicas` must be at least 1, as the API validates it (`minReplicas: 0` needs the alpha
/// `HPAScaleToZero` gate and object or external metrics); a target scaled to zero by someone
/// else leaves the autoscaler idle, as Kubernetes disables autoscaling for a target at 0 replicas.
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
    /// The period of the default scaling policies (`periodSeconds: 15`).
    public var policyPeriod: Double
    var recommendations: [(time: Double, replicas: Int)] = []
    /// Changes this autoscaler made: (time, replicas added (> 0) or removed (< 0)).
    var scaleEvents: [(time: Double, change: Int)] = []

    public init(metric: Metric, target: Double, tolerance: Double = 0.1, minReplicas: Int, maxReplicas: Int,
                stabilizationWindow: Double = 300, policyPeriod: Double = 15)
    {
        self.metric = metric
        self.target = target
        self.tolerance = tolerance
        self.minReplicas = max(1, minReplicas)
        self.maxReplicas = maxReplicas
        self.stabilizationWindow = stabilizationWindow
        self.policyPeriod = policyPeriod
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.metric == b.metric && a.target == b.target && a.tolerance == b.tolerance && a.minReplicas == b.minReplicas
            && a.maxReplicas == b.maxReplicas && a.stabilizationWindow == b.stabilizationWindow && a.policyPeriod == b.policyPeriod
    }
    public func hash(into h: inout Hasher) {
        h.combine(metric); h.combine(target); h.combine(minReplicas); h.combine(maxReplicas)
    }

    /// The metric summed over ready pods, from the interval's inputs. CPU is utilisation against
    /// the requests, in whole percent as the replica calculator truncates it
    /// (`int32(metricsTotal × 100 / requestsTotal)`).
    func readySum(_ i: ScalingInputs) -> Double {
        switch metric {
        case .cpu:
            guard i.cpuRequestMillis > 0, i.readyReplicas > 0 else { return 0 }
            let percent = (i.averageCPUMillis * 100 / (i.cpuRequestMillis * Double(i.readyReplicas))).rounded(.down)
            return percent / 100 * Double(i.readyReplicas)
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

    /// Replicas added (`up`) or removed in the policy period ending now (events strictly newer
    /// than `now − period`, as `getReplicasChangePerPeriod`).
    func changeInPeriod(now: Double, up: Bool) -> Int {
        var total = 0
        for e in scaleEvents where e.time > now - policyPeriod + windowEdge && (e.change > 0) == up { total += abs(e.change) }
        return total
    }

    public mutating func decide(_ i: ScalingInputs) -> ScalingDecision {
        let now = i.now
        let epsilon = windowEdge
        guard i.replicas > 0 else {
            return ScalingDecision(desired: 0, reason: "target at 0 replicas: autoscaling disabled")
        }
        let unready = max(0, i.replicas - i.readyReplicas)
        var (recommended, reason) = recommend(metricSum: readySum(i), readyPods: i.readyReplicas, unreadyPods: unready, current: i.replicas)
        // Stabilise: the highest recommendation newer than `now − window`, this one included
        // (`stabilizeRecommendationWithBehaviors`; the scale-up window is 0).
        recommendations.removeAll { $0.time <= now - stabilizationWindow + epsilon }
        var highest = recommended
        for r in recommendations { highest = max(highest, r.replicas) }
        recommendations.append((now, recommended))
        var desired = min(max(i.replicas, recommended), highest)
        if recommended < i.replicas && highest > recommended {
            reason += "; stabilised at \(desired) (highest of \(Int(stabilizationWindow)) s)"
        }
        // Rate limits (`convertDesiredReplicasWithBehaviorRate`).
        let added = changeInPeriod(now: now, up: true), removed = changeInPeriod(now: now, up: false)
        let periodStart = i.replicas - added + removed
        if desired > i.replicas {
            let limit = max(i.replicas, max(periodStart + 4, Int((Double(periodStart) * 2).rounded(.up))))
            let ceiling = min(maxReplicas, limit)
            if desired > ceiling {
                reason += ceiling == limit ? "; limited to \(limit) (from \(periodStart) at the period's start)" : "; capped at max \(maxReplicas)"
                desired = ceiling
            }
        } else if desired < i.replicas {
            // 100 % per period allows any decrease down to min replicas.
            desired = max(desired, minReplicas)
        }
        desired = min(maxReplicas, max(minReplicas, desired))
        if desired != i.replicas {
            scaleEvents.append((now, desired - i.replicas))
            scaleEvents.removeAll { $0.time <= now - policyPeriod + epsilon }
        }
        return ScalingDecision(desired: desired, reason: reason)
    }
}

/// The Knative Pod Autoscaler (knative/serving `pkg/autoscaler/scaling/autoscaler.go`): stable
/// and panic windows over observed concurrency, a target concurrency per pod with a utilisation
/// factor, panic mode, rate bounds, and scale to zero once a whole stable window saw no traffic.
///
/// Each decision's sample is the concurrency averaged over the tick that just ended, so a window
/// of `w` seconds averages exactly the samples taken in `(now − w, now]` — Knative's
/// `WindowAverage` over the last `w` of buckets. Scale to zero waits, after the idle stable
/// window, for the activator to be in the request path (`activatorDelay`, 0 when it already is, as
/// with the default target burst capacity of an idle revision); `scaleToZeroGrace` is the upper
/// bound of that wait, as in Knative's KPA reconciler (`pkg/reconciler/autoscaling/kpa/scaler.go`).
public struct KnativeAutoscaler: Hashable, Sendable {
    public var targetConcurrency: Double
    public var utilization: Double
    public var stableWindow: Double
    public var panicWindow: Double
    public var panicThreshold: Double
    public var maxScaleUpRate: Double
    public var maxScaleDownRate: Double
    public var scaleToZeroGrace: Double
    /// Time the activator needs to be put in the request path once the revision is idle.
    public var activatorDelay: Double
    public var minReplicas: Int
    public var maxReplicas: Int
    /// One averaged concurrency value per tick: (time, concurrency).
    var samples: [(time: Double, value: Double)] = []
    /// When the panic threshold was last crossed; `nil` when not panicking.
    var panicTime: Double?
    var panicMax = 0
    var lastTraffic: Double = -1e300

    public init(targetConcurrency: Double = 100, utilization: Double = 0.7, stableWindow: Double = 60, panicWindowPercent: Double = 10,
                panicThreshold: Double = 2, maxScaleUpRate: Double = 1000, maxScaleDownRate: Double = 2, scaleToZeroGrace: Double = 30,
                activatorDelay: Double = 0, minReplicas: Int = 0, maxReplicas: Int)
    {
        self.targetConcurrency = targetConcurrency
        self.utilization = utilization
        self.stableWindow = stableWindow
        self.panicWindow = stableWindow * panicWindowPercent / 100
        self.panicThreshold = panicThreshold
        self.maxScaleUpRate = maxScaleUpRate
        self.maxScaleDownRate = maxScaleDownRate
        self.scaleToZeroGrace = scaleToZeroGrace
        self.activatorDelay = activatorDelay
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

    /// The wait after an idle stable window before the last replica goes.
    public var scaleToZeroWait: Double { min(scaleToZeroGrace, activatorDelay) }

    public mutating func decide(_ i: ScalingInputs) -> ScalingDecision {
        let now = i.now
        let epsilon = windowEdge
        samples.append((now, i.averageConcurrency))
        samples.removeAll { $0.time <= now - stableWindow + epsilon }
        if i.averageConcurrency > 0 || i.arrivals > 0 { lastTraffic = now }
        func average(over window: Double) -> Double {
            var sum = 0.0, count = 0
            for s in samples where s.time > now - window + epsilon {
                sum += s.value
                count += 1
            }
            return count == 0 ? 0 : sum / Double(count)
        }
        let stableAvg = average(over: stableWindow)
        let panicAvg = average(over: panicWindow)
        let ready = Double(max(1, i.readyReplicas))
        let dspc = (stableAvg / target).rounded(.up)
        let dppc = (panicAvg / target).rounded(.up)
        let lower = (ready / maxScaleDownRate).rounded(.down)
        let upper = (maxScaleUpRate * ready).rounded(.up)
        let stablePods = Int(min(upper, max(lower, dspc)))
        let panicPods = Int(min(upper, max(lower, dppc)))
        var reason = "stable \(stableAvg.fixedString), panic \(panicAvg.fixedString) vs target \(target.fixedString) per pod"
        // The threshold is tested on the unclamped panic pod count.
        let overThreshold = dppc / ready >= panicThreshold
        if overThreshold {
            panicTime = now
            reason += "; panic"
        } else if let since = panicTime, since + stableWindow < now - epsilon {
            // Un-panic once a whole stable window passed since the threshold was last crossed.
            panicTime = nil
            panicMax = 0
        }
        var desired: Int
        if panicTime != nil {
            // Never scale down while panicking.
            panicMax = max(panicMax, stablePods, panicPods)
            desired = panicMax
        } else {
            desired = stablePods
        }
        // A request always gets a replica; otherwise scale to zero only after a whole stable
        // window without traffic plus the wait for the activator.
        if desired == 0 {
            if i.arrivals > 0 || i.averageConcurrency > 0 {
                desired = 1
            } else if i.replicas > 0 && now - lastTraffic < stableWindow + scaleToZeroWait - epsilon {
                desired = 1
                reason += "; idle, scale to zero at \((lastTraffic + stableWindow + scaleToZeroWait).fixedString) s"
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
