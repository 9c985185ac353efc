/// A JSON value that keeps object keys in document order and numbers as written.
///
/// Blueprints are read into this tree first, so unknown fields survive into the cleaned
/// `blueprint.json` and every diagnostic can point at a line and column.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number's text exactly as written (never rounded through a Double).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }
    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    /// An integer, from a JSON number without a fraction (or an integral one such as `2.0`).
    public var int: Int? {
        guard case .number(let text) = self else { return nil }
        if let i = Int(text) { return i }
        if let d = Double(text), d.rounded() == d, abs(d) < 1e15 { return Int(d) }
        return nil
    }
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// "a string", "an array", …: for messages about wrong types.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public subscript(key: String) -> JSONValue? { object?[key] }
}

/// An ordered JSON object.
public struct JSONObject: Hashable, Sendable {
    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        get { members.first(where: { $0.key == key })?.value }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }
}

/// A 1-based line and column in a source text.
public struct SourcePosition: Hashable, Sendable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// A JSON syntax error with its position.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition
    public var description: String { "\(position): \(message)" }
}

/// A parsed JSON text: the value and where each value starts, keyed by path
/// (`nodes[2].image`; the root is `""`).
public struct JSONDocument: Sendable {
    public var root: JSONValue
    public var positions: [String: SourcePosition]

    /// The position of `path`, or of the nearest enclosing value that has one.
    public func position(of path: String) -> SourcePosition? {
        var p = path
        while true {
            if let pos = positions[p] { return pos }
            if p.isEmpty { return nil }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { p = ""; continue }
            p = String(p[..<cut])
        }
    }
}

/// Paths in the `nodes[2].operation_signature_list[0].connected_to[1]` style.
public enum JSONPath {
    public static func key(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }
    public static func index(_ parent: String, _ index: Int) -> String {
        parent + "[\(index)]"
    }
}

/// A strict RFC 8259 JSON reader that records the position of every value.
public struct JSONParser {
    public var maxDepth = 512
    /// Whether to keep every value's position in ``JSONDocument/positions`` (blueprints, for
    /// diagnostics); API bodies turn it off. Syntax errors have their position either way.
    public var recordsPositions = true

    public init(recordsPositions: Bool = true) { self.recordsPositions = recordsPositions }

    /// Parses `text`.
    /// - Throws: ``JSONSyntaxError`` with line and column.
    public func parse(_ text: String) throws -> JSONDocument {
        var reader = Reader(bytes: Array(text.utf8), maxDepth: maxDepth)
        reader.recordsPositions = recordsPositions
        return try reader.document()
    }

    private struct Reader {
        let bytes: [UInt8]
        let maxDepth: Int
        var recordsPositions = true
        var i = 0
        var line = 1
        var lineStart = 0
        var positions: [String: SourcePosition] = [:]
        /// Where the last recorded column was counted to, so recording every value's position
        /// costs O(length) even when the whole document is on one line (minified JSON).
        var countedLineStart = -1
        var countedIndex = 0
        var countedColumns = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            // A UTF-8 byte order mark is allowed and ignored.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3; lineStart = 3 }
        }

        var position: SourcePosition { position(at: i, line: line, lineStart: lineStart) }

