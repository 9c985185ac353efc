import ArgumentParser
import Blueprint
import Foundation
import Manifests

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure kubeprint's speed on generated inputs.",
        discussion: """
            convert: generates a blueprint with N model nodes (chained, every tenth sharing a \
            folder), then times load + validate + generate + write folder and solution.zip, \
            repeated; prints the median, minimum and maximum. Build with -c release for real figures:
              swift build -c release && .build/release/kubeprint bench convert --nodes 400
            """,
        subcommands: [BenchConvert.self])
}

struct BenchConvert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Time blueprint → folder + solution.zip on a generated blueprint.")

    @Option(help: "Model nodes in the generated blueprint.")
    var nodes: Int = 400

    @Option(help: "Timed repetitions (after one warm-up run).")
    var iterations: Int = 20

    init() {}

    func validate() throws {
        guard nodes >= 1, nodes <= 100_000 else { throw ValidationError("--nodes must be between 1 and 100000") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
    }

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kubeprint-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let blueprintPath = work.appendingPathComponent("blueprint.json").path
        try JSONWriter().write(Self.syntheticBlueprint(nodes: nodes)).write(toFile: blueprintPath, atomically: true, encoding: .utf8)

        var samples: [Double] = []
        var fileCount = 0
        var zipBytes = 0
        for i in 0...iterations {
            let out = work.appendingPathComponent("out-\(i)").path
            let start = ContinuousClock.now
            let loaded = try BlueprintLoader.load(contentsOf: blueprintPath)
            let generator = ManifestGenerator(options: ManifestOptions())
            let manifests = generator.generate(loaded.graph)
            let bundle = try SolutionBundle.pipeline(loaded, manifests: manifests, options: generator.options, protos: ProtoCollection())
            try bundle.write(to: out, overwrite: false)
            let elapsed = ContinuousClock.now - start
            if i > 0 { samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000) }
            fileCount = bundle.files.count
            zipBytes = (try? FileManager.default.attributesOfItem(atPath: out + "/solution.zip")[.size] as? Int) ?? 0
            try? FileManager.default.removeItem(atPath: out)
        }
        samples.sort()
        let median = samples.count % 2 == 1 ? samples[samples.count / 2] : (samples[samples.count / 2 - 1] + samples[samples.count / 2]) / 2
        let console = Console()
        console.out("bench convert: \(nodes) model nodes → \(fileCount) files + solution.zip (\(zipBytes) bytes)")
        console.out(String(format: "  median %.1f ms   min %.1f ms   max %.1f ms   (%d runs)", median, samples.first ?? 0, samples.last ?? 0, samples.count))
    }

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
