import CLibYAML

/// One parsed YAML document: its root node and where each node starts in the text.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    /// Start position of each node by path (`""` is the root, then `spec.ports[0].name` style).
    public var marks: [String: YAMLMark]

    public init(root: YAMLNode, marks: [String: YAMLMark] = [:]) {
        self.root = root
        self.marks = marks
    }

    /// Where the node at `path` starts, or the nearest enclosing node that has a position.
    public func mark(at path: String) -> YAMLMark? {
        var p = path
        while true {
            if let m = marks[p] { return m }
            if p.isEmpty { return nil }
            p = YAMLPath.parent(of: p)
        }
    }
}

/// Builds the dotted paths used in ``YAMLDocument/marks`` and in diagnostics.
public enum YAMLPath {
    public static func key(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }
    public static func index(_ parent: String, _ index: Int) -> String {
        parent + "[\(index)]"
    }
    /// The path one level up (`a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``).
    public static func parent(of path: String) -> String {
        guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
        return String(path[..<cut])
    }
}

/// Reads YAML text into ``YAMLDocument`` values with libyaml's event API.
///
/// Plain scalars are resolved as Kubernetes tooling reads them (see ``ScalarResolver``); quoted
/// and block scalars are strings. Anchors and aliases are expanded (with a budget against
/// "billion laughs" documents), `<<` merge keys are applied, duplicate keys are errors.
///
/// ```swift
/// let docs = try YAMLParser().parse("a: 1\n---\nb: yes\n")
/// docs[1].root["b"]   // .bool(true)
/// ```
public struct YAMLParser: Sendable {
    /// How plain (unquoted) scalars are typed.
    public enum Schema: Sendable {
        /// As Kubernetes tooling reads YAML (go-yaml): YAML 1.1 booleans such as `yes`, `on`, `y`.
        case kubernetes
        /// YAML 1.2 core schema: only `true`/`false` are booleans, so `name: n` or `country: no`
        /// stay strings. For kubeprint's own files (scenarios).
        case core
    }

    public var schema: Schema = .kubernetes
    /// Deepest nesting accepted; deeper input is refused rather than risking the stack.
    public var maxDepth: Int = 256
    /// Most nodes that alias expansion may add to one stream.
    public var aliasBudget: Int = 1_000_000

    public init(schema: Schema = .kubernetes) {
        self.schema = schema
    }

    /// Parses every document in `text`. An empty text has no documents.
    /// - Throws: ``YAMLError`` with the line and column of the problem.
    public func parse(_ text: String) throws -> [YAMLDocument] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        return try bytes.withUnsafeMutableBufferPointer { buffer -> [YAMLDocument] in
            guard let base = buffer.baseAddress else { return [] }
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                throw YAMLError(.syntax, "libyaml could not initialise a parser")
            }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_input_string(parser, base, buffer.count)
            var builder = TreeBuilder(maxDepth: maxDepth, aliasBudget: aliasBudget, schema: schema)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(parser, &event) == 1 else {
                    throw Self.error(from: parser.pointee)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.handle(event)
            }
            return builder.documents
        }
    }

    /// Parses a text that must hold exactly one document (an empty text is an error too).
    public func parseSingle(_ text: String) throws -> YAMLDocument {
        let docs = try parse(text)
        guard docs.count == 1 else {
            throw YAMLError(.syntax, docs.isEmpty
                ? "expected one YAML document, found an empty file"
                : "expected one YAML document, found \(docs.count) (separated by ---)")
        }
        return docs[0]
    }

    private static func error(from p: yaml_parser_t) -> YAMLError {
        let problem = p.problem.map { String(cString: $0) } ?? "malformed YAML"
        var message = problem
        if let context = p.context.map({ String(cString: $0) }) {
            message = "\(problem) (\(context) at \(p.context_mark.line + 1):\(p.context_mark.column + 1))"
        }
        return YAMLError(.syntax, message,
                         at: YAMLMark(line: p.problem_mark.line + 1, column: p.problem_mark.column + 1))
    }
}

