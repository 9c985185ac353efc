import Blueprint
import Foundation

/// The safety rules every kubeprint output follows, checked before anything is computed:
/// an output never lands on an input, a folder is replaced only when kubeprint wrote all of
/// it, the current folder (or one holding it) is never replaced, a folder is never taken for
/// a file, and files appear whole (written aside, then renamed into place).
public enum OutputPaths {
    /// The spelling of "standard output" in output options.
    public static let standardOutput = "-"

    /// `path` made absolute, `.` and `..` removed, and symbolic links of its existing part
    /// resolved, so two spellings of one place compare equal.
    public static func canonical(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var head = absolute
        var tail: [String] = []
        while true {
            if let resolved = realpath(head, nil) {
                let base = String(cString: resolved)
                free(resolved)
                guard !tail.isEmpty else { return base }
                return (base == "/" ? "" : base) + "/" + tail.reversed().joined(separator: "/")
            }
            let url = URL(fileURLWithPath: head)
            let parent = url.deletingLastPathComponent().path
            guard parent != head, !parent.isEmpty else { return absolute }
            tail.append(url.lastPathComponent)
            head = parent
        }
    }

    /// Whether `path` is `folder` or lies inside it.
    public static func isInside(_ path: String, folder: String) -> Bool {
        let p = canonical(path), f = canonical(folder)
        if p == f { return true }
        return p.hasPrefix(f == "/" ? "/" : f + "/")
    }

    /// Whether two paths name the same file: the same place, or hard links to one file.
    public static func isSameFile(_ a: String, _ b: String) -> Bool {
        if canonical(a) == canonical(b) { return true }
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    public enum Kind: Equatable, Sendable { case missing, file, folder }

    public static func kind(of path: String) -> Kind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .folder : .file
    }

