import ArgumentParser
import Blueprint
import Cluster
import Foundation
import Manifests
import Simulation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure kubeprint's speed on generated inputs.",
        discussion: """
            convert: generates a blueprint with N model nodes (chained, every tenth sharing a \
            folder), then times load + validate + generate + write folder and solution.zip, \
            repeated; prints the median, minimum and maximum. Build with -c release for real figures:
              swift build -c release && .build/release/kubeprint bench convert --nodes 400
            """,
        subcommands: [BenchConvert.self, BenchCluster.self, BenchFaaS.self, BenchEngine.self, BenchYAML.self, BenchServe.self, BenchDeployer.self])
}

struct BenchConvert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Time blueprint → folder + solution.zip on a generated blueprint.")

    @Option(parsing: .unconditional, help: "Model nodes in the generated blueprint.")
    var nodes: Int = 400

    @Option(parsing: .unconditional, help: "Timed repetitions (after one warm-up run).")
    var iterations: Int = 20

    @Option(help: ArgumentHelp("Folder to write outputs under (default: the system temporary folder). Use a tmpfs such as /dev/shm to measure kubeprint rather than the disk.", valueName: "dir"))
    var workDirectory: String?

    init() {}

    func validate() throws {
        guard nodes >= 1, nodes <= 100_000 else { throw ValidationError("--nodes must be between 1 and 100000") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        if workDirectory == "-" || workDirectory == "" {
            throw ValidationError("--work-directory needs a folder to write under (not standard output)")
        }
    }

    func run() async throws {
        let base = workDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let work = base.appendingPathComponent("kubeprint-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let blueprintPath = work.appendingPathComponent("blueprint.json").path
        try JSONWriter().write(Self.syntheticBlueprint(nodes: nodes)).write(toFile: blueprintPath, atomically: true, encoding: .utf8)

        // Outputs are removed only after all runs: deleting and re-creating hundreds of files
        // between runs measures the file system's inode reuse, not kubeprint.
        var total: [Double] = [], load: [Double] = [], generate: [Double] = [], bundle: [Double] = [], write: [Double] = []
        var fileCount = 0
        var zipBytes = 0
        for i in 0...iterations {
            let out = work.appendingPathComponent("out-\(i)").path
            let clock = ContinuousClock()
            let t0 = clock.now
            let loaded = try BlueprintLoader.load(contentsOf: blueprintPath)
            let t1 = clock.now
            let generator = ManifestGenerator(options: ManifestOptions())
            let manifests = generator.generate(loaded.graph)
            let t2 = clock.now
            let solution = try SolutionBundle.pipeline(loaded, manifests: manifests, options: generator.options, protos: ProtoCollection())
            let zip = try solution.zipData()
            let t3 = clock.now
            try solution.write(to: out, overwrite: false, zip: zip)
            let t4 = clock.now
            if i > 0 {  // the first run warms up
                total.append(Self.ms(t4 - t0))
                load.append(Self.ms(t1 - t0))
                generate.append(Self.ms(t2 - t1))
                bundle.append(Self.ms(t3 - t2))
                write.append(Self.ms(t4 - t3))
            }
            fileCount = solution.files.count
            zipBytes = zip.count
        }
        let console = Console()
        console.out("bench convert: \(nodes) model nodes → \(fileCount) files + solution.zip (\(zipBytes) bytes), \(iterations) runs, under \(base.path)")
        console.out(String(format: "  total              median %7.1f ms   min %7.1f ms   max %7.1f ms", Percentiles(total).p50, total.min() ?? 0, total.max() ?? 0))
        for (label, values) in [("read + validate", load), ("generate", generate), ("bundle + zip", bundle), ("write folder + zip", write)] {
            console.out("  " + label.padded(to: 19) + String(format: "median %7.1f ms", Percentiles(values).p50))
        }
    }

    static func ms(_ d: Duration) -> Double { d.seconds * 1000 }

    /// A chain of `nodes` models; every tenth mounts one shared folder.
    static func syntheticBlueprint(nodes: Int) -> JSONValue {
        func name(_ i: Int) -> String { "model-\(i)" }
        var items: [JSONValue] = []
        var consumers: [JSONValue] = []
        for i in 0..<nodes {
            var links: [JSONValue] = []
            if i + 1 < nodes {
                links.append(.object(JSONObject(["container_name": .string(name(i + 1)),
                                                 "operation_signature": .object(JSONObject(["operation_name": "predict"]))])))
            }
            var operations: [JSONValue] = [.object(JSONObject([
                "operation_signature": .object(JSONObject([
                    "operation_name": "predict", "input_message_name": "Features", "output_message_name": "Prediction",
                    "input_message_stream": .bool(false), "output_message_stream": .bool(false),
                ])),
                "connected_to": .array(links),
            ]))]
            if i % 10 == 0 {
                operations.append(.object(JSONObject([
                    "operation_signature": .object(JSONObject(["operation_name": "mountVolume"])), "connected_to": .array([]),
                ])))
                consumers.append(.object(JSONObject(["container_name": .string(name(i)),
                                                     "operation_signature": .object(JSONObject(["operation_name": "mountVolume"]))])))
            }
            items.append(.object(JSONObject([
                "container_name": .string(name(i)), "node_type": "MLModel",
                "image": .string("registry.example.com/bench/model-\(i % 20):1.\(i)"),
                "proto_uri": .string("org/acumos/bench/model-\(i)/1.0.0/model-\(i)-1.0.0.proto"),
                "operation_signature_list": .array(operations),
            ])))
        }
        items.append(.object(JSONObject([
            "container_name": "/data/shared", "node_type": "SharedFolder", "image": "registry.example.com/virtual:v1",
            "operation_signature_list": .array([.object(JSONObject([
                "operation_signature": .object(JSONObject(["operation_name": "provideFolder"])),
                "connected_to": .array(consumers),
            ]))]),
        ])))
        return .object(JSONObject(["name": "bench", "version": "1", "input_ports": .array([]), "nodes": .array(items)]))
    }
}

extension Duration {
    /// The duration in seconds, for benchmark reports.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
