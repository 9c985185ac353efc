// libFuzzer target: an uploaded solution.zip, as the deployer service will read it. The input
// is the archive's bytes; SolutionArchive.read must refuse it with an ArchiveError or return
// files within the limits under normalised relative paths, and never crash, hang or blow up.
// `archive-fuzz --write-seeds FOLDER BLUEPRINT…` writes the seed corpus: the solution.zip
// kubeprint writes for each blueprint, at the root and under a top folder.
// Built by scripts/fuzz.sh (KUBEPRINT_FUZZ=1 adds this target to the package).
import Blueprint
import Foundation
import FuzzSupport
import Manifests

let limits = ArchiveLimits.default

func archiveFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let archive: SolutionArchive
    do {
        archive = try SolutionArchive.read(Data(bytes: data, count: size), limits: limits)
    } catch {
        if !error.message.hasPrefix("solution.zip: ") || !error.message.contains("; ") {
            fatalError("an error without its place or its fix: \(error)")
        }
        return 0
    }
    var total = 0
    for (path, contents) in archive.files {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.contains("\\") || components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            fatalError("a path that is not normalised: \(path.debugDescription)")
        }
        if contents.count > limits.maxEntryBytes { fatalError("\(path) holds \(contents.count) bytes") }
        total += contents.count
    }
    if total > limits.maxTotalBytes { fatalError("\(total) bytes in all") }
    if archive.blueprint != archive.files["blueprint.json"] { fatalError("blueprint is not blueprint.json") }
    if (archive.blueprint?.count ?? 0) > limits.maxBlueprintBytes { fatalError("blueprint past its limit") }
    let paths = archive.manifests.map(\.path)
    if paths != paths.sorted() { fatalError("manifests out of order: \(paths)") }
    for (path, text) in archive.manifests where archive.files[path] != Data(text.utf8) {
        fatalError("manifest \(path) differs from its file")
    }
    for (name, proto) in archive.protos where archive.files["microservice/\(name).proto"] != proto {
        fatalError("proto \(name) differs from its file")
    }
    return 0
}

/// The solution.zip of each blueprint, as `convert` writes it and zipped under a folder.
func writeSeeds(to folder: String, blueprints: [String]) throws {
    for path in blueprints {
        let loaded = try BlueprintLoader.load(contentsOf: path)
        let options = ManifestOptions()
        let bundle = try SolutionBundle.pipeline(loaded, manifests: ManifestGenerator(options: options).generate(loaded.graph),
                                                 options: options, protos: ProtoCollection())
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let folded = SolutionBundle(files: bundle.files.map { SolutionBundle.File(path: "solution/" + $0.path, contents: $0.contents) })
        try bundle.zipData().write(to: URL(fileURLWithPath: "\(folder)/\(name).zip"))
        try folded.zipData().write(to: URL(fileURLWithPath: "\(folder)/\(name)-in-folder.zip"))
    }
}

@main
struct ArchiveFuzz {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count >= 3, arguments[1] == "--write-seeds" {
            do {
                try writeSeeds(to: arguments[2], blueprints: Array(arguments.dropFirst(3)))
            } catch {
                FileHandle.standardError.write(Data("archive-fuzz: cannot write the seeds: \(error)\n".utf8))
                exit(1)
            }
            exit(0)
        }
        runFuzzer(archiveFuzzOne)
    }
}
