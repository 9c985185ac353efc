import ArgumentParser
import Foundation
import Manifests
import YAML

struct Templates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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

    func run() async throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
        let files = try TemplateSet.builtInFiles()
        if !force {
            let existing = files.map { (output as NSString).appendingPathComponent($0.name) }.filter { fm.fileExists(atPath: $0) }
            if !existing.isEmpty {
                throw ValidationError("\(existing.joined(separator: ", ")) already exist; pass --force to overwrite")
            }
        }
        for file in files {
            try file.text.write(toFile: (output as NSString).appendingPathComponent(file.name), atomically: true, encoding: .utf8)
        }
        Console().info("Wrote \(files.map(\.name).joined(separator: ", ")) to \(output)")
    }
}