        func position(at index: Int, line: Int, lineStart: Int) -> SourcePosition {
            // Columns count characters, not bytes.
            let column = bytes[lineStart..<min(index, bytes.count)].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) }
            return SourcePosition(line: line, column: column + 1)
        }

        /// The position at `i`, counting columns on from the previous call on the same line.
        mutating func recordedPosition() -> SourcePosition {
            if countedLineStart != lineStart || countedIndex > i {
                countedLineStart = lineStart
                countedIndex = lineStart
                countedColumns = 0
            }
            let end = min(i, bytes.count)
            while countedIndex < end {
                if bytes[countedIndex] & 0xC0 != 0x80 { countedColumns += 1 }
                countedIndex += 1
            }
            return SourcePosition(line: line, column: countedColumns + 1)
        }

        func fail(_ message: String) -> JSONSyntaxError {
            JSONSyntaxError(message: message, position: position)
        }

        mutating func document() throws -> JSONDocument {
            skipWhitespace()
            guard i < bytes.count else { throw fail("the file is empty; expected a JSON object") }
            let root = try value(path: "", depth: 0)
            skipWhitespace()
            guard i == bytes.count else { throw fail("unexpected \(describe(bytes[i])) after the end of the JSON value") }
            return JSONDocument(root: root, positions: positions)
        }

        mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    i += 1
                case UInt8(ascii: "\n"):
                    i += 1
                    line += 1
                    lineStart = i
                default:
                    return
                }
            }
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            let hex = Swift.String(byte, radix: 16, uppercase: true)
            return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
        }

        mutating func value(path: String, depth: Int) throws -> JSONValue {
            guard depth < maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of file; expected a value") }
            if recordsPositions { positions[path] = recordedPosition() }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(path: path, depth: depth)
            case UInt8(ascii: "["): return try array(path: path, depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected \(describe(bytes[i])); expected a value")
            }
        }

        mutating func literal(_ word: Swift.String) throws {
            let w = Array(word.utf8)
            guard bytes.count - i >= w.count, Array(bytes[i..<i + w.count]) == w else {
                throw fail("invalid literal; expected '\(word)'")
            }
            i += w.count
        }

        mutating func object(path: Swift.String, depth: Int) throws -> JSONValue {
            i += 1
            var members: [JSONObject.Member] = []
            var seen: Set<Swift.String> = []
            skipWhitespace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(members)) }
            while true {
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    if i < bytes.count && bytes[i] == UInt8(ascii: "}") { throw fail("trailing comma before '}'") }
                    throw fail(i < bytes.count ? "expected a quoted key, found \(describe(bytes[i]))" : "unexpected end of file inside an object")
                }
                let (keyIndex, keyLine, keyLineStart) = (i, line, lineStart)
                let key = try string()
                if !seen.insert(key).inserted {
                    throw JSONSyntaxError(message: "duplicate key \"\(key)\" in one object",
                                          position: position(at: keyIndex, line: keyLine, lineStart: keyLineStart))
                }
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
                i += 1
                let v = try value(path: recordsPositions ? JSONPath.key(path, key) : "", depth: depth + 1)
                members.append(JSONObject.Member(key: key, value: v))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of file; expected ',' or '}'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(members)) }
                throw fail("expected ',' or '}' after the value of \"\(key)\", found \(describe(bytes[i]))")
            }
        }

        mutating func array(path: Swift.String, depth: Int) throws -> JSONValue {
            i += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipWhitespace()
                if i < bytes.count && bytes[i] == UInt8(ascii: "]") { throw fail("trailing comma before ']'") }
                items.append(try value(path: recordsPositions ? JSONPath.index(path, items.count) : "", depth: depth + 1))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of file; expected ',' or ']'") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']' in an array, found \(describe(bytes[i]))")
            }
        }

        mutating func number() throws -> Swift.String {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            func digits(_ r: inout Reader) -> Int {
                let s = r.i
                while r.i < r.bytes.count && r.bytes[r.i] >= 48 && r.bytes[r.i] <= 57 { r.i += 1 }
                return r.i - s
            }
            guard i < bytes.count else { throw fail("a number needs digits") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                if i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 { throw fail("numbers cannot have leading zeros") }
            } else if digits(&self) == 0 {
                throw fail("a number needs digits")
            }
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits(&self) > 0 else { throw fail("a number needs digits after '.'") }
            }
            if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
                i += 1
                if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
                guard digits(&self) > 0 else { throw fail("a number needs digits in its exponent") }
            }
            return Swift.String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - i >= 4 else { throw fail("incomplete \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 65...70: d = UInt32(c - 55)
                case 97...102: d = UInt32(c - 87)
                default: throw fail("invalid hex digit in \\u escape")
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }

        mutating func string() throws -> Swift.String {
            i += 1
            var out: [UInt8] = []
            let startLine = line
            while true {
                guard i < bytes.count else {
                    throw JSONSyntaxError(message: "unterminated string (started on line \(startLine))", position: position)
                }
                let c = bytes[i]
                switch c {
                case UInt8(ascii: "\""):
                    i += 1
                    guard let s = Swift.String(validating: out, as: UTF8.self) else {
                        throw fail("a string is not valid UTF-8")
                    }
                    return s
                case UInt8(ascii: "\\"):
                    i += 1
                    guard i < bytes.count else { throw fail("unterminated escape") }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(e)
                    case UInt8(ascii: "\\"): out.append(e)
                    case UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(8)
                    case UInt8(ascii: "f"): out.append(12)
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "r"): out.append(13)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard bytes.count - i >= 6, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired UTF-16 surrogate in \\u escape")
                            }
                            i += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid UTF-16 surrogate pair") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("unpaired UTF-16 surrogate in \\u escape")
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                        out.append(contentsOf: Array(Swift.String(Character(u)).utf8))
                    default:
                        i -= 1
                        throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                    }
                case 0..<0x20:
                    throw fail(c == 10 ? "unterminated string (a raw line break inside a string)" : "control character inside a string must be escaped")
                default:
                    out.append(c)
                    i += 1
                }
            }
        }
    }
}

/// Writes ``JSONValue`` trees deterministically: keys in their order, two-space indentation,
/// non-ASCII kept as UTF-8, `/` not escaped.
public struct JSONWriter: Sendable {
    public var pretty: Bool
    /// With `pretty`, values nested this deep or deeper are written on one line
    /// (`{"a": 1, "b": 2}`); `nil` breaks every level.
    public var inlineDepth: Int?

    public init(pretty: Bool = true, inlineDepth: Int? = nil) {
        self.pretty = pretty
        self.inlineDepth = inlineDepth
    }

    public func write(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        if pretty { out += "\n" }
        return out
    }

    private func write(_ value: JSONValue, indent: Int, into out: inout String) {
        if pretty, let inlineDepth, indent >= inlineDepth {
            var inline = JSONWriter(pretty: false)
            inline.inlineSpacing = true
            inline.write(value, indent: 0, into: &out)
            return
        }
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += inlineSpacing ? ", " : "," }
                newline(indent + 1, &out)
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent, &out)
            out += "]"
        case .object(let object):
            if object.members.isEmpty { out += "{}"; return }
            out += "{"
            for (n, member) in object.members.enumerated() {
                if n > 0 { out += inlineSpacing ? ", " : "," }
                newline(indent + 1, &out)
                Self.quote(member.key, into: &out)
                out += pretty || inlineSpacing ? ": " : ":"
                write(member.value, indent: indent + 1, into: &out)
            }
            newline(indent, &out)
            out += "}"
        }
    }

    /// One-line output with a space after ',' and ':' (used for inlined values).
    private var inlineSpacing = false

    private func newline(_ indent: Int, _ out: inout String) {
        guard pretty else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, into: &out)
        return out
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escape: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Members in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { Member(key: $0.0, value: $0.1) }
    }
}
