/// One problem found in a blueprint: what is wrong, where, and how to fix it.
///
/// Diagnostics print like compiler messages:
/// ```
/// pipeline.json:14:7: error: connected_to names unknown container 'retriver' [unknown-connection]
///     at nodes[1].operation_signature_list[0].connected_to[0].container_name (node 'ranker')
///     hint: did you mean 'retriever'? Containers: embedder, retriever, llm
/// ```
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// Stable identifiers, for tools that filter or count diagnostics.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case jsonSyntax = "json-syntax"
        case fileUnreadable = "file-unreadable"
        case wrongType = "wrong-type"
        case missingField = "missing-field"
        case emptyField = "empty-field"
        case unknownNodeType = "unknown-node-type"
        case legacyNodeType = "legacy-node-type"
        case duplicateContainerName = "duplicate-container-name"
        case nameCollision = "name-collision"
        case reservedName = "reserved-name"
        case unknownConnection = "unknown-connection"
        case unknownOperation = "unknown-operation"
        case invalidImage = "invalid-image"
        case invalidSharedFolderPath = "invalid-shared-folder-path"
        case unusedSharedFolder = "unused-shared-folder"
        case ignoredLink = "ignored-link"
        case probeNotDeployed = "probe-not-deployed"
        case unknownInputPort = "unknown-input-port"
        case noDeployableNodes = "no-deployable-nodes"
        case missingName = "missing-name"
    }

    public var severity: Severity
    public var code: Code
    public var message: String
    /// The JSON path of the offending value (`nodes[2].image`), `""` for the whole document.
    public var path: String
    /// The blueprint node concerned, by container name.
    public var node: String?
    public var file: String?
    public var position: SourcePosition?
    public var hint: String?

    public init(
        _ severity: Severity, _ code: Code, _ message: String, path: String, node: String? = nil,
        hint: String? = nil, file: String? = nil, position: SourcePosition? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.path = path
        self.node = node
        self.hint = hint
        self.file = file
        self.position = position
    }

    public var isError: Bool { severity == .error }

    public var description: String {
        var head = ""
        if let file { head += file + ":" }
        if let position { head += "\(position.line):\(position.column):" }
        if !head.isEmpty { head += " " }
        var text = "\(head)\(severity.rawValue): \(message) [\(code.rawValue)]"
        var whereText = path.isEmpty ? "" : "at \(path)"
        if let node { whereText += whereText.isEmpty ? "in node '\(node)'" : " (node '\(node)')" }
        if !whereText.isEmpty { text += "\n    \(whereText)" }
        if let hint { text += "\n    hint: \(hint)" }
        return text
    }
}

/// The one error type of the Blueprint module: a blueprint that cannot become a pipeline,
/// with every diagnostic found (warnings included).
public struct BlueprintError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var diagnostics: [Diagnostic]

    public init(file: String, diagnostics: [Diagnostic]) {
        self.file = file
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }

    public var description: String {
        let count = errors.count
        let summary = "\(file): \(count) error\(count == 1 ? "" : "s"); nothing was written"
        return (diagnostics.map(\.description) + [summary]).joined(separator: "\n")
    }
}

/// Suggests the closest known name for a misspelt one.
public enum Suggestion {
    /// The candidate nearest to `word` (case-insensitive edit distance), if it is close enough
    /// to be a likely typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let target = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased()))
            if let current = best, current.1 <= d { continue }
            best = (candidate, d)
        }
        guard let best, best.1 <= max(2, target.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// "did you mean 'x'? Known: a, b, c" (the list cut at a sensible length).
    static func hint(for word: String, among candidates: [String], noun: String) -> String {
        let known = candidates.prefix(12).joined(separator: ", ") + (candidates.count > 12 ? ", …" : "")
        if let match = closest(to: word, in: candidates) {
            return "did you mean '\(match)'? \(noun): \(known)"
        }
        return candidates.isEmpty ? "there are no \(noun.lowercased()) to connect to" : "\(noun): \(known)"
    }
}
