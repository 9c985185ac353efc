import Cluster
import Testing

/// Scaler decisions against cases computed by hand from the published formulas.
@Suite("Autoscalers")
struct AutoscalerTests {
    static func inputs(now: Double = 10, replicas: Int, ready: Int? = nil, arrivals: Int = 0, interval: Double = 10,
                       concurrency: Double = 0, cpu: Double = 0, cpuRequest: Double = 1000) -> ScalingInputs
    {
        ScalingInputs(now: now, replicas: replicas, readyReplicas: ready ?? replicas, arrivals: arrivals, interval: interval,
                      averageConcurrency: concurrency, averageCPUMillis: cpu, cpuRequestMillis: cpuRequest)
    }

    @Test("request-rate scaler steps by at least one replica (faas-sim's default step was 0)")
    func requestRateStep() {
        let s = RequestRateScaler(threshold: 20, step: 0, minReplicas: 1, maxReplicas: 20)
        #expect(s.decide(Self.inputs(replicas: 3, arrivals: 300)).desired == 4)  // 30 req/s ≥ 20
        #expect(s.decide(Self.inputs(replicas: 3, arrivals: 100)).desired == 2)  // 10 req/s < 20
        #expect(s.decide(Self.inputs(replicas: 1, arrivals: 0)).desired == 1)  // never below min
    }

    @Test("average-requests scaler: requests per second per ready replica, exact result")
    func averageRequests() {
        let s = AverageRequestsScaler(target: 20, minReplicas: 1, maxReplicas: 50)
        // 3 replicas, 150 requests in 10 s: 5 req/s each, ratio 0.25 → ceil(0.75) = 1.
        #expect(s.decide(Self.inputs(replicas: 3, arrivals: 150)).desired == 1)
        // 60 req/s over 3 replicas is exactly the target: hold.
        #expect(s.decide(Self.inputs(replicas: 3, arrivals: 600)).desired == 3)
        // 500 req/s over 1 replica: ratio 25 → 25 replicas.
        #expect(s.decide(Self.inputs(replicas: 1, arrivals: 5000)).desired == 25)
        // Capped at max.
        #expect(s.decide(Self.inputs(replicas: 10, arrivals: 200_000)).desired == 50)
    }

    @Test("HPA: ceil(ratio × ready), tolerance 0.1")
    func hpaFormula() {
        let h = HorizontalPodAutoscaler(metric: .cpu, target: 0.5, minReplicas: 1, maxReplicas: 100)
        #expect(h.recommend(metricSum: 3.2, readyPods: 4, unreadyPods: 0, current: 4).replicas == 7)  // 0.8/0.5 = 1.6 → 6.4 → 7
        #expect(h.recommend(metricSum: 2.08, readyPods: 4, unreadyPods: 0, current: 4).replicas == 4)  // ratio 1.04: within tolerance
        #expect(h.recommend(metricSum: 0.4, readyPods: 4, unreadyPods: 0, current: 4).replicas == 1)  // ratio 0.2 → 0.8 → 1
    }

    @Test("HPA: unready pods count as 0 when scaling up")
    func hpaUnready() {
        let h = HorizontalPodAutoscaler(metric: .cpu, target: 0.5, minReplicas: 1, maxReplicas: 100)
        // 2 ready at 0.8 (ratio 1.6) + 2 unready: 1.6 / (0.5 × 4) = 0.8 ≤ 1 → hold.
        #expect(h.recommend(metricSum: 1.6, readyPods: 2, unreadyPods: 2, current: 4).replicas == 4)
        // 2 ready at 1.5 + 2 unready: 3.0 / 2.0 = 1.5 → ceil(1.5 × 4) = 6.
        #expect(h.recommend(metricSum: 3.0, readyPods: 2, unreadyPods: 2, current: 4).replicas == 6)
    }

