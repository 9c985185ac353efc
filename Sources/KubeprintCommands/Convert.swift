import ArgumentParser
import Blueprint
import Foundation
import Manifests
import Simulation

/// Options shaping the generated Kubernetes objects.
struct ManifestOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Service type of models and orchestrator.", valueName: "type"))
    var serviceType: ServiceTypeArgument = .nodePort

    @Option(help: ArgumentHelp("Orchestrator image.", valueName: "image"))
    var orchestratorImage: String = ManifestOptions.defaultOrchestratorImage

    @Option(name: [.customShort("n"), .long],
            help: ArgumentHelp("Put every object in this namespace and add a Namespace object (default: none; kubectl -n decides).", valueName: "name"))
    var namespace: String?

    @Option(help: ArgumentHelp("imagePullPolicy of every container (default from templates: IfNotPresent).", valueName: "policy"))
    var imagePullPolicy: PullPolicyArgument?

    @Option(name: .customLong("image-pull-secret"), help: ArgumentHelp("Add an imagePullSecret (repeatable).", valueName: "secret"))
    var imagePullSecrets: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Replicas per Deployment (default from templates: 1).", valueName: "n"))
    var replicas: Int?

    @Option(help: ArgumentHelp("CPU request of each model container, e.g. 250m.", valueName: "quantity"))
    var cpuRequest: String?
    @Option(help: ArgumentHelp("Memory request of each model container, e.g. 512Mi.", valueName: "quantity"))
    var memoryRequest: String?
    @Option(help: ArgumentHelp("CPU limit of each model container, e.g. 2.", valueName: "quantity"))
    var cpuLimit: String?
    @Option(help: ArgumentHelp("Memory limit of each model container, e.g. 2Gi.", valueName: "quantity"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Size of each shared-folder PersistentVolumeClaim (default from templates: 1Gi).", valueName: "quantity"))
    var storageSize: String?
    @Option(help: ArgumentHelp("Storage class of shared-folder claims (default: the cluster's default class).", valueName: "class"))
    var storageClass: String?

    func validate() throws {
        for (flag, value) in [("--cpu-request", cpuRequest), ("--memory-request", memoryRequest), ("--cpu-limit", cpuLimit),
                              ("--memory-limit", memoryLimit), ("--storage-size", storageSize)]
        {
            if let value, !Quantity.isValid(value) {
                throw ValidationError("\(flag) '\(value)' is not a Kubernetes quantity (examples: 250m, 1, 512Mi, 2Gi)")
            }
        }
        if let namespace, !KubernetesName.isValid(namespace) {
            throw ValidationError("--namespace '\(namespace)' is not a valid namespace name; try '\(KubernetesName.make(from: namespace))'")
        }
        if let replicas, replicas < 0 {
            throw ValidationError("--replicas must be 0 or more, not \(replicas)")
        }
        if let problem = ImageReference.problem(in: orchestratorImage) {
            throw ValidationError("--orchestrator-image: \(problem.message)")
        }
        for secret in imagePullSecrets where !KubernetesName.isValid(secret) && !Quantity.isSubdomain(secret) {
            throw ValidationError("--image-pull-secret '\(secret)' is not a valid Secret name")
        }
        if let storageClass, !Quantity.isSubdomain(storageClass) {
            throw ValidationError("--storage-class '\(storageClass)' is not a valid StorageClass name")
        }
    }

    var options: ManifestOptions {
        var o = ManifestOptions()
        o.serviceType = serviceType.value
        o.orchestratorImage = orchestratorImage
        o.namespace = namespace
        o.imagePullPolicy = imagePullPolicy?.value
        o.imagePullSecrets = imagePullSecrets
        o.replicas = replicas
        o.cpuRequest = cpuRequest
        o.memoryRequest = memoryRequest
        o.cpuLimit = cpuLimit
        o.memoryLimit = memoryLimit
        o.storageSize = storageSize
        o.storageClass = storageClass
        return o
    }
}

enum ServiceTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case nodePort = "NodePort", clusterIP = "ClusterIP", loadBalancer = "LoadBalancer"
    var value: ServiceType { ServiceType(rawValue: rawValue) ?? .nodePort }
}

enum PullPolicyArgument: String, ExpressibleByArgument, CaseIterable {
    case always = "Always", ifNotPresent = "IfNotPresent", never = "Never"
    var value: ImagePullPolicy { ImagePullPolicy(rawValue: rawValue) ?? .ifNotPresent }
}

