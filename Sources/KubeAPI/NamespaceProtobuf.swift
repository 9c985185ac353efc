// `kubectl create namespace` POSTs its body as Kubernetes protobuf
// (`application/vnd.kubernetes.protobuf`), and a 415 is not retried as JSON, so this reads that
// encoding into the JSON form the rest of the API works with.
import Blueprint

/// A protobuf body that cannot be read; the message becomes the `message` of a 400 Status.
public struct ProtobufError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the input, with the byte offset where it was found.
    public var message: String
    /// Creates an error with the given message.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reader for the Kubernetes protobuf envelope (`k8s\0` + `runtime.Unknown`).
public enum KubeProtobuf {
    /// The four bytes every Kubernetes protobuf body starts with: `k8s\0`.
    public static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Decodes a protobuf-encoded object into its JSON form:
    /// `{"apiVersion","kind","metadata":{name, generateName?, namespace?, labels?, annotations?},
    /// "spec":{"finalizers":[...]}?}`. Kind Namespace is read fully; any other object whose raw
    /// bytes start with ObjectMeta as field 1 gives its metadata only. Empty strings and empty
    /// maps are left out, as protobuf cannot tell them from absent ones.
    ///
    /// Throws `ProtobufError` for a wrong magic, truncated input, varints over 10 bytes, lengths
    /// past the end, wrong wire types on known fields, group wire types, invalid UTF-8, a content
    /// encoding (such as gzip) and nesting deeper than 32.
    public static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        guard bytes.count >= magic.count, Array(bytes.prefix(magic.count)) == magic else {
            throw ProtobufError("the body does not start with the Kubernetes protobuf magic k8s\\0")
        }
        var reader = ProtobufReader(bytes, start: magic.count)
        var apiVersion = "", kind = "", contentEncoding = ""
        var raw: Range<Int>?
        while let field = try reader.nextField() {
            switch field.number {
            case 1:
                try reader.message(field, name: "Unknown.typeMeta") { meta in
                    while let inner = try meta.nextField() {
                        switch inner.number {
                        case 1: apiVersion = try meta.string(inner, name: "TypeMeta.apiVersion")
                        case 2: kind = try meta.string(inner, name: "TypeMeta.kind")
                        default: try meta.skip(inner)
                        }
                    }
                }
            case 2: raw = try reader.bytes(field, name: "Unknown.raw")
            case 3: contentEncoding = try reader.string(field, name: "Unknown.contentEncoding")
            case 4: _ = try reader.string(field, name: "Unknown.contentType")
            default: try reader.skip(field)
            }
        }
        guard contentEncoding.isEmpty else {
            throw ProtobufError("content encoding \"\(contentEncoding)\" is not supported")
        }
        var object = JSONObject()
        if !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
        if !kind.isEmpty { object["kind"] = .string(kind) }
        guard let raw else { return .object(object) }

        var body = ProtobufReader(bytes, range: raw)
        var metadata = JSONObject()
        var finalizers: [JSONValue] = []
        while let field = try body.nextField() {
            switch field.number {
            case 1:
                try body.message(field, name: "ObjectMeta") { meta in metadata = try readObjectMeta(&meta) }
            case 2 where kind == "Namespace":
                try body.message(field, name: "NamespaceSpec") { spec in
                    while let inner = try spec.nextField() {
                        if inner.number == 1 {
                            finalizers.append(.string(try spec.string(inner, name: "NamespaceSpec.finalizers")))
                        } else {
                            try spec.skip(inner)
                        }
                    }
                }
            default: try body.skip(field)
            }
        }
        object["metadata"] = .object(metadata)
        if !finalizers.isEmpty { object["spec"] = .object(JSONObject(["finalizers": .array(finalizers)])) }
        return .object(object)
    }

    private static func readObjectMeta(_ meta: inout ProtobufReader) throws -> JSONObject {
        var result = JSONObject()
        var labels = JSONObject(), annotations = JSONObject()
        while let field = try meta.nextField() {
            switch field.number {
            case 1: result["name"] = nonEmpty(try meta.string(field, name: "ObjectMeta.name"))
            case 2: result["generateName"] = nonEmpty(try meta.string(field, name: "ObjectMeta.generateName"))
            case 3: result["namespace"] = nonEmpty(try meta.string(field, name: "ObjectMeta.namespace"))
            case 11: try readMapEntry(&meta, field, name: "ObjectMeta.labels", into: &labels)
            case 12: try readMapEntry(&meta, field, name: "ObjectMeta.annotations", into: &annotations)
            default: try meta.skip(field)
            }
        }
        if !labels.members.isEmpty { result["labels"] = .object(labels) }
        if !annotations.members.isEmpty { result["annotations"] = .object(annotations) }
        return result
    }

    /// One `map<string,string>` entry {1 key, 2 value}; a repeated key keeps its first position
    /// and takes the last value, as protobuf maps do.
    private static func readMapEntry(
        _ reader: inout ProtobufReader, _ field: ProtobufReader.Field, name: String, into map: inout JSONObject
    ) throws {
        var key = "", value = ""
        try reader.message(field, name: name) { entry in
            while let inner = try entry.nextField() {
                switch inner.number {
                case 1: key = try entry.string(inner, name: "\(name) key")
                case 2: value = try entry.string(inner, name: "\(name) value")
                default: try entry.skip(inner)
                }
            }
        }
        map[key] = .string(value)
    }

    private static func nonEmpty(_ s: String) -> JSONValue? { s.isEmpty ? nil : .string(s) }
}

