import Foundation

/// How a solution folder on disk differs from what writing a ``SolutionBundle`` would leave
/// there (`kubeprint convert --check`): committed manifests that went stale.
public struct SolutionDrift: Sendable {
    /// One file that differs.
    public enum Difference: Sendable, Hashable {
        /// The folder's file and the one that would be written differ.
        case changed(path: String, folder: Data, generated: Data)
        /// The file would be written but the folder lacks it.
        case missing(path: String, generated: Data)
        /// A file kubeprint writes (a manifest, a proto, one of its top-level files) that
        /// this bundle would not write any more.
        case stale(path: String, folder: Data)
        /// Same contents; `executable` is what would be written (deploy.sh is executable).
        case mode(path: String, executable: Bool)

        /// The file's path relative to the folder.
        public var path: String {
            switch self {
            case .changed(let path, _, _), .missing(let path, _), .stale(let path, _), .mode(let path, _): return path
            }
        }
    }

    /// The differences, by path.
    public var differences: [Difference]
    /// Entries of the folder that kubeprint does not write (a `kustomization.yaml`, a
    /// `.gitignore`): not compared, and no difference.
    public var ignored: [String]
    /// How many files were compared (those written, the zip and the marker included).
    public var compared: Int

    /// Whether the folder holds exactly what would be written.
    public var isClean: Bool { differences.isEmpty }

    /// The differences as a unified diff (3 lines of context): `--- FOLDER/path` against
    /// `+++ generated` for text files (`(missing)` after a file the folder lacks,
    /// `(no longer written)` after `generated` for a stale one), and one line for binary
    /// files and modes. `folder` is the folder as the user named it.
    public func unifiedDiff(folder: String, context: Int = 3) -> String {
        var out = ""
        for difference in differences {
            let shown = (folder as NSString).appendingPathComponent(difference.path)
            switch difference {
            case .changed(_, let old, let new):
                if let oldText = Self.text(old), let newText = Self.text(new), !Self.isBinary(difference.path) {
                    out += LineDiff.unified(old: oldText, new: newText, oldLabel: shown, newLabel: "generated", context: context) ?? ""
                } else {
                    out += "Binary files \(shown) and generated differ\n"
                }
            case .missing(_, let new):
                if let newText = Self.text(new), !Self.isBinary(difference.path) {
                    out += LineDiff.unified(old: "", new: newText, oldLabel: "\(shown) (missing)", newLabel: "generated", context: context)
                        ?? "\(shown) is missing; it would be written empty\n"
                } else {
                    out += "Binary file \(shown) is missing\n"
                }
            case .stale(_, let old):
                if let oldText = Self.text(old), !Self.isBinary(difference.path) {
                    out += LineDiff.unified(old: oldText, new: "", oldLabel: shown, newLabel: "generated (no longer written)", context: context)
                        ?? "\(shown) is no longer generated\n"
                } else {
                    out += "Binary file \(shown) is no longer generated\n"
                }
            case .mode(_, let executable):
                out += executable ? "\(shown) is not executable; the generated one is (mode 755)\n"
                    : "\(shown) is executable; the generated one is not (mode 644)\n"
            }
        }
        return out
    }

    /// Whether a file is compared as bytes whatever it holds.
    static func isBinary(_ path: String) -> Bool { path.hasSuffix(".zip") }

    /// `data` as text when it is UTF-8 without NUL bytes.
    static func text(_ data: Data) -> String? {
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else { return nil }
        return text
    }
}

extension SolutionBundle {
    /// Every file ``write(to:overwrite:inputs:zip:access:)`` writes: the bundle's files,
    /// `solution.zip` and the ``markerName`` file, by path.
    public func writtenFiles(zip: Data? = nil) throws -> [File] {
        var all = files
        all.append(File(path: Self.zipName, contents: try zip ?? zipData()))
        all.append(File(path: Self.markerName, contents: Data(Self.markerText.utf8)))
        return all.sorted { $0.path < $1.path }
    }

    /// Compares `directory` with what ``write(to:overwrite:inputs:zip:access:)`` would leave
    /// there, writing nothing. A missing folder lacks every file. Files kubeprint writes (by
    /// their names: `deployments/*.yaml`, `microservice/*.proto`, its top-level files) that
    /// this bundle would not write count as stale; other entries are listed as ignored.
    public func drift(from directory: String, zip: Data? = nil, access: OutputPaths.FolderAccess = .system) throws -> SolutionDrift {
        let expected = try writtenFiles(zip: zip)
        switch OutputPaths.kind(of: directory) {
        case .missing:
            return SolutionDrift(differences: expected.map { .missing(path: $0.path, generated: $0.contents) }, ignored: [], compared: expected.count)
        case .file:
            throw ManifestError(.output, "'\(directory)' is a file, not a solution folder", hint: "give --output the folder kubeprint convert wrote")
        case .folder:
            break
        }
        let root = URL(fileURLWithPath: directory)
        // The regular files of the folder that kubeprint's writer would count as its own, and the rest.
        var own: Set<String> = []
        var ignored: [String] = []
        for entry in try OutputPaths.list(directory, access: access) {
            let kind = OutputPaths.kind(of: root.appendingPathComponent(entry).path)
            if let suffix = Self.ownFolders[entry], kind == .folder {
                for inner in try OutputPaths.list(root.appendingPathComponent(entry).path, access: access) {
                    let path = entry + "/" + inner
                    if inner.hasSuffix(suffix), OutputPaths.kind(of: root.appendingPathComponent(path).path) == .file {
                        own.insert(path)
                    } else {
                        ignored.append(path)
                    }
                }
            } else if Self.ownTopLevel.contains(entry), kind == .file {
                own.insert(entry)
            } else {
                ignored.append(entry)
            }
        }
        var differences: [SolutionDrift.Difference] = []
        for file in expected {
            let url = root.appendingPathComponent(file.path)
            guard OutputPaths.kind(of: url.path) == .file else {
                differences.append(.missing(path: file.path, generated: file.contents))
                continue
            }
            own.remove(file.path)
            let contents: Data
            do {
                contents = try Data(contentsOf: url)
            } catch {
                throw ManifestError(.output, "cannot read '\(url.path)': \(OutputPaths.describe(error))", hint: "check the file's permissions")
            }
            if contents != file.contents {
                differences.append(.changed(path: file.path, folder: contents, generated: file.contents))
            } else if Self.isExecutable(url.path) != file.isExecutable {
                differences.append(.mode(path: file.path, executable: file.isExecutable))
            }
        }
        for path in own {
            let url = root.appendingPathComponent(path)
            do {
                differences.append(.stale(path: path, folder: try Data(contentsOf: url)))
            } catch {
                throw ManifestError(.output, "cannot read '\(url.path)': \(OutputPaths.describe(error))", hint: "check the file's permissions")
            }
        }
        differences.sort { $0.path < $1.path }
        return SolutionDrift(differences: differences, ignored: ignored.sorted(), compared: expected.count)
    }

    /// Whether the file's owner may execute it.
    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & 0o100 != 0
    }
}
