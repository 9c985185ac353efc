import CLibYAML

/// Writes ``YAMLNode`` trees as YAML text through libyaml.
///
/// Strings that a YAML 1.1 or 1.2 reader could take for another type are double-quoted,
/// multi-line strings use literal block style (`|`) when libyaml allows it, non-ASCII text is
/// written as UTF-8 and long lines are never folded. Mappings keep their order.
///
/// ```swift
/// let yaml = try YAMLEmitter().emit(["value": "yes"])   // "value: \"yes\"\n"
/// ```
public struct YAMLEmitter: Sendable {
    /// Start each document with `---`, even a single one.
    public var explicitDocumentStart: Bool
    /// Spaces per indentation level (2 to 9).
    public var indent: Int

    public init(explicitDocumentStart: Bool = false, indent: Int = 2) {
        self.explicitDocumentStart = explicitDocumentStart
        self.indent = indent
    }

    /// Emits one document.
    /// - Throws: ``YAMLError`` with code `.emitter` when libyaml refuses the input.
    public func emit(_ node: YAMLNode) throws -> String {
        try emit(documents: [node])
    }

    /// Emits a multi-document stream; documents after the first always start with `---`.
    public func emit(documents: [YAMLNode]) throws -> String {
        let session = try EmitterSession(indent: indent)
        defer { session.close() }
        try session.send { yaml_stream_start_event_initialize(&$0, YAML_UTF8_ENCODING) }
        for (index, document) in documents.enumerated() {
            let implicit: Int32 = (index == 0 && !explicitDocumentStart) ? 1 : 0
            try session.send { yaml_document_start_event_initialize(&$0, nil, nil, nil, implicit) }
            try session.write(document)
            try session.send { yaml_document_end_event_initialize(&$0, 1) }
        }
        try session.send { yaml_stream_end_event_initialize(&$0) }
        return session.output()
    }
}

/// Collects libyaml's output bytes; passed to the C write handler as its context pointer.
private final class OutputSink {
    var bytes: [UInt8] = []
}

/// One libyaml emitter with its output buffer; not shared between threads.
private final class EmitterSession {
    let emitter: UnsafeMutablePointer<yaml_emitter_t>
    let sink = OutputSink()

    init(indent: Int) throws {
        emitter = .allocate(capacity: 1)
        guard yaml_emitter_initialize(emitter) == 1 else {
            emitter.deallocate()
            throw YAMLError(.emitter, "libyaml could not initialise an emitter")
        }
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_indent(emitter, Int32(indent))
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(
            emitter,
            { data, buffer, size in
                guard let data, let buffer else { return 0 }
                let sink = Unmanaged<OutputSink>.fromOpaque(data).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, context)
    }

    func close() {
        yaml_emitter_delete(emitter)
        emitter.deallocate()
    }

    func output() -> String {
        String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Initialises an event with `make` and hands it to libyaml (which takes ownership).
    func send(_ make: (inout yaml_event_t) -> Int32) throws {
        var event = yaml_event_t()
        guard make(&event) == 1 else {
            throw YAMLError(.emitter, "libyaml could not create an event (out of memory?)")
        }
        guard yaml_emitter_emit(emitter, &event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown problem"
            throw YAMLError(.emitter, "libyaml refused to write: \(problem)")
        }
    }

    func write(_ node: YAMLNode) throws {
        switch node {
        case .null:
            try scalar("null", plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
        case .bool(let b):
            try scalar(b ? "true" : "false", plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
        case .int(let i):
            try scalar(String(i), plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
        case .double(let d):
            try scalar(Self.format(d), plainImplicit: true, style: YAML_PLAIN_SCALAR_STYLE)
        case .string(let s):
            try string(s)
        case .sequence(let items):
            try send { yaml_sequence_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE) }
            for item in items { try write(item) }
            try send { yaml_sequence_end_event_initialize(&$0) }
        case .mapping(let mapping):
            try send { yaml_mapping_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) }
            for entry in mapping.entries {
                try string(entry.key)
                try write(entry.value)
            }
            try send { yaml_mapping_end_event_initialize(&$0) }
        }
    }

    private func string(_ s: String) throws {
        if ScalarResolver.needsQuotes(s) {
            try scalar(s, plainImplicit: false, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        } else if s.contains("\n") {
            // libyaml falls back to double quotes when a literal block cannot hold the text.
            try scalar(s, plainImplicit: false, style: YAML_LITERAL_SCALAR_STYLE)
        } else {
            try scalar(s, plainImplicit: true, style: YAML_ANY_SCALAR_STYLE)
        }
    }

    private func scalar(_ text: String, plainImplicit: Bool, style: yaml_scalar_style_t) throws {
        var bytes = Array(text.utf8)
        let count = Int32(bytes.count)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            // libyaml copies the value; an empty buffer still needs a valid pointer.
            var empty: UInt8 = 0
            try withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let value = buffer.baseAddress ?? emptyPointer
                try send {
                    yaml_scalar_event_initialize(&$0, nil, nil, value, count, plainImplicit ? 1 : 0, 1, style)
                }
            }
        }
    }

    static func format(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        let text = "\(d)"
        // Swift writes 1e+20 style for large values; both YAML 1.1 and 1.2 read "1e+20" as a float
        // only with a dot in 1.1, so make sure one is there.
        if let e = text.firstIndex(of: "e"), !text.contains(".") {
            return text[..<e] + ".0" + text[e...]
        }
        return text
    }
}
