// libFuzzer target: a scenario file is read and, when it is valid, the simulator is built from
// it and run for a bounded number of events. Neither may crash, trap or run unbounded, whatever
// the input. Built by scripts/fuzz.sh (KUBEPRINT_FUZZ=1 adds this target to the package).
import Cluster
import FuzzSupport
import Foundation
import Playground
import Simulation

func scenarioFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let file: ScenarioFile
    do {
        file = try ScenarioFile.parse(text, file: "fuzz.yaml")
    } catch let error as ScenarioError {
        // Every refusal names at least one problem, each with the file it is in.
        if error.problems.isEmpty { fatalError("a scenario was refused without a problem") }
        for p in error.problems where !p.description.hasPrefix("fuzz.yaml") { fatalError("a problem without its file: \(p)") }
        return 0
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    guard var sim = try? ClusterSimulator(scenario: file.cluster) else { return 0 }
    // Large scenarios (within the reader's limits) are slow by design, not stuck: they are
    // built but not run, so that time goes to inputs that explore more code.
    let c = file.cluster
    let small = c.nodes.count + c.nodeAdditions.count <= 500 && c.pods.count <= 5_000 && c.functions.count <= 200
        && c.functions.reduce(0) { $0 + $1.maxReplicas } <= 500
    guard small else { return 0 }
    var budget = 20
    sim.run(until: file.until ?? .infinity, every: 10_000) { _ in
        budget -= 1
        return budget > 0
    }
    _ = sim.summary()
    _ = sim.faasSummary()
    return 0
}

@main
struct ScenarioFuzz {
    static func main() { runFuzzer(scenarioFuzzOne) }
}