struct Convert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a blueprint (or a single model image) into Kubernetes manifests and a solution.zip.",
        discussion: """
            Writes OUTPUT/deployments/*.yaml (one object a file), blueprint.json for the \
            orchestrator, dockerinfo.json, microservice/*.proto (with --protos), deploy.sh, \
            README.txt, and OUTPUT/solution.zip holding the same files. With --output - the \
            manifests are printed as one YAML stream instead.

            Nothing is written when the blueprint has errors, and OUTPUT is never left \
            half-written. An earlier solution folder is replaced only with --force; a folder \
            holding anything kubeprint did not write, the input, or the current folder is never \
            replaced.

            With --check nothing is written: OUTPUT is compared with what convert would write \
            now (every file, solution.zip and the marker file included; files kubeprint writes \
            that it would not write any more count too). Exits 0 when they are the same, 1 with \
            a unified diff when OUTPUT went stale.

            Examples:
              kubeprint convert blueprint.json -o out/
              kubeprint convert blueprint.json -o - -n demo | kubectl apply -f -
              kubeprint convert --image registry.example.com/team/model:1.0 --name model -o out/
              kubeprint convert blueprint.json -o deploy/ --check
            """)

    @Argument(help: ArgumentHelp("The blueprint.json to convert (omit with --image).", valueName: "blueprint"))
    var blueprint: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Output folder, or - to print the manifests as a YAML stream.", valueName: "dir"))
    var output: String

    @Option(help: ArgumentHelp("Convert a single model image instead of a blueprint (needs --name).", valueName: "image"))
    var image: String?

    @Option(help: ArgumentHelp("Name of the single model (with --image).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Folder with the models' .proto files, found by proto_uri or file name.", valueName: "dir"))
    var protos: String?

    @Option(help: ArgumentHelp("Folder of YAML templates (deployment.yaml, orchestrator.yaml, service.yaml, pvc.yaml, namespace.yaml) that override the built-in defaults.", valueName: "dir"))
    var templates: String?

    @Flag(help: "Replace an earlier solution folder that kubeprint wrote (never a folder holding other files, the input or the current folder).")
    var force = false

    @Flag(help: "Write nothing: compare --output with what would be written now, print a unified diff and exit 1 when they differ.")
    var check = false

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    @OptionGroup(title: "Manifest options")
    var manifest: ManifestOptionGroup

    init() {}

    func validate() throws {
        switch (blueprint, image) {
        case (nil, nil):
            throw ValidationError("give a blueprint.json to convert, or --image and --name for a single model")
        case (.some, .some):
            throw ValidationError("give either a blueprint or --image, not both")
        case (nil, .some(let image)):
            guard let name, !name.isEmpty else { throw ValidationError("--image needs --name for the model") }
            if let problem = ImageReference.problem(in: image) {
                throw ValidationError("--image: \(problem.message)" + (problem.suggestion.map { "; use '\($0)'" } ?? ""))
            }
            if protos != nil { throw ValidationError("--protos applies to blueprints only") }
        case (.some, nil):
            if name != nil { throw ValidationError("--name applies to --image only; a blueprint names its own nodes") }
        }
        if output.isEmpty { throw ValidationError("--output needs a folder, or - for standard output") }
        if check, output == OutputPaths.standardOutput {
            throw ValidationError("--check compares a solution folder with what convert would write; give --output the folder, not -")
        }
    }

    /// The paths this conversion reads, which the output must never replace.
    var inputs: [String] { [blueprint, protos, templates].compactMap { $0 } }

    func run() async throws {
        let console = Console(quiet: quiet)
        if output != OutputPaths.standardOutput, !check {
            try SolutionBundle.checkTarget(output, overwrite: force, inputs: inputs)
        }
        var templateSet = TemplateSet.builtIn
        if let templates {
            let (loaded, warnings) = try TemplateSet.load(directory: templates)
            templateSet = loaded
            warnings.forEach { console.warning($0) }
        }
        let generator = ManifestGenerator(options: manifest.options, templates: templateSet)
        let manifests: ManifestSet
        let bundle: () throws -> SolutionBundle
        var notes: [String] = []

        if let image, let name {
            manifests = generator.generateSingle(image: image, name: name)
            bundle = { try SolutionBundle.singleModel(name: name, image: image, manifests: manifests, options: generator.options) }
        } else if let blueprint {
            let loaded = try BlueprintLoader.load(contentsOf: blueprint)
            loaded.warnings.forEach { console.diagnostic($0) }
            manifests = generator.generate(loaded.graph)
            var protoCollection = ProtoCollection()
            if let protos, output != OutputPaths.standardOutput {
                protoCollection = try ProtoCollection.collect(for: loaded.graph, from: protos)
                for missing in protoCollection.missing {
                    notes.append("no proto for '\(missing.node)': \(missing.reason)")
                }
            }
            let collected = protoCollection
            bundle = { try SolutionBundle.pipeline(loaded, manifests: manifests, options: generator.options, protos: collected) }
        } else {
            throw ValidationError("nothing to convert")
        }

        if output == OutputPaths.standardOutput {
            console.out(try manifests.yamlStream(), terminator: "")
            return
        }
        let solution = try bundle()
        if check {
            try checkDrift(of: solution, console: console)
            return
        }
        let leftovers = try solution.write(to: output, overwrite: force, inputs: inputs)
        console.info("Wrote \(solution.files.count) files and \(SolutionBundle.zipName) to \(output)")
        leftovers.forEach { console.warning($0) }
        for m in manifests.manifests { console.info("  \(m.kind.rawValue.padded(to: 22)) \(m.name)") }
        if !notes.isEmpty {
            console.warning("\(notes.count) proto file\(notes.count == 1 ? "" : "s") not found (the solution is complete otherwise):")
            notes.forEach { console.warning("  " + $0) }
        }
        console.info("Deploy with: " + SolutionBundle.deployCommand(script: ShellWord.quoted((output as NSString).appendingPathComponent("deploy.sh")),
                                                                    namespace: manifest.namespace))
    }
}

