import Blueprint

/// A protobuf body that cannot be read; answered as a 400.
public struct ProtobufError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The Kubernetes protobuf envelope, as `kubectl create namespace` sends it: `k8s\0`, then a
/// `runtime.Unknown` {1: TypeMeta{1 apiVersion, 2 kind}, 2: raw} whose raw is the object
/// {1: ObjectMeta{1 name, 2 generateName, 3 namespace, 11 labels, 12 annotations}, 2: spec}.
/// Only what these objects need is read; other fields are skipped by wire type.
public enum KubeProtobuf {
    public static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        guard bytes.count >= 4, bytes[0] == 0x6B, bytes[1] == 0x38, bytes[2] == 0x73, bytes[3] == 0 else {
            throw ProtobufError("not a Kubernetes protobuf body (it does not start with k8s\\0)")
        }
        var apiVersion = "", kind = ""
        var raw: ArraySlice<UInt8> = []
        try fields(bytes[4...], depth: 0) { field, value in
            switch (field, value) {
            case (1, .bytes(let typeMeta)):
                try fields(typeMeta, depth: 1) { f, v in
                    if f == 1, case .bytes(let b) = v { apiVersion = try text(b) }
                    if f == 2, case .bytes(let b) = v { kind = try text(b) }
                }
            case (2, .bytes(let b)): raw = b
            default: break
            }
        }
        var object: JSONObject = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
        var metadata = JSONObject()
        var finalizers: [JSONValue] = []
        try fields(raw, depth: 1) { field, value in
            switch (field, value) {
            case (1, .bytes(let meta)):
                var labels = JSONObject(), annotations = JSONObject()
                try fields(meta, depth: 2) { f, v in
                    guard case .bytes(let b) = v else { return }
                    switch f {
                    case 1: metadata["name"] = .string(try text(b))
                    case 2: metadata["generateName"] = .string(try text(b))
                    case 3: metadata["namespace"] = .string(try text(b))
                    case 11, 12:
                        var key = "", val = ""
                        try fields(b, depth: 3) { ef, ev in
                            if ef == 1, case .bytes(let k) = ev { key = try text(k) }
                            if ef == 2, case .bytes(let x) = ev { val = try text(x) }
                        }
                        if f == 11 { labels[key] = .string(val) } else { annotations[key] = .string(val) }
                    default: break
                    }
                }
                if !labels.members.isEmpty { metadata["labels"] = .object(labels) }
                if !annotations.members.isEmpty { metadata["annotations"] = .object(annotations) }
            case (2, .bytes(let spec)) where kind == "Namespace":
                try fields(spec, depth: 2) { f, v in
                    if f == 1, case .bytes(let b) = v { finalizers.append(.string(try text(b))) }
                }
            default: break
            }
        }
        object["metadata"] = .object(metadata)
        if !finalizers.isEmpty { object["spec"] = .object(["finalizers": .array(finalizers)]) }
        return .object(object)
    }

    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }

    static func text(_ b: ArraySlice<UInt8>) throws -> String {
        guard let s = String(validating: b, as: UTF8.self) else { throw ProtobufError("a string field is not UTF-8") }
        return s
    }

    /// Calls `body` with each field of a message.
    static func fields(_ data: ArraySlice<UInt8>, depth: Int, _ body: (Int, Value) throws -> Void) throws {
        guard depth < 32 else { throw ProtobufError("the message nests deeper than 32 levels") }
        var i = data.startIndex
        func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            for _ in 0..<10 {
                guard i < data.endIndex else { throw ProtobufError("the message ends inside a number") }
                let byte = data[i]
                i += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            throw ProtobufError("a number is longer than 10 bytes")
        }
        while i < data.endIndex {
            let tag = try varint()
            let field = Int(tag >> 3)
            guard field > 0, field < 1 << 29 else { throw ProtobufError("field number \(field) is not valid") }
            switch tag & 7 {
            case 0:
                try body(field, .varint(try varint()))
            case 1, 5:
                let size = tag & 7 == 1 ? 8 : 4
                guard data.endIndex - i >= size else { throw ProtobufError("the message ends inside a fixed-size field") }
                i += size
                try body(field, .fixed)
            case 2:
                let length = try varint()
                guard length <= UInt64(data.endIndex - i) else { throw ProtobufError("a field's length runs past the end of the message") }
                let end = i + Int(length)
                let slice = data[i..<end]
                i = end
                try body(field, .bytes(slice))
            default:
                throw ProtobufError("wire type \(tag & 7) (groups) is not supported")
            }
        }
    }
}