    @Test("HPA: scale-down stabilisation over 300 s and the scale-up rate limit")
    func hpaBehaviour() {
        var h = HorizontalPodAutoscaler(metric: .cpu, target: 0.5, minReplicas: 1, maxReplicas: 100)
        // t=0: at target with 10 pods.
        #expect(h.decide(Self.inputs(now: 0, replicas: 10, cpu: 5000, cpuRequest: 1000)).desired == 10)
        // t=15: load drops (recommendation 2), but the window still holds 10.
        #expect(h.decide(Self.inputs(now: 15, replicas: 10, cpu: 1000, cpuRequest: 1000)).desired == 10)
        // t=320: the high recommendation left the window.
        #expect(h.decide(Self.inputs(now: 320, replicas: 10, cpu: 1000, cpuRequest: 1000)).desired == 2)
        // Scale-up: 2 pods asked to become 20 → at most max(2 × 2, 2 + 4) = 6.
        var up = HorizontalPodAutoscaler(metric: .cpu, target: 0.5, minReplicas: 1, maxReplicas: 100)
        #expect(up.decide(Self.inputs(now: 0, replicas: 2, cpu: 10_000, cpuRequest: 1000)).desired == 6)
    }

    @Test("HPA on requests per second")
    func hpaRPS() {
        var h = HorizontalPodAutoscaler(metric: .rps, target: 10, minReplicas: 1, maxReplicas: 100)
        // 300 requests in 10 s = 30 req/s over 2 pods = 15 each: ratio 1.5 → 3.
        #expect(h.decide(Self.inputs(replicas: 2, arrivals: 300)).desired == 3)
    }

    @Test("KPA: stable and panic windows, panic mode")
    func kpa() {
        var k = KnativeAutoscaler(targetConcurrency: 100, utilization: 0.7, maxReplicas: 100)
        #expect(k.target == 70)
        // One tick at 140 in flight: stable 140 → 2; panic 140 → 2; 2/1 ≥ 2 → panic: max(2, 2) = 2.
        let first = k.decide(Self.inputs(now: 2, replicas: 1, ready: 1, arrivals: 100, interval: 2, concurrency: 140))
        #expect(first.desired == 2)
        #expect(first.reason.contains("panic"))
        // Burst to 420: both windows (60 s and 6 s) hold the samples at 2 s and 4 s: average 280 → 4;
        // 4 / 2 ready ≥ 2: still panicking → 4.
        #expect(k.decide(Self.inputs(now: 4, replicas: 2, ready: 2, arrivals: 100, interval: 2, concurrency: 420)).desired == 4)
        // Load falls to 0: averages (140 + 420 + 0) / 3 ≈ 187 → 3, but in panic it never goes below the panic maximum 4.
        #expect(k.decide(Self.inputs(now: 6, replicas: 4, ready: 4, arrivals: 0, interval: 2, concurrency: 0)).desired == 4)
        // A stable window later, panic is over and the stable average rules.
        var t = 8.0
        var last = 4
        while t < 70 {
            last = k.decide(Self.inputs(now: t, replicas: last, ready: last, arrivals: 10, interval: 2, concurrency: 70)).desired
            t += 2
        }
        #expect(last == 1)
    }

    /// Knative's KPA reconciler (knative/serving pkg/reconciler/autoscaling/kpa/scaler.go,
    /// `handleScaleToZero`): the revision goes inactive after a stable window at desired 0, and the
    /// last pod goes as soon as the activator is in the path; `scale-to-zero-grace-period` is "the
    /// upper bound time limit that the system will wait internally for scale-from-zero machinery
    /// to be in place" (config/core/configmaps/autoscaler.yaml). The old model always waited the
    /// whole grace period on top of the stable window.
    @Test("KPA scales to zero after an idle stable window plus the activator's delay, the grace period being its upper bound",
          arguments: [(0.0, 60.0), (10.0, 70.0), (100.0, 90.0)])
    func kpaScaleToZero(activatorDelay: Double, zeroAt: Double) {
        var k = KnativeAutoscaler(targetConcurrency: 10, utilization: 1, stableWindow: 60, scaleToZeroGrace: 30, activatorDelay: activatorDelay,
                                  maxReplicas: 10)
        // Last traffic in the tick ending at 0 s.
        _ = k.decide(Self.inputs(now: 0, replicas: 1, arrivals: 5, interval: 2, concurrency: 5))
        var t = 2.0
        var last = 1
        while t < zeroAt {
            last = k.decide(Self.inputs(now: t, replicas: last, arrivals: 0, interval: 2, concurrency: 0)).desired
            #expect(last >= 1, "scaled to zero too early at \(t)")
            t += 2
        }
        // 0 + 60 s stable window + min(30 s grace, activator delay).
        #expect(k.decide(Self.inputs(now: zeroAt, replicas: last, arrivals: 0, interval: 2, concurrency: 0)).desired == 0)
        // A request at zero brings one replica back.
        #expect(k.decide(Self.inputs(now: zeroAt + 2, replicas: 0, ready: 0, arrivals: 1, interval: 2, concurrency: 1)).desired == 1)
    }

