import Cluster
import Foundation
import Simulation
import Testing

/// The FaaS model against queueing theory: one replica whose watchdog has c workers and one FIFO
/// queue, Poisson arrivals and exponential execution is an M/M/c queue, whose mean wait is given
/// by the Erlang C formula.
@Suite("M/M/c against Erlang C")
struct QueueingTheoryTests {
    /// Erlang C: the probability that an arrival waits, for c servers at offered load a = λ/μ.
    static func erlangC(servers c: Int, load a: Double) -> Double {
        var term = 1.0, sum = 1.0
        for k in 1..<c {
            term *= a / Double(k)
            sum += term
        }
        let last = term * a / Double(c) * Double(c) / (Double(c) - a)
        return last / (sum + last)
    }

    /// Mean wait in the queue: C(c, a) / (cμ − λ).
    static func meanWait(servers c: Int, arrival λ: Double, service μ: Double) -> Double {
        erlangC(servers: c, load: λ / μ) / (Double(c) * μ - λ)
    }

    @Test("Erlang C itself: textbook values")
    func formula() {
        // c = 2, a = 1 (ρ = 0.5): C = 1/3; c = 1 reduces to M/M/1: C = ρ.
        #expect(abs(Self.erlangC(servers: 2, load: 1) - 1.0 / 3) < 1e-12)
        #expect(abs(Self.erlangC(servers: 1, load: 0.7) - 0.7) < 1e-12)
        #expect(abs(Self.meanWait(servers: 1, arrival: 7, service: 10) - 0.7 / 3) < 1e-12)
    }

    @Test("the simulated mean wait lies within the run's 99 % confidence interval of Erlang C", arguments: [
        (4, 30.0, 10.0),  // ρ = 0.75
        (2, 17.0, 10.0),  // ρ = 0.85
        (8, 60.0, 10.0),  // ρ = 0.75, more servers
    ])
    func mmc(servers c: Int, arrival λ: Double, service μ: Double) throws {
        let requests = 120_000
        let function = FunctionSpec(name: "f", images: [FunctionImage(image: "img", requests: Resources(cpuMillis: 500, memoryBytes: 256 << 20))],
                                    behaviour: .httpWatchdog(workers: c), defaultExecutionTime: .exponential(mean: 1 / μ),
                                    lifecycle: LifecycleProfile(startup: .constant(1)), minReplicas: 1, maxReplicas: 1, scaler: .fixed)
        var scenario = ClusterScenario(
            nodes: [NodeSpec(name: "n0", capacity: Resources(cpuMillis: 64_000, memoryBytes: 64 << 30))],
            registries: [RegistrySpec(name: "r", bandwidth: 1e9, roundTrip: 0.01)],
            images: [.single("img", sizes: [.x86_64: 10 << 20])], pods: [], scheduler: SchedulerProfile(schedulingLatency: 0), seed: 7)
        scenario.functions = [function]
        // The load starts once the replica is ready, so no request waits for a cold start.
        scenario.workloads = [WorkloadSpec(function: "f", pattern: .poisson(rate: λ), start: 30, maxRequests: requests)]
        var sim = try ClusterSimulator(scenario: scenario)
        let log = WaitLog()
        sim.onRequest = { r in
            log.waits.append(r.wait)
            if r.coldStart > 0 || r.failure != nil { log.other += 1 }
        }
        sim.run()
        #expect(log.other == 0, "no cold starts, no failures")
        #expect(log.waits.count == requests)
        // Batch means: 20 batches after a warm-up of 5 %; the batches are long (≈10,000 requests,
        // hundreds of busy periods) so their means are close to independent.
        let kept = Array(log.waits.dropFirst(requests / 20))
        let batches = 20
        let size = kept.count / batches
        let means = (0..<batches).map { b in kept[(b * size)..<((b + 1) * size)].reduce(0, +) / Double(size) }
        let mean = means.reduce(0, +) / Double(batches)
        let variance = means.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(batches - 1)
        let halfWidth = 2.861 * (variance / Double(batches)).squareRoot()  // t(0.995, 19)
        let theory = Self.meanWait(servers: c, arrival: λ, service: μ)
        print("M/M/\(c) λ=\(λ) μ=\(μ): simulated mean wait \(mean) s ± \(halfWidth) (99 %), Erlang C \(theory) s")
        #expect(abs(mean - theory) <= halfWidth,
                "M/M/\(c) λ=\(λ) μ=\(μ): simulated \(mean) ± \(halfWidth), Erlang C \(theory)")
        // The interval is narrow enough to mean something: within 20 % of the theory.
        #expect(halfWidth < 0.2 * theory, "half-width \(halfWidth) against \(theory)")
    }

    final class WaitLog: @unchecked Sendable {
        var waits: [Double] = []
        var other = 0
    }
}
