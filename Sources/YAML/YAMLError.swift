/// A position in a YAML text, 1-based.
public struct YAMLMark: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// The one error type of the YAML module: what went wrong and, for parse errors, where.
public struct YAMLError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The text is not well-formed YAML.
        case syntax
        /// Well-formed YAML that this reader does not support (complex keys, alias bombs, …).
        case unsupported
        /// libyaml refused to write a node.
        case emitter
    }

    public var code: Code
    public var message: String
    public var mark: YAMLMark?

    public init(_ code: Code, _ message: String, at mark: YAMLMark? = nil) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    public var description: String {
        if let mark { return "\(mark): \(message)" }
        return message
    }
}
