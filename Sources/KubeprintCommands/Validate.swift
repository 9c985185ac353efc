import ArgumentParser
import Blueprint
import Foundation

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check blueprints and print every problem found.",
        discussion: """
            Reports all diagnostics of each blueprint (syntax, types, missing fields, duplicate or \
            colliding names, unknown connections, invalid images, shared-folder paths), each with \
            file:line:column, the JSON path, the node, and a hint. Exits 1 when any is an error, \
            0 when there are only warnings or none.

            --format github prints GitHub Actions workflow commands (::error file=…,line=…::…), \
            which show each problem on the blueprint's line in a pull request; --format sarif \
            prints a SARIF 2.1.0 log for code-scanning tools.

            Examples:
              kubeprint validate blueprint.json
              kubeprint validate --format json blueprints/*.json
              kubeprint validate --format github blueprints/*.json
              kubeprint validate --format sarif blueprints/*.json > kubeprint.sarif
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github, sarif
    }

    @Argument(help: ArgumentHelp("Blueprint files to check.", valueName: "blueprint"))
    var blueprints: [String]

    @Option(help: "Output format: text for people, json for scripts, github for GitHub Actions annotations, sarif for code scanning.")
    var format: Format = .text

    init() {}

    func validate() throws {
        if blueprints.isEmpty { throw ValidationError("give at least one blueprint.json to check") }
    }

    struct FileReport: Encodable {
        var file: String
        var valid: Bool
        var errors: Int
        var warnings: Int
        var diagnostics: [Diagnostic]
    }

    func run() async throws {
        var reports: [FileReport] = []
        for file in blueprints {
            let diagnostics: [Diagnostic]
            do {
                diagnostics = try BlueprintLoader.load(contentsOf: file).warnings
            } catch let error as BlueprintError {
                diagnostics = error.diagnostics
            }
            let errors = diagnostics.filter(\.isError).count
            reports.append(FileReport(file: file, valid: errors == 0, errors: errors,
                                      warnings: diagnostics.count - errors, diagnostics: diagnostics))
        }
        let console = Console()
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(reports)
            console.out(String(decoding: data, as: UTF8.self))
        case .github:
            for report in reports {
                report.diagnostics.forEach { console.out(GitHubAnnotations.command(for: $0, file: report.file)) }
            }
        case .sarif:
            let log = SARIFLog.document(toolVersion: Kubeprint.configuration.version,
                                        diagnostics: reports.flatMap { report in report.diagnostics.map { ($0, report.file) } })
            console.out(JSONWriter(pretty: true).write(log), terminator: "")
        case .text:
            for report in reports {
                report.diagnostics.forEach { console.out($0.description) }
                let verdict = report.valid ? "ok" : "invalid"
                console.out("\(report.file): \(verdict) (\(report.errors) error\(report.errors == 1 ? "" : "s"), \(report.warnings) warning\(report.warnings == 1 ? "" : "s"))")
            }
        }
        if reports.contains(where: { !$0.valid }) { throw ExitCode(1) }
    }
}
