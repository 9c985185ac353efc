import Blueprint
import Cluster
import Foundation
import Manifests
import Simulation

/// Streams simulation events to a file as CSV or JSON Lines, with bounded memory (a 64 KiB
/// buffer, flushed as it fills).
public final class EventLogWriter {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl

        /// From a file name's extension (`.csv`, `.jsonl`, `.ndjson`).
        public init?(path: String) {
            let ext = (path as NSString).pathExtension.lowercased()
            switch ext {
            case "csv": self = .csv
            case "jsonl", "ndjson", "json": self = .jsonl
            default: return nil
            }
        }
    }

    public static let columns = ["time", "event", "pod", "node", "image", "bytes", "duration", "source", "detail"]

    let handle: FileHandle
    let format: Format
    /// Where the log ends up, and the hidden file it is written to until ``finish()``.
    public let path: String
    let temporary: String
    var buffer: [UInt8] = []
    var failure: String?
    public internal(set) var written = 0

    public convenience init(path: String, format: Format) throws {
        try self.init(path: path, format: format, header: format == .csv ? Self.columns.joined(separator: ",") : nil)
    }

    /// Opens the log. It is written next to `path` under a hidden name and appears at `path`
    /// only when ``finish()`` succeeds, so a failed run leaves no half-written log.
    init(path: String, format: Format, header: String?) throws {
        let temporary = OutputPaths.temporarySibling(of: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ScenarioError(problems: [.init(message: "cannot create the log '\(path)': \(reason)", path: "", mark: nil,
                                                 hint: "check that the folder exists and is writable", file: path)])
        }
        self.handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        self.path = path
        self.temporary = temporary
        self.format = format
        buffer.reserveCapacity(1 << 16)
        if let header { append(header + "\n") }
    }

    public func write(_ e: ClusterEventRecord) {
        switch format {
        case .csv:
            let t = Self.csvField
            let fields: [String] = [
                e.time.seconds.fixed(6), t(e.kind.rawValue), t(e.pod ?? ""), t(e.node ?? ""), t(e.image ?? ""),
                e.bytes.map(String.init) ?? "", e.duration.map { $0.fixed(6) } ?? "", t(e.source ?? ""), t(e.detail ?? ""),
            ]
            append(fields.joined(separator: ",") + "\n")
        case .jsonl:
            var parts = ["\"time\":\(e.time.seconds.fixed(6))", "\"event\":\(Self.json(e.kind.rawValue))"]
            if let v = e.pod { parts.append("\"pod\":\(Self.json(v))") }
            if let v = e.node { parts.append("\"node\":\(Self.json(v))") }
            if let v = e.image { parts.append("\"image\":\(Self.json(v))") }
            if let v = e.bytes { parts.append("\"bytes\":\(v)") }
            if let v = e.duration { parts.append("\"duration\":\(v.fixed(6))") }
            if let v = e.source { parts.append("\"source\":\(Self.json(v))") }
            if let v = e.detail { parts.append("\"detail\":\(Self.json(v))") }
            append("{" + parts.joined(separator: ",") + "}\n")
        }
        written += 1
    }

    func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        if failure == nil {
            do {
                try handle.write(contentsOf: Data(buffer))
            } catch {
                failure = OutputPaths.describe(error)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and moves the log into place.
    /// - Throws: ``ScenarioError`` when a write failed (e.g. the disk is full); the partial
    ///   log is removed.
    public func finish() throws {
        flush()
        try? handle.close()
        if let failure {
            unlink(temporary)
            throw ScenarioError(problems: [.init(message: "cannot write the log '\(path)': \(failure)", path: "", mark: nil,
                                                 hint: "check the free space, or choose another file", file: path)])
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ScenarioError(problems: [.init(message: "cannot write the log '\(path)': \(reason)", path: "", mark: nil,
                                                 hint: "check the path and its permissions", file: path)])
        }
    }

    /// Drops the log: nothing appears at ``path``.
    public func discard() {
        try? handle.close()
        unlink(temporary)
    }

    /// A text field of a CSV row (RFC 4180): quoted when it holds a comma, quote or line
    /// break, and prefixed with `'` when a spreadsheet would read it as a formula (it starts
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return). Numbers are written as they are,
    /// not through this.
    public static func csvField(_ s: String) -> String {
        var text = s
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func json(_ s: String) -> String { JSONWriter.quoted(s) }
}
