import Blueprint
import Testing
@testable import KubeAPI

/// A minimal protobuf writer for building test bodies.
private struct Writer {
    var bytes: [UInt8] = []
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func field(_ n: Int, _ payload: [UInt8]) { varint(UInt64(n << 3 | 2)); varint(UInt64(payload.count)); bytes += payload }
    mutating func string(_ n: Int, _ s: String) { field(n, Array(s.utf8)) }
    static func message(_ build: (inout Writer) -> Void) -> [UInt8] { var w = Writer(); build(&w); return w.bytes }
}

private func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16) ?? 0) }
    return out
}

@Suite struct ProtobufTests {
    /// The body kubectl v1.32.4 POSTs for `kubectl create namespace demo`.
    static let kubectlCreateNamespaceDemo = hex(
        "6b3873000a0f0a02763112094e616d657370616365121c0a140a0464656d6f12001a0022002a0032003800420012001a020a001a002200")

    @Test func kubectlVector() throws {
        let value = try KubeProtobuf.decode(Self.kubectlCreateNamespaceDemo)
        #expect(JSONWriter(pretty: false).write(value) == #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}"#)
    }

    static func namespaceBody() -> [UInt8] {
        let meta = Writer.message { m in
            m.string(1, "team-a")
            m.string(2, "gen-")
            m.field(11, Writer.message { $0.string(1, "env"); $0.string(2, "prod") })
            m.field(11, Writer.message { $0.string(1, "tier"); $0.string(2, "web") })
            m.field(12, Writer.message { $0.string(1, "note"); $0.string(2, "é ok") })
            m.varint(7 << 3); m.varint(300)          // generation: skipped varint
            m.varint(13 << 3 | 5); m.bytes += [1, 2, 3, 4]  // unknown fixed32
            m.varint(14 << 3 | 1); m.bytes += [UInt8](repeating: 9, count: 8)  // unknown fixed64
        }
        let raw = Writer.message { r in
            r.field(1, meta)
            r.field(2, Writer.message { $0.string(1, "kubernetes"); $0.string(1, "x/y") })
            r.field(3, Writer.message { $0.string(1, "Active") })
        }
        return KubeProtobuf.magic + Writer.message { u in
            u.field(1, Writer.message { $0.string(1, "v1"); $0.string(2, "Namespace") })
            u.field(2, raw)
            u.string(4, "application/vnd.kubernetes.protobuf")
        }
    }

    @Test func labelsAnnotationsAndFinalizers() throws {
        let value = try KubeProtobuf.decode(Self.namespaceBody())
        #expect(JSONWriter(pretty: false).write(value) == #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","generateName":"gen-","labels":{"env":"prod","tier":"web"},"annotations":{"note":"é ok"}},"spec":{"finalizers":["kubernetes","x/y"]}}"#)
    }

    @Test func everyTruncationThrows() {
        for body in [Self.kubectlCreateNamespaceDemo, Self.namespaceBody()] {
            var complete = 0
            for length in 0..<body.count {
                do { _ = try KubeProtobuf.decode(Array(body.prefix(length))) } catch is ProtobufError { continue } catch { Issue.record("\(error)") }
                complete += 1
            }
            // A cut at a top-level field boundary of Unknown is itself a valid message; all others must fail.
            #expect(complete <= 4, "\(complete) prefixes decoded")
        }
    }

    @Test func malformedInputs() {
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(Array("k8s".utf8)) }
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(Array("{\"kind\":1}".utf8)) }
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(KubeProtobuf.magic + [0x08] + [UInt8](repeating: 0xFF, count: 11)) }
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(KubeProtobuf.magic + [0x12, 0x7F, 0x00]) }
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(KubeProtobuf.magic + [0x0B]) }  // group
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(KubeProtobuf.magic + [0x08, 0x01]) }  // typeMeta as varint
        #expect(throws: ProtobufError.self) { try KubeProtobuf.decode(KubeProtobuf.magic + Writer.message { $0.string(3, "gzip") }) }
    }

    @Test func nestingLimit() throws {
        var body: [UInt8] = []
        for _ in 0..<40 { body = Writer.message { $0.field(1, body) } }
        func walk(_ reader: inout ProtobufReader) throws {
            while let field = try reader.nextField() { try reader.message(field, name: "n") { try walk(&$0) } }
        }
        var reader = ProtobufReader(body)
        #expect(throws: ProtobufError.self) { try walk(&reader) }
        var shallow = ProtobufReader(Array(body.suffix(20)))
        try walk(&shallow)
        #expect(shallow.isAtEnd)
    }
}
