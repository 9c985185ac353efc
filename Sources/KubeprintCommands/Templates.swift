import ArgumentParser
import Foundation
import Manifests
import YAML

struct Templates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Write the built-in manifest templates to a folder, to edit and pass with --templates.",
        discussion: """
            Each template is a partial Kubernetes object that generated objects are merged onto: \
            generated values win, keys only the template has are kept, lists of named items merge \
            by name, and an item named "*" applies to every item of its list (every container).

            Example:
              kubeprint templates --output my-templates/
              kubeprint convert blueprint.json -o out/ --templates my-templates/
            """)

    @Option(name: [.short, .long], help: ArgumentHelp("Folder to write the templates to.", valueName: "dir"))
    var output: String

    @Flag(help: "Overwrite template files that already exist.")
    var force = false

    init() {}

    func validate() throws {
        if output == OutputPaths.standardOutput {
            throw ValidationError("--output cannot be standard output ('-'): the templates are five files; give a folder")
        }
        if output.isEmpty { throw ValidationError("--output needs a folder") }
    }

    func run() async throws {
        let fm = FileManager.default
        switch OutputPaths.kind(of: output) {
        case .file:
            throw ManifestError(.output, "--output '\(output)' is a file, not a folder", hint: "choose another --output path")
        case .missing, .folder:
            break
        }
        let files = try TemplateSet.builtInFiles()
        let paths = files.map { (output as NSString).appendingPathComponent($0.name) }
        // Only the template files are ever written; nothing else in the folder is touched.
        for path in paths where OutputPaths.kind(of: path) == .folder {
            throw ManifestError(.output, "'\(path)' is a folder, not a template file", hint: "choose another --output folder")
        }
        if !force {
            let existing = paths.filter { fm.fileExists(atPath: $0) }
            if !existing.isEmpty {
                throw CommandFailure("\(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : "")",
                                     hint: "pass --force to overwrite these template files (nothing else in the folder is touched), or choose another --output folder")
            }
        }
        do {
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw ManifestError(.output, "cannot create the folder '\(output)': \(OutputPaths.describe(error))", hint: "check the path and its permissions")
        }
        for (file, path) in zip(files, paths) {
            try OutputPaths.writeAtomically(Data(file.text.utf8), to: path)
        }
        Console().info("Wrote \(files.map(\.name).joined(separator: ", ")) to \(output)")
    }
}
