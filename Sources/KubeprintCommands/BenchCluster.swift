import ArgumentParser
import Cluster
import Foundation
import Playground
import Simulation

struct BenchCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Time the cluster simulator: schedule and start pods on a generated cluster.",
        discussion: """
            Generates a mixed cluster (three node sizes, 20 images sharing a base layer, pods in \
            deployments of 100, 1 % unschedulable) and runs it until every pod that can start \
            has started. Prints wall time, peak memory and simulated results for each size.
              .build/release/kubeprint bench cluster --pods 500,5000,50000
            """)

    @Option(parsing: .unconditional, help: "Nodes in the cluster.")
    var nodes: Int = 5000

    @Option(parsing: .unconditional, help: ArgumentHelp("Pod counts to run, comma-separated.", valueName: "n,n,…"))
    var pods: String = "500,5000,50000"

    @Option(parsing: .unconditional, help: "Images.")
    var images: Int = 20

    @Option(parsing: .unconditional, help: "Seed.")
    var seed: UInt64 = 1

    init() {}

    var counts: [Int] { pods.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard nodes >= 1 else { throw ValidationError("--nodes must be at least 1, not \(nodes)") }
        guard images >= 1 else { throw ValidationError("--images must be at least 1, not \(images)") }
        let parts = pods.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, counts.count == parts.count, counts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--pods needs positive counts, e.g. 500,5000,50000, not '\(pods)'")
        }
    }

    func run() async throws {
        let console = Console()
        console.out("bench cluster: \(nodes) nodes, \(images) images")
        for count in counts {
            let scenario = BuiltInScenarios.scale(nodes: nodes, pods: count, images: images, seed: seed)
            let clock = ContinuousClock()
            let start = clock.now
            var sim = try ClusterSimulator(scenario: scenario)
            sim.run()
            let wall = clock.now - start
            let s = sim.summary()
            let seconds = wall.seconds
            console.out("  \(count) pods: wall \((seconds * 1000).fixed(0)) ms (\((Double(count) / seconds).fixed(0)) pods/s), "
                        + "\(s.events) events, ready \(s.readyPods), pending \(s.pendingPods), "
                        + "all ready at \(s.timeToAllReady?.description ?? "-"), pulls \(s.layerPulls) (\(s.pulledBytes / Units.MB) MB), "
                        + "peak RSS \(ProcessMemory.peakResidentMegabytes()) MB")
        }
    }
}

/// Peak resident memory of this process, from /proc (Linux) or getrusage.
enum ProcessMemory {
    static func peakResidentMegabytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