    /// Checks a file that an option (`option`, e.g. `--events`) will write: not standard
    /// output (unless the caller handles it), not a folder, not one of `inputs`, in a folder
    /// that exists (or is `createdFolder`, a folder the command creates once every check
    /// passed).
    public static func checkFile(_ path: String, option: String, inputs: [String], createdFolder: String? = nil) throws {
        if path == standardOutput {
            throw ManifestError(.output, "\(option) cannot write to standard output ('-'): standard output carries the summary",
                                hint: "give a file name")
        }
        if path.isEmpty { throw ManifestError(.output, "\(option) needs a file name") }
        for input in inputs where isSameFile(path, input) {
            throw ManifestError(.output, "\(option) '\(path)' is the input '\(input)'; writing it would destroy the input",
                                hint: "give another file name")
        }
        switch kind(of: path) {
        case .folder:
            throw ManifestError(.output, "\(option) '\(path)' is a folder, not a file",
                                hint: "give a file name, e.g. \((path as NSString).appendingPathComponent("out" + extensionHint(option)))")
        case .file:
            guard access(path, W_OK) == 0 else {
                throw ManifestError(.output, "\(option) '\(path)' exists and is not writable", hint: "choose another file name")
            }
        case .missing:
            break
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if let createdFolder, kind(of: parent) == .missing, canonical(parent) == canonical(createdFolder) { return }
        switch kind(of: parent) {
        case .folder:
            guard access(parent, W_OK) == 0 else {
                throw ManifestError(.output, "\(option) '\(path)': the folder '\(parent)' is not writable", hint: "choose a folder you can write to")
            }
        case .file:
            throw ManifestError(.output, "\(option) '\(path)': '\(parent)' is a file, not a folder", hint: "choose a file name in an existing folder")
        case .missing:
            throw ManifestError(.output, "\(option) '\(path)': the folder '\(parent)' does not exist", hint: "create it first, or choose another path")
        }
    }

    static func extensionHint(_ option: String) -> String {
        option == "--events" ? ".jsonl" : ".csv"
    }

    /// Checks a folder that an option will create or replace as a whole: it must not be
    /// standard output, a file, the current folder or one holding it, or hold any of
    /// `inputs`. An existing folder's entries are passed to `foreign`, which returns those
    /// kubeprint did not write; any such entry refuses the folder (with `hint` saying what
    /// to do), and so does a folder
    /// `foreign` cannot list (it throws ``UnlistableFolder``).
    public static func checkFolder(_ path: String, option: String, inputs: [String],
                                   hint foreignHint: String = "choose a new or empty folder, or move those files away",
                                   foreign: (String) throws -> [String]) throws
    {
        if path == standardOutput {
            throw ManifestError(.output, "\(option) cannot be standard output ('-'): it writes several files", hint: "give a folder")
        }
        if path.isEmpty { throw ManifestError(.output, "\(option) needs a folder") }
        let cwd = FileManager.default.currentDirectoryPath
        if isInside(cwd, folder: path) {
            throw ManifestError(.output, "\(option) '\(path)' is the current folder or holds it; kubeprint never replaces that folder",
                                hint: "choose a new folder, e.g. \(option) out")
        }
        for input in inputs where isInside(input, folder: path) {
            throw ManifestError(.output, "\(option) '\(path)' holds the input '\(input)'; replacing it would destroy the input",
                                hint: "choose a new folder, e.g. \(option) out")
        }
        switch kind(of: path) {
        case .missing:
            return
        case .file:
            throw ManifestError(.output, "\(option) '\(path)' is a file, not a folder", hint: "choose another \(option) path")
        case .folder:
            let strangers: [String]
            do {
                strangers = try foreign(path)
            } catch let error as UnlistableFolder {
                let which = canonical(error.folder) == canonical(path) ? "'\(path)'" : "'\(path)': its folder '\(error.folder)'"
                throw ManifestError(.output, "\(option) \(which) cannot be listed (\(error.reason)), so kubeprint cannot tell whether it holds files of yours; it replaces only folders it can see are its own",
                                    hint: "make it readable (chmod u+rx '\(error.folder)'), or choose another \(option) path")
            }
            if !strangers.isEmpty {
                let shown = strangers.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (strangers.count > 5 ? ", …" : "")
                throw ManifestError(.output, "\(option) '\(path)' holds files kubeprint did not write (\(shown)); kubeprint replaces only its own folders",
                                    hint: foreignHint)
            }
        }
    }

    /// How output folders are listed and removed. ``system`` is the file system; tests pass
    /// their own to provoke failures the file system cannot be made to produce on demand
    /// (run as root, permissions never stop a listing or a removal).
    public struct FolderAccess: Sendable {
        public var list: @Sendable (String) throws -> [String]
        public var remove: @Sendable (String) throws -> Void

        public init(list: @escaping @Sendable (String) throws -> [String], remove: @escaping @Sendable (String) throws -> Void) {
            self.list = list
            self.remove = remove
        }

        public static let system = FolderAccess(
            list: { try FileManager.default.contentsOfDirectory(atPath: $0) },
            remove: { try FileManager.default.removeItem(atPath: $0) })
    }

    /// A folder that could not be listed: kubeprint cannot tell what it holds, so it never
    /// replaces it (see ``checkFolder(_:option:inputs:foreign:)``).
    public struct UnlistableFolder: Error, Sendable, CustomStringConvertible {
        public var folder: String
        /// Why, in words (``describe(_:)``).
        public var reason: String

        public var description: String { "the folder '\(folder)' cannot be listed (\(reason))" }
    }

    /// The entries of `folder` (names, sorted), listed with `access`; a failed listing throws
    /// ``UnlistableFolder`` and is never taken for an empty folder.
    public static func list(_ folder: String, access: FolderAccess = .system) throws -> [String] {
        do {
            return try access.list(folder).sorted()
        } catch {
            throw UnlistableFolder(folder: folder, reason: describe(error))
        }
    }

    /// A fresh hidden name next to `path` (`.NAME.kubeprint-[TAG-]UUID`), where an output is
    /// written or kept aside before it is renamed into place.
    public static func temporarySibling(of path: String, tag: String = "") -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).kubeprint-\(tag.isEmpty ? "" : tag + "-")\(UUID().uuidString)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Whether a folder entry is one of ``temporarySibling(of:tag:)``'s names.
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".kubeprint-")
    }

    /// Writes `data` to `path` whole: into a hidden file next to it, then renamed over it.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = temporarySibling(of: path)
        do {
            try SolutionBundle.createFile(temporary, contents: data, mode: 0o644)
            guard rename(temporary, path) == 0 else {
                throw ManifestError(.output, "cannot write '\(path)': \(String(cString: strerror(errno)))", hint: "check the path and its permissions")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// A file error in words, without Foundation's domain and code.
    public static func describe(_ error: any Error) -> String {
        if let e = error as? ManifestError { return e.message }
        return FileErrorText.describe(error)
    }
}
