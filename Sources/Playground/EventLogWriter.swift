import Blueprint
import Cluster
import Foundation
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
    var buffer: [UInt8] = []
    public internal(set) var written = 0

    public convenience init(path: String, format: Format) throws {
        try self.init(path: path, format: format, header: format == .csv ? Self.columns.joined(separator: ",") : nil)
    }

    init(path: String, format: Format, header: String?) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ScenarioError(problems: [.init(message: "cannot create the event log '\(path)'", path: "", mark: nil,
                                                 hint: "check that the folder exists and is writable", file: path)])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ScenarioError(problems: [.init(message: "cannot open the event log '\(path)'", path: "", mark: nil, hint: nil, file: path)])
        }
        self.handle = handle
        self.format = format
        buffer.reserveCapacity(1 << 16)
        if let header { append(header + "\n") }
    }

    public func write(_ e: ClusterEventRecord) {
        switch format {
        case .csv:
            let fields: [String] = [
                e.time.seconds.fixed(6), e.kind.rawValue, e.pod ?? "", e.node ?? "", e.image ?? "",
                e.bytes.map(String.init) ?? "", e.duration.map { $0.fixed(6) } ?? "", e.source ?? "", e.detail ?? "",
            ]
            append(fields.map(Self.csvField).joined(separator: ",") + "\n")
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
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        flush()
        try? handle.close()
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func json(_ s: String) -> String { JSONWriter.quoted(s) }
}