extension Convert {
    /// `--check`: the unified diff between OUTPUT and `solution` on stdout; exit 1 when they differ.
    func checkDrift(of solution: SolutionBundle, console: Console) throws {
        let drift = try solution.drift(from: output)
        if !drift.ignored.isEmpty {
            console.note("not compared (kubeprint does not write them): " + drift.ignored.joined(separator: ", "))
        }
        if drift.isClean {
            console.info("\(output) is up to date: its \(drift.compared) files are what the blueprint gives now")
            return
        }
        console.out(drift.unifiedDiff(folder: output), terminator: "")
        let count = drift.differences.count
        let names = drift.differences.map(\.path)
        let listed = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
        // --force replaces only a folder holding nothing but kubeprint's files.
        let hint = drift.ignored.isEmpty ? "run the same convert without --check, with --force, to update it"
            : "run the same convert without --check, with --force, to update it, once the files kubeprint does not write are moved out"
        FileHandle.standardError.write(Data("""
            error: '\(output)' differs from what the blueprint gives now in \(count) file\(count == 1 ? "" : "s"): \(listed)
                hint: \(hint)

            """.utf8))
        throw ExitCode(1)
    }
}

/// Words for a shell command line.
enum ShellWord {
    /// `word` as one shell word: unchanged when it is plain, single-quoted otherwise.
    static func quoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+:=@%,".unicodeScalars.contains($0) }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Where command output goes: results to stdout, diagnostics to stderr.
struct Console {
    var quiet = false

    func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    func info(_ text: String) {
        guard !quiet else { return }
        out(text)
    }

    func warning(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(("warning: " + text + "\n").utf8))
    }

    /// A remark on stderr that is neither a result nor a problem.
    func note(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(("note: " + text + "\n").utf8))
    }

    func diagnostic(_ d: Diagnostic) {
        guard !quiet || d.isError else { return }
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
}

/// Kubernetes resource quantities and DNS subdomain names.
enum Quantity {
    static func isValid(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let suffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P", "E"]
        if let suffix = suffixes.first(where: { body.hasSuffix($0) }) {
            body = body.dropLast(suffix.count)
        } else if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var exponent = body[body.index(after: e)...]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            body = body[..<e]
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.contains(where: { !$0.isEmpty }) else { return false }
        return parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    static func isSubdomain(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 253 && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            guard let f = $0.first, let l = $0.last else { return false }
            return f.isASCII && (f.isLowercase || f.isNumber) && l.isASCII && (l.isLowercase || l.isNumber)
                && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }
    }
}
