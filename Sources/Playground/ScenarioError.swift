import YAML

/// The one error type of the Playground module: every problem of a scenario file, each with
/// file:line:column, the field at fault and a hint.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var path: String
        public var mark: YAMLMark?
        public var hint: String?
        public var file: String

        public init(message: String, path: String, mark: YAMLMark?, hint: String?, file: String) {
            self.message = message
            self.path = path
            self.mark = mark
            self.hint = hint
            self.file = file
        }

        public var description: String {
            var text = file
            if let mark { text += ":\(mark.line):\(mark.column)" }
            text += ": error: \(message)"
            if !path.isEmpty { text += "\n    at \(path)" }
            if let hint { text += "\n    hint: \(hint)" }
            return text
        }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    public var description: String {
        (problems.map(\.description) + ["\(problems.count) error\(problems.count == 1 ? "" : "s") in the scenario; nothing was run"])
            .joined(separator: "\n")
    }
}
