import ArgumentParser
import Foundation
import YAML

/// Parse time of wide mappings at doubling sizes: linear parsing shows as a constant time per key.
struct BenchYAML: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yaml",
        abstract: "Time parsing of wide mappings (10,000 to 80,000 keys, with and without a << merge) and of a solution's manifests.")

    @Option(help: "Timed repetitions of each size (medians are printed).")
    var iterations: Int = 5

    init() {}

    func validate() throws {
        guard (1...1000).contains(iterations) else { throw ValidationError("--iterations must be between 1 and 1000") }
    }

    func run() async throws {
        let console = Console()
        let parser = YAMLParser()
        for keys in [10_000, 20_000, 40_000, 80_000] {
            let plain = (0..<keys).map { "k\($0): \($0)" }.joined(separator: "\n")
            let merged = "base: &b\n" + (0..<keys).map { "  b\($0): \($0)" }.joined(separator: "\n")
                + "\nderived:\n  <<: *b\n" + (0..<keys).map { "  d\($0): \($0)" }.joined(separator: "\n")
            for (label, text) in [("plain", plain), ("merge", merged)] {
                var times: [Double] = []
                for _ in 0..<iterations {
                    let clock = ContinuousClock()
                    let start = clock.now
                    _ = try parser.parse(text)
                    times.append((clock.now - start).seconds)
                }
                let median = times.sorted()[times.count / 2]
                console.out("bench yaml: \(label) mapping, \(keys) keys: median \((median * 1000).fixed(1)) ms "
                            + "(\((median / Double(keys) * 1e9).fixed(0)) ns per key)")
            }
        }
    }
}
