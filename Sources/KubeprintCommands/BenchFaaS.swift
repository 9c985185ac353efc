import ArgumentParser
import Cluster
import Foundation
import Playground
import Simulation

struct BenchFaaS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faas",
        abstract: "faas-sim's benchmark scenario: N nodes, F functions, R Poisson requests, average-requests scaling.",
        discussion: """
            Runs until every request has completed and prints wall time, peak memory and what \
            was simulated. For faas-sim's own figures on the same machine, run \
            ../shared/peers/faas-sim/side-by-side.sh (100 nodes / 10 functions / 100k requests at \
            500 req/s; 1000 nodes / 100 functions / 1M requests at 5000 req/s by hand). \
            By default the scenario runs under the faas-sim profile (the load starts once every \
            function has a running replica, faas-sim's placement, pulls and scaler), so both \
            simulators do the same work; --compatibility kubernetes runs it Kubernetes-faithful.

              .build/release/kubeprint bench faas --requests 1000000
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("Request counts to run, comma-separated; nodes, functions and rate scale with them as in faas-sim's runs (100k: 100 nodes, 10 functions, 500 req/s).", valueName: "n,n,…"))
    var requests: String = "100000,1000000"

    @Option(parsing: .unconditional, help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("faas-sim (its behaviour where the simulators differ) or kubernetes.", valueName: "profile"))
    var compatibility: String = Compatibility.faasSim.rawValue

    init() {}

    var plan: FaaSBenchPlan { FaaSBenchPlan(requests: requests, seed: seed, compatibility: compatibility) }

    func validate() throws {
        if let problem = plan.problem { throw ValidationError(problem) }
    }

    func run() async throws {
        try plan.run()
    }
}

/// What `bench faas` runs, apart from its command line: so the side-by-side runs against other
/// simulators, which time the whole process, can start it without ArgumentParser (see
/// `Kubeprint.benchFaaSFastPath`).
struct FaaSBenchPlan: Equatable {
    var requests = "100000,1000000"
    var seed: UInt64 = 1
    var compatibility = Compatibility.faasSim.rawValue

    var counts: [Int] { requests.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    /// What is wrong with the options, as `validate` reports it; `nil` when they are fine.
    var problem: String? {
        let parts = requests.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, counts.count == parts.count, counts.allSatisfy({ $0 > 0 }) else {
            return "--requests needs positive counts, e.g. 100000,1000000, not '\(requests)'"
        }
        guard Compatibility(rawValue: compatibility) != nil else {
            return "--compatibility is one of \(Compatibility.allCases.map(\.rawValue).joined(separator: ", ")), not '\(compatibility)'"
        }
        return nil
    }

    /// The options after `bench faas` when they are exactly `--requests`, `--seed` and
    /// `--compatibility`, each at most once, as `--name value` or `--name=value`, and valid;
    /// `nil` for anything else (help, a bad or unknown option), which ArgumentParser then
    /// parses for its usual message.
    static func parse(_ arguments: [String]) -> FaaSBenchPlan? {
        var plan = FaaSBenchPlan()
        var seen: Set<String> = []
        var i = 0
        while i < arguments.count {
            var name = arguments[i], value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                guard i + 1 < arguments.count else { return nil }
                i += 1
                value = arguments[i]
            }
            guard seen.insert(name).inserted else { return nil }
            switch name {
            case "--requests": plan.requests = value
            case "--seed":
                guard let seed = UInt64(value) else { return nil }
                plan.seed = seed
            case "--compatibility": plan.compatibility = value
            default: return nil
            }
            i += 1
        }
        return plan.problem == nil ? plan : nil
    }

    func run() throws {
        let console = Console()
        for count in counts {
            // faas-sim's shapes: 100k → 100 nodes, 10 functions, 500 req/s; 1M → 1000, 100, 5000.
            let scale = max(1, count / 100_000)
            let nodes = min(1000, 100 * scale), functions = min(100, 10 * scale)
            let rate = 500.0 * Double(min(10, scale))
            let scenario = BuiltInScenarios.faasSimBenchmark(nodes: nodes, functions: functions, requests: count, rate: rate, seed: seed,
                                                                  compatibility: Compatibility(rawValue: compatibility) ?? .faasSim)
            let clock = ContinuousClock()
            let start = clock.now
            var sim = try ClusterSimulator(scenario: scenario)
            sim.run()
            let wall = clock.now - start
            let seconds = wall.seconds
            guard let s = sim.faasTotals() else { continue }
            console.out("bench faas: \(nodes) nodes, \(functions) functions, \(count) requests at \(Int(rate)) req/s: "
                        + "wall \((seconds * 1000).fixed(0)) ms (\((Double(count) / seconds).fixed(0)) requests/s), "
                        + "\(sim.eventsProcessed) events, simulated \(sim.now.seconds.fixed(1)) s, completed \(s.completed), failed \(s.failed), "
                        + "latency mean \(s.latency.mean.fixed(3)) s p50 \(s.latency.p50.fixed(3)) s p95 \(s.latency.p95.fixed(3)) s p99 \(s.latency.p99.fixed(3)) s, \(sim.summary().layerPulls) image pulls, replicas at end \(s.finalReplicas), "
                        + "\(s.scalingDecisions) scaling decisions, peak RSS \(ProcessMemory.peakResidentMegabytes()) MB")
        }
    }
}
