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

    @Test("KPA scales to zero only after a stable window without traffic plus the grace period")
    func kpaScaleToZero() {
        var k = KnativeAutoscaler(targetConcurrency: 10, utilization: 1, stableWindow: 60, scaleToZeroGrace: 30, maxReplicas: 10)
        _ = k.decide(Self.inputs(now: 0, replicas: 1, arrivals: 5, interval: 2, concurrency: 5))
        var t = 2.0
        var last = 1
        while t <= 88 {
            last = k.decide(Self.inputs(now: t, replicas: last, arrivals: 0, interval: 2, concurrency: 0)).desired
            #expect(last >= 1, "scaled to zero too early at \(t)")
            t += 2
        }
        #expect(k.decide(Self.inputs(now: 92, replicas: last, arrivals: 0, interval: 2, concurrency: 0)).desired == 0)
        // A request at zero brings one replica back.
        #expect(k.decide(Self.inputs(now: 94, replicas: 0, ready: 0, arrivals: 1, interval: 2, concurrency: 1)).desired == 1)
    }
}