/// Turns the event stream into trees. Iterative (an explicit stack), so deep input cannot
/// overflow the call stack before `maxDepth` refuses it.
private struct TreeBuilder {
    enum Container {
        case sequence([YAMLNode])
        case mapping(YAMLMapping, pendingKey: PendingKey?, merges: [YAMLNode], keyMarks: [String: YAMLMark])
    }
    struct PendingKey {
        var key: String
        var isMerge: Bool
        var mark: YAMLMark
    }
    struct Frame {
        var container: Container
        var anchor: String?
        var path: String
        var mark: YAMLMark
        var size: Int
        /// Container levels in this subtree so far (aliases included): 1 for a flat container.
        var height: Int
    }

    let maxDepth: Int
    var aliasBudget: Int
    let schema: YAMLParser.Schema
    var documents: [YAMLDocument] = []
    var stack: [Frame] = []
    var root: YAMLNode?
    var marks: [String: YAMLMark] = [:]
    /// Anchored nodes with their node count and height (container levels; 0 for a scalar).
    var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]

    init(maxDepth: Int, aliasBudget: Int, schema: YAMLParser.Schema) {
        self.maxDepth = maxDepth
        self.aliasBudget = aliasBudget
        self.schema = schema
    }

    /// The path of the next child in the innermost container.
    func childPath() -> String {
        guard let top = stack.last else { return "" }
        switch top.container {
        case .sequence(let items): return YAMLPath.index(top.path, items.count)
        case .mapping(_, let pending, _, _): return YAMLPath.key(top.path, pending?.key ?? "")
        }
    }

    /// Whether the next scalar is a mapping key (the innermost mapping waits for one).
    var expectsKey: Bool {
        if case .mapping(_, nil, _, _)? = stack.last?.container { return true }
        return false
    }

    mutating func handle(_ event: yaml_event_t) throws {
        let mark = YAMLMark(line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            break
        case YAML_DOCUMENT_START_EVENT:
            root = nil
            marks = [:]
            anchors = [:]
        case YAML_DOCUMENT_END_EVENT:
            documents.append(YAMLDocument(root: root ?? .null, marks: marks))
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
            let tag = s.tag.map { String(cString: $0) }
            let isPlain = s.style == YAML_PLAIN_SCALAR_STYLE
            if expectsKey {
                try addKey(text, isMerge: isPlain && tag == nil && text == "<<", mark: mark)
                return
            }
            let node = try Self.scalar(text, tag: tag, isPlain: isPlain, mark: mark, schema: schema)
            try add(node, size: 1, height: 0, anchor: Self.anchor(s.anchor), mark: mark)
        case YAML_ALIAS_EVENT:
            let name = Self.anchor(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw YAMLError(.syntax, "alias *\(name) refers to no anchor defined before it", at: mark)
            }
            aliasBudget -= target.size
            guard aliasBudget >= 0 else {
                throw YAMLError(.unsupported, "aliases expand to too many nodes (possible alias bomb)", at: mark)
            }
            if expectsKey {
                guard case .string(let key) = target.node else {
                    throw YAMLError(.unsupported, "only scalar aliases can be mapping keys", at: mark)
                }
                try addKey(key, isMerge: false, mark: mark)
                return
            }
            // An alias attaches the whole anchored subtree here: its levels count toward the depth.
            guard stack.count + target.height <= maxDepth else {
                throw YAMLError(.unsupported, "nesting deeper than \(maxDepth) levels (through alias *\(name))", at: mark)
            }
            try add(target.node, size: target.size, height: target.height, anchor: nil, mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            try push(.sequence([]), anchor: Self.anchor(event.data.sequence_start.anchor), mark: mark)
        case YAML_MAPPING_START_EVENT:
            try push(.mapping(YAMLMapping(), pendingKey: nil, merges: [], keyMarks: [:]),
                     anchor: Self.anchor(event.data.mapping_start.anchor), mark: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let node: YAMLNode
            switch frame.container {
            case .sequence(let items):
                node = .sequence(items)
            case .mapping(var mapping, _, let merges, _):
                for merge in merges {
                    let sources = merge.sequence ?? [merge]
                    for source in sources {
                        guard let m = source.mapping else {
                            throw YAMLError(.syntax, "a << merge key needs a mapping or a sequence of mappings", at: frame.mark)
                        }
                        for entry in m where mapping[entry.key] == nil { mapping[entry.key] = entry.value }
                    }
                }
                node = .mapping(mapping)
            }
            // The frame's own path was registered when it was pushed.
            try attach(node, size: frame.size, height: frame.height, anchor: frame.anchor, mark: frame.mark, registerMark: false)
        default:
            break
        }
    }

    static func anchor(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: $0) }
    }

    static func scalar(_ text: String, tag: String?, isPlain: Bool, mark: YAMLMark, schema: YAMLParser.Schema) throws -> YAMLNode {
        guard let tag, tag != "!" else {
            guard isPlain else { return .string(text) }
            return schema == .core ? ScalarResolver.resolveCore(text) : ScalarResolver.resolvePlain(text)
        }
        let short = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
        switch short {
        case "!!str": return .string(text)
        case "!!null": return .null
        case "!!bool":
            if case .bool(let b) = ScalarResolver.resolvePlain(text) { return .bool(b) }
        case "!!int":
            if let i = ScalarResolver.parseInt(text) { return .int(i) }
        case "!!float":
            if let d = ScalarResolver.parseFloat(text) ?? ScalarResolver.parseInt(text).map(Double.init) { return .double(d) }
        default:
            return isPlain ? ScalarResolver.resolvePlain(text) : .string(text)
        }
        throw YAMLError(.syntax, "'\(text)' is not a valid \(short) value", at: mark)
    }

    mutating func push(_ container: Container, anchor: String?, mark: YAMLMark) throws {
        if case .mapping(_, nil, _, _)? = stack.last?.container {
            throw YAMLError(.unsupported, "complex mapping keys (a mapping or sequence used as a key) are not supported", at: mark)
        }
        guard stack.count < maxDepth else {
            throw YAMLError(.unsupported, "nesting deeper than \(maxDepth) levels", at: mark)
        }
        let path = childPath()
        marks[path] = mark
        stack.append(Frame(container: container, anchor: anchor, path: path, mark: mark, size: 1, height: 1))
    }

    mutating func addKey(_ key: String, isMerge: Bool, mark: YAMLMark) throws {
        guard var top = stack.popLast(), case .mapping(let m, _, let merges, var keyMarks) = top.container else { return }
        // Drop the frame's own reference first, so that the key index below is updated in place
        // rather than copied for every key (which made wide mappings quadratic).
        top.container = .sequence([])
        if !isMerge {
            if let first = keyMarks[key] {
                top.container = .mapping(m, pendingKey: nil, merges: merges, keyMarks: keyMarks)
                stack.append(top)
                throw YAMLError(.syntax, "duplicate key '\(key)' (first defined at \(first))", at: mark)
            }
            keyMarks[key] = mark
        }
        top.container = .mapping(m, pendingKey: PendingKey(key: key, isMerge: isMerge, mark: mark), merges: merges, keyMarks: keyMarks)
        stack.append(top)
    }

    mutating func add(_ node: YAMLNode, size: Int, height: Int, anchor: String?, mark: YAMLMark) throws {
        try attach(node, size: size, height: height, anchor: anchor, mark: mark, registerMark: true)
    }

    mutating func attach(_ node: YAMLNode, size: Int, height: Int, anchor: String?, mark: YAMLMark, registerMark: Bool) throws {
        if let anchor { anchors[anchor] = (node, size, height) }
        if registerMark { marks[childPath()] = mark }
        guard var top = stack.popLast() else {
            root = node
            return
        }
        top.size += size
        top.height = max(top.height, height + 1)
        switch top.container {
        case .sequence(var items):
            top.container = .sequence([])  // release the reference before appending
            items.append(node)
            top.container = .sequence(items)
        case .mapping(var mapping, let pending, var merges, let keyMarks):
            guard let pending else { break }
            top.container = .mapping(YAMLMapping(), pendingKey: nil, merges: [], keyMarks: [:])
            if pending.isMerge {
                merges.append(node)
            } else {
                mapping.appendUnchecked(key: pending.key, value: node)
            }
            top.container = .mapping(mapping, pendingKey: nil, merges: merges, keyMarks: keyMarks)
        }
        stack.append(top)
    }
}
