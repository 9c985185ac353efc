import YAML

/// The one error type of the Manifests module: what went wrong, where, and how to fix it.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case templates
        case output
        case protos
        case options
        case emit
        /// A file given to read (a manifest, a solution folder) is not what it should be.
        case input
    }

    public var code: Code
    public var message: String
    public var file: String?
    public var mark: YAMLMark?
    public var hint: String?

    public init(_ code: Code, _ message: String, file: String? = nil, mark: YAMLMark? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.mark = mark
        self.hint = hint
    }

    public var description: String {
        var head = ""
        if let file { head = file + ":" }
        if let mark { head += "\(mark.line):\(mark.column):" }
        var text = (head.isEmpty ? "" : head + " ") + "error: " + message
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}