/// A bounds-checked reader of the protobuf wire format over one message's bytes.
struct ProtobufReader {
    /// The deepest nesting of messages accepted.
    static let maxDepth = 32

    struct Field {
        var number: Int
        var wireType: Int
        var offset: Int
    }

    private let buffer: [UInt8]
    private(set) var position: Int
    private let end: Int
    let depth: Int

    init(_ bytes: [UInt8], start: Int = 0) {
        self.init(bytes, range: min(start, bytes.count)..<bytes.count)
    }

    init(_ bytes: [UInt8], range: Range<Int>, depth: Int = 0) {
        buffer = bytes
        position = range.lowerBound
        end = range.upperBound
        self.depth = depth
    }

    var isAtEnd: Bool { position >= end }

    /// A base-128 varint of at most 10 bytes.
    mutating func varint() throws -> UInt64 {
        let start = position
        var value: UInt64 = 0
        for index in 0..<10 {
            guard position < end else { throw ProtobufError("truncated varint at byte \(start)") }
            let byte = buffer[position]
            position += 1
            if index == 9, byte > 1 { throw ProtobufError("varint at byte \(start) overflows 64 bits") }
            value |= UInt64(byte & 0x7F) << UInt64(7 * index)
            if byte & 0x80 == 0 { return value }
        }
        throw ProtobufError("varint at byte \(start) is longer than 10 bytes")
    }

    /// The next field's tag, or nil at the end of the message.
    mutating func nextField() throws -> Field? {
        guard !isAtEnd else { return nil }
        let offset = position
        let tag = try varint()
        let number = tag >> 3
        guard number >= 1, number <= 0x1FFF_FFFF else {
            throw ProtobufError("invalid field number \(number) at byte \(offset)")
        }
        return Field(number: Int(number), wireType: Int(tag & 7), offset: offset)
    }

    /// Skips an unknown field by its wire type; groups (3, 4) and unknown types are refused.
    mutating func skip(_ field: Field) throws {
        switch field.wireType {
        case 0: _ = try varint()
        case 1: try advance(8, field)
        case 2: _ = try lengthDelimited(field)
        case 5: try advance(4, field)
        default:
            throw ProtobufError("field \(field.number) at byte \(field.offset) has unsupported wire type \(field.wireType)")
        }
    }

    private mutating func advance(_ count: Int, _ field: Field) throws {
        guard end - position >= count else {
            throw ProtobufError("field \(field.number) at byte \(field.offset) is truncated")
        }
        position += count
    }

    private mutating func lengthDelimited(_ field: Field) throws -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw ProtobufError("field \(field.number) at byte \(field.offset) has length \(length) past the end of its message")
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    private func expectLengthDelimited(_ field: Field, name: String) throws {
        guard field.wireType == 2 else {
            throw ProtobufError("\(name) (field \(field.number) at byte \(field.offset)) has wire type \(field.wireType), expected 2")
        }
    }

    /// The byte range of a length-delimited field.
    mutating func bytes(_ field: Field, name: String) throws -> Range<Int> {
        try expectLengthDelimited(field, name: name)
        return try lengthDelimited(field)
    }

    /// A length-delimited field as UTF-8 text.
    mutating func string(_ field: Field, name: String) throws -> String {
        let range = try bytes(field, name: name)
        guard let text = String(validating: buffer[range], as: UTF8.self) else {
            throw ProtobufError("\(name) at byte \(field.offset) is not valid UTF-8")
        }
        return text
    }

    /// Reads a nested message with `body`, one level deeper.
    mutating func message(_ field: Field, name: String, _ body: (inout ProtobufReader) throws -> Void) throws {
        let range = try bytes(field, name: name)
        guard depth < Self.maxDepth else {
            throw ProtobufError("\(name) at byte \(field.offset) is nested deeper than \(Self.maxDepth) messages")
        }
        var inner = ProtobufReader(buffer, range: range, depth: depth + 1)
        try body(&inner)
    }
}