    /// knative/serving pkg/autoscaler/aggregation/max (timed float buckets) `WindowAverage`
    /// averages exactly the last `window` of buckets; the 6 s panic window at a 2 s tick is the
    /// samples of the last three ticks. Samples 0, 30, 30, 35 at 2, 4, 6, 8 s, target 10, 2 ready:
    /// at 8 s the panic average is (30 + 30 + 35) / 3 = 31.67 → dppc = ceil(3.167) = 4, and
    /// 4 / 2 ≥ 2 → panic; desired = max(stable ceil(95 / 4 / 10) = 3, panic 4) = 4. Averaging 8 s
    /// (the sample at 2 s too) gives 95 / 4 = 23.75 → 3 → no panic: the burst seen a tick late.
    @Test("KPA panic window averages exactly its 6 s")
    func kpaPanicWindowLength() {
        var k = KnativeAutoscaler(targetConcurrency: 10, utilization: 1, stableWindow: 60, maxReplicas: 100)
        for (t, c) in [(2.0, 0.0), (4, 30), (6, 30)] {
            let d = k.decide(Self.inputs(now: t, replicas: 2, ready: 2, interval: 2, concurrency: c))
            #expect(!d.reason.contains("; panic"), "no panic yet at \(t)")
        }
        let d = k.decide(Self.inputs(now: 8, replicas: 2, ready: 2, interval: 2, concurrency: 35))
        #expect(d.reason.contains("; panic"))
        #expect(d.desired == 4)
    }

    /// Stable window of 10 s at a 2 s tick: a sample exactly 10 s old is outside
    /// (`autoscaler.go` reads `StableAndPanicConcurrency` over `(now − window, now]`).
    @Test("KPA stable window leaves out the sample taken exactly one window ago")
    func kpaStableWindowLength() {
        var k = KnativeAutoscaler(targetConcurrency: 10, utilization: 1, stableWindow: 10, panicThreshold: 1000, maxReplicas: 100)
        _ = k.decide(Self.inputs(now: 2, replicas: 1, arrivals: 1, interval: 2, concurrency: 100))
        for t in [4.0, 6, 8] { _ = k.decide(Self.inputs(now: t, replicas: 2, ready: 1, interval: 2)) }
        // At 10 s the window (0, 10] still holds the 100: 100 / 5 = 20 → ceil(20 / 10) = 2.
        #expect(k.decide(Self.inputs(now: 10, replicas: 2, ready: 1, interval: 2)).desired == 2)
        // At 12 s the window (2, 12] does not: average 0 → 0 (a whole idle stable window since 2 s).
        #expect(k.decide(Self.inputs(now: 12, replicas: 2, ready: 1, interval: 2)).desired == 0)
    }

    /// `autoscaler.go`: `isOverPanicThreshold := dppc/readyPodsCount >= spec.PanicThreshold` uses
    /// the raw `dppc`, before the [maxScaleDown, maxScaleUp] clamp. maxScaleUpRate 1.5 with 2
    /// ready: upper bound ceil(3) = 3. Panic average 50, target 10: raw dppc 5, 5 / 2 = 2.5 ≥ 2 →
    /// panic (the clamped 3 / 2 = 1.5 would not); desired = max(3, 3) = 3.
    @Test("KPA tests the panic threshold on the unclamped panic pod count")
    func kpaPanicThresholdUnclamped() {
        var k = KnativeAutoscaler(targetConcurrency: 10, utilization: 1, maxScaleUpRate: 1.5, maxReplicas: 100)
        let d = k.decide(Self.inputs(now: 2, replicas: 2, ready: 2, interval: 2, concurrency: 50))
        #expect(d.reason.contains("; panic"))
        #expect(d.desired == 3)
    }

