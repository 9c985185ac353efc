// libFuzzer target: a solution folder as `kubeprint deploy` reads it. The input is the
// folder's manifests (YAML documents separated by `---`, each written to deployments/N.yaml),
// optionally followed by a line `#blueprint.json` and the blueprint. The folder is read, put on
// the playground cluster and simulated for a bounded number of events; none of it may crash.
// Built by scripts/fuzz.sh (KUBEPRINT_FUZZ=1 adds this target to the package).
import Cluster
import FuzzSupport
import Foundation
import Playground
import Simulation

let folder = NSTemporaryDirectory() + "kubeprint-solution-fuzz-\(getpid())"

func solutionFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let fm = FileManager.default
    let deployments = folder + "/deployments"
    try? fm.removeItem(atPath: folder)
    guard (try? fm.createDirectory(atPath: deployments, withIntermediateDirectories: true)) != nil else { fatalError("cannot create \(deployments)") }
    // The folder goes with each input, so a fuzzing run leaves nothing in the temporary folder.
    defer { try? fm.removeItem(atPath: folder) }
    var manifests = text
    if let cut = text.range(of: "\n#blueprint.json\n") {
        manifests = String(text[..<cut.lowerBound])
        fm.createFile(atPath: folder + "/blueprint.json", contents: Data(text[cut.upperBound...].utf8))
    }
    for (i, document) in manifests.components(separatedBy: "\n---\n").enumerated() {
        fm.createFile(atPath: "\(deployments)/\(i).yaml", contents: Data(document.utf8))
    }
    let solution: SolutionManifests
    do {
        solution = try SolutionManifests.load(directory: folder)
    } catch let error as ScenarioError {
        if error.problems.isEmpty { fatalError("a solution was refused without a problem") }
        return 0
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    var options = PlaygroundOptions(namespace: "fuzz")
    options.runs = 20
    let (scenario, _) = Playground.deploy(solution, on: Playground.defaultCluster(), options: options)
    guard var sim = try? ClusterSimulator(scenario: scenario) else { return 0 }
    var budget = 20
    sim.run(every: 10_000) { _ in
        budget -= 1
        return budget > 0
    }
    _ = Playground.report(solution: solution, simulator: sim, namespace: "fuzz")
    return 0
}

@main
struct SolutionFuzz {
    static func main() { runFuzzer(solutionFuzzOne) }
}
