import Foundation
import Testing
import TestSupport
import YAML

@Suite("YAML round trips")
struct RoundTripTests {
    static let tricky: [String] = [
        "yes", "no", "on", "off", "y", "n", "Y", "N", "YES", "On", "OFF", "null", "Null", "NULL", "~", "true",
        "False", "0123", "0o17", "1e3", "1E3", "-1e-3", "0x1F", "0b101", "1_000", "190:20:30", ".inf", "-.inf",
        ".NaN", "3.14", ".5", "-0", "+12", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "", " ", "  ", "<<", "=",
        "a: b", "a #b", "#comment", "- item", "-", "--", "---", "...", "*alias", "&anchor", "!tag", "%directive",
        "@at", "`tick", "trailing space ", " leading space", "line1\nline2", "line1\nline2\n", "\nleading newline",
        "tab\tinside", "ends with newlines\n\n", "  indented\nblock", "crlf\r\nline", "quote\"s", "single'quote",
        "back\\slash", "{flow}", "[seq]", "a,b", "?question", "|pipe", ">gt", "ünïcødé", "日本語", "emoji 🚀",
        "nul\u{0}char", "bell\u{7}", "\u{FEFF}bom", "key:value", "http://example.com:8080/x", "1.0.0", "v1",
        "1Gi", "500m", "8061", "-8061", "0", "00", "1.", "+.inf", "0.", "Infinity", "NaN",
    ]

    @Test("tricky strings survive emit → parse", arguments: tricky)
    func trickyString(_ s: String) throws {
        let node: YAMLNode = .mapping(["value": .string(s), "list": [.string(s)]])
        let text = try YAMLEmitter().emit(node)
        let back = try YAMLParser().parseSingle(text).root
        #expect(back == node, "emitted:\n\(text)")
    }

    @Test("tricky strings survive as mapping keys", arguments: tricky)
    func trickyKey(_ s: String) throws {
        let node: YAMLNode = .mapping(YAMLMapping([(s, .int(1)), ("other", .string(s))]))
        let text = try YAMLEmitter().emit(node)
        #expect(try YAMLParser().parseSingle(text).root == node, "emitted:\n\(text)")
    }

    @Test("generated strings round-trip (property test, 3000 cases)")
    func generatedStrings() throws {
        var rng = SeededGenerator(seed: 42)
        let alphabet: [Character] = Array("aZ09 :#-*&!%@`'\"\\\n\t|>?,[]{}~.+_eExXoO<=é日🚀") + ["\r", "\u{85}", "\u{2028}"]
        let words = ["yes", "no", "on", "null", "true", "0", "1e3", "0x", ".inf", "---", "...", "- ", ": ", " #"]
        for _ in 0..<3000 {
            var s = ""
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    s += words.randomElement(using: &rng) ?? ""
                } else {
                    s.append(alphabet.randomElement(using: &rng) ?? "a")
                }
            }
            let node: YAMLNode = ["k": .string(s), "seq": [.string(s), .int(1)]]
            let text = try YAMLEmitter().emit(node)
            let back = try YAMLParser().parseSingle(text).root
            #expect(back == node, "string \(s.debugDescription) emitted as:\n\(text)")
        }
    }

    @Test("typed scalars stay typed")
    func typedScalars() throws {
        let node: YAMLNode = [
            "int": 8061, "negative": -3, "double": 0.25, "big": 1e20, "bool": true, "null": nil,
            "empty-seq": [], "empty-map": .mapping(YAMLMapping()), "nested": ["a": [1, 2, ["b": "c"]]],
        ]
        let text = try YAMLEmitter().emit(node)
        #expect(try YAMLParser().parseSingle(text).root == node)
        #expect(text.contains("int: 8061\n"))
        #expect(text.contains("bool: true\n"))
        #expect(text.contains("empty-seq: []\n"))
    }

    @Test("ambiguous strings are double-quoted, ordinary ones plain")
    func quotingStyle() throws {
        let text = try YAMLEmitter().emit(["a": "yes", "b": "0123", "c": "1Gi", "d": "nginx:1.25", "e": "null"])
        #expect(text == "a: \"yes\"\nb: \"0123\"\nc: 1Gi\nd: nginx:1.25\ne: \"null\"\n")
    }

    @Test("multi-line strings use literal block style")
    func literalBlocks() throws {
        let text = try YAMLEmitter().emit(["script": "echo one\necho two\n"])
        #expect(text == "script: |\n  echo one\n  echo two\n")
    }

    @Test("multi-document streams keep their order")
    func multiDocument() throws {
        let docs: [YAMLNode] = [["kind": "A"], ["kind": "B"], ["kind": "C"]]
        let text = try YAMLEmitter(explicitDocumentStart: true).emit(documents: docs)
        #expect(text.hasPrefix("---\nkind: A\n---\nkind: B\n"))
        #expect(try YAMLParser().parse(text).map(\.root) == docs)
    }

    @Test("emitting is deterministic and keeps insertion order")
    func insertionOrder() throws {
        var m = YAMLMapping()
        for key in ["zeta", "alpha", "mid"] { m[key] = .string(key) }
        m["alpha"] = "changed"
        let text = try YAMLEmitter().emit(.mapping(m))
        #expect(text == "zeta: zeta\nalpha: changed\nmid: mid\n")
        #expect(try YAMLEmitter().emit(.mapping(m)) == text)
    }

    /// An independent YAML 1.1 reader (PyYAML) reads our output back as the same strings.
    @Test("PyYAML reads emitted strings back unchanged")
    func independentReader() throws {
        guard let python = PythonYAML.interpreter() else {
            Issue.record("python3 with PyYAML is needed for this check; run scripts/setup.sh")
            return
        }
        let values = Self.tricky.filter { !$0.contains("\u{0}") && !$0.contains("\r") && !$0.contains("\u{FEFF}") && !$0.contains("\u{7}") }
        let node: YAMLNode = .sequence(values.map { .string($0) })
        let text = try YAMLEmitter().emit(node)
        let json = try PythonYAML.toJSON(text, python: python)
        let decoded = try JSONDecoder().decode([String].self, from: Data(json.utf8))
        #expect(decoded == values)
    }
}

enum PythonYAML {
    static func interpreter() -> String? {
        for candidate in ["/usr/bin/env"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: candidate)
            p.arguments = ["python3", "-c", "import yaml"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { continue }
            p.waitUntilExit()
            if p.terminationStatus == 0 { return "python3" }
        }
        return nil
    }

    static func toJSON(_ yaml: String, python: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, "-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(yaml.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