    /// `autoscaler.go` un-panics only when `a.panicTime.Add(spec.StableWindow).Before(now)`:
    /// strictly later than panic time + stable window. Panic at 2 s (40 in flight, target 10, one
    /// ready → dppc 4); then 10 in flight over 4 ready, below the threshold. At 62 s = 2 + 60 the
    /// panic still holds the maximum 4; at 64 s it ends and the stable count rules: average 10 →
    /// dspc 1, raised to the scale-down bound floor(4 / 2) = 2.
    @Test("KPA panic ends only once panic time + stable window is strictly before now")
    func kpaPanicEnd() {
        var k = KnativeAutoscaler(targetConcurrency: 10, utilization: 1, stableWindow: 60, maxReplicas: 100)
        #expect(k.decide(Self.inputs(now: 2, replicas: 1, ready: 1, arrivals: 1, interval: 2, concurrency: 40)).desired == 4)
        var t = 4.0
        while t < 62 {
            #expect(k.decide(Self.inputs(now: t, replicas: 4, ready: 4, arrivals: 1, interval: 2, concurrency: 10)).desired == 4)
            t += 2
        }
        #expect(k.decide(Self.inputs(now: 62, replicas: 4, ready: 4, arrivals: 1, interval: 2, concurrency: 10)).desired == 4)
        #expect(k.decide(Self.inputs(now: 64, replicas: 4, ready: 4, arrivals: 1, interval: 2, concurrency: 10)).desired == 2)
    }

    /// kubernetes pkg/controller/podautoscaler/horizontal.go `stabilizeRecommendationWithBehaviors`
    /// keeps recommendations whose timestamp is `After(now − window)`: one exactly 300 s old is out.
    @Test("HPA: a recommendation exactly 300 s old is outside the stabilisation window")
    func hpaWindowEdge() {
        var h = HorizontalPodAutoscaler(metric: .cpu, target: 0.5, minReplicas: 1, maxReplicas: 100)
        // t = 0: 10 pods at 50 % → hold 10 (recommendation 10).
        #expect(h.decide(Self.inputs(now: 0, replicas: 10, cpu: 5000, cpuRequest: 1000)).desired == 10)
        // t = 285: 10 % → recommendation ceil(0.2 × 10) = 2, held at 10 by the window.
        #expect(h.decide(Self.inputs(now: 285, replicas: 10, cpu: 1000, cpuRequest: 1000)).desired == 10)
        // t = 300: the 10 from t = 0 is exactly 300 s old and out; the highest left is 2.
        #expect(h.decide(Self.inputs(now: 300, replicas: 10, cpu: 1000, cpuRequest: 1000)).desired == 2)
    }

    /// horizontal.go `calculateScaleUpLimitWithScalingRules` with the default scale-up rules (Pods
    /// 4 and Percent 100 per 15 s, selectPolicy Max): the limit is from the replica count at the
    /// period's start (current − added in the last 15 s), not from the current count. With a 5 s
    /// sync period: 2 → 6 at 0 s; at 5 s and 10 s the period started at 2, so max(2 + 4, 2 × 2) = 6
    /// holds; at 15 s the 0 s event is 15 s old (not `After(now − 15 s)`), the period starts at 6
    /// and the limit is max(6 + 4, 12) = 12.
    @Test("HPA: the default scale-up limit is per 15 s policy period from the period's start")
    func hpaScaleUpPeriod() {
        var h = HorizontalPodAutoscaler(metric: .cpu, target: 0.5, minReplicas: 1, maxReplicas: 100)
        #expect(h.decide(Self.inputs(now: 0, replicas: 2, cpu: 10_000, cpuRequest: 1000)).desired == 6)
        #expect(h.decide(Self.inputs(now: 5, replicas: 6, ready: 6, cpu: 30_000, cpuRequest: 1000)).desired == 6)
        #expect(h.decide(Self.inputs(now: 10, replicas: 6, ready: 6, cpu: 30_000, cpuRequest: 1000)).desired == 6)
        #expect(h.decide(Self.inputs(now: 15, replicas: 6, ready: 6, cpu: 30_000, cpuRequest: 1000)).desired == 12)
    }

    /// horizontal.go `reconcileAutoscaler`: `if scale.Spec.Replicas == 0 && minReplicas != 0`
    /// autoscaling is disabled and the target stays at 0.
    @Test("HPA leaves a target at 0 replicas alone")
    func hpaIdleAtZero() {
        var h = HorizontalPodAutoscaler(metric: .rps, target: 1, minReplicas: 1, maxReplicas: 10)
        #expect(h.decide(Self.inputs(replicas: 0, ready: 0, arrivals: 100)).desired == 0)
    }
}

@Suite("the average-requests scaler under the faas-sim profile")
struct FaaSSimScalerTests {
    let scaler = AverageRequestsScaler(target: 20, minReplicas: 1, maxReplicas: 50, faasSim: true)

    func inputs(replicas: Int, ready: Int, dispatched: Int) -> ScalingInputs {
        var i = ScalingInputs(now: 10, replicas: replicas, readyReplicas: ready, arrivals: 0, interval: 10)
        i.dispatched = dispatched
        return i
    }

    @Test("desired = ⌈running × dispatched per running / (target × window)⌉, added on top of the replicas that exist")
    func scaleUp() {
        // 423 dispatched to 1 running over 10 s against 200 per replica: ratio 2.115 → 3.
        #expect(scaler.decide(inputs(replicas: 1, ready: 1, dispatched: 423)).desired == 3)
        // 1000 to 2 running: desired ⌈2 × 2.5⌉ = 5; with 1 starting, faas-sim adds
        // desired − running (3) to the 3 that exist, the starting one included.
        #expect(scaler.decide(inputs(replicas: 3, ready: 2, dispatched: 1_000)).desired == 6)
        // A scale-up that the starting replicas would reverse is skipped: 450 to 2 running
        // (ratio 1.125 → 3), but counting 4 starting the average is 75 (updated 1 < 2).
        #expect(scaler.decide(inputs(replicas: 6, ready: 2, dispatched: 450)).desired == 6)
        #expect(scaler.decide(inputs(replicas: 1, ready: 1, dispatched: 100_000)).desired == 50, "clamped at max")
    }

    @Test("the tolerance band is open at 1: 0.9 ≤ ratio < 1 and 1 < ratio < 1.1 keep the replicas, exactly 1 does not change them either")
    func band() {
        // 20 running: outside the band ⌈20 × ratio⌉ would move them, inside it nothing does.
        #expect(scaler.decide(inputs(replicas: 20, ready: 20, dispatched: 3_600)).desired == 20)  // ratio 0.9 (else 18)
        #expect(scaler.decide(inputs(replicas: 20, ready: 20, dispatched: 3_560)).desired == 18)  // ratio 0.89
        #expect(scaler.decide(inputs(replicas: 20, ready: 20, dispatched: 4_200)).desired == 20)  // ratio 1.05 (else 21)
        #expect(scaler.decide(inputs(replicas: 3, ready: 3, dispatched: 600)).desired == 3)  // ratio 1: + (3 − 3)
        #expect(scaler.decide(inputs(replicas: 3, ready: 3, dispatched: 660)).desired == 4)  // ratio 1.1 → ⌈3.3⌉
    }

    @Test("a scale-down removes exactly running − desired (faas-sim's removes about half), never below min")
    func scaleDown() {
        // 5 running, 300 dispatched: ratio 0.3 → desired 2: 3 removed (faas-sim's scale_down
        // returns early when asked for 3 of 5 and leaves all 5).
        #expect(scaler.decide(inputs(replicas: 5, ready: 5, dispatched: 300)).desired == 2)
        #expect(scaler.decide(inputs(replicas: 5, ready: 5, dispatched: 0)).desired == 1)
        #expect(scaler.decide(inputs(replicas: 2, ready: 0, dispatched: 50)).desired == 2, "no running replica: no decision")
        let atLeastTwo = AverageRequestsScaler(target: 20, minReplicas: 2, maxReplicas: 50, faasSim: true)
        #expect(atLeastTwo.decide(inputs(replicas: 1, ready: 0, dispatched: 0)).desired == 1, "nothing running: left as it is, not clamped")
    }
}
