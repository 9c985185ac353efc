import Testing
import YAML

@Suite("YAML parser")
struct ParserTests {
    @Test("plain scalars resolve like Kubernetes tooling")
    func resolution() throws {
        let doc = try YAMLParser().parseSingle("""
            a: yes
            b: "yes"
            c: 8061
            d: 0x1F
            e: 1.5
            f: ~
            g: 1Gi
            h: !!str 42
            i: 0123
            j: 'single'
            """)
        let m = try #require(doc.root.mapping)
        #expect(m["a"] == .bool(true))
        #expect(m["b"] == .string("yes"))
        #expect(m["c"] == .int(8061))
        #expect(m["d"] == .int(31))
        #expect(m["e"] == .double(1.5))
        #expect(m["f"] == .null)
        #expect(m["g"] == .string("1Gi"))
        #expect(m["h"] == .string("42"))
        #expect(m["i"] == .int(83))
        #expect(m["j"] == .string("single"))
    }

    @Test("syntax errors carry line and column")
    func syntaxError() {
        do {
            _ = try YAMLParser().parse("a: 1\nb: [1, 2\nc: 3\n")
            Issue.record("expected an error")
        } catch let error as YAMLError {
            #expect(error.code == .syntax)
            #expect(error.mark?.line == 3)
            #expect(error.description.hasPrefix("3:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("duplicate keys are refused with both positions")
    func duplicateKeys() {
        #expect(throws: YAMLError.self) { try YAMLParser().parse("a: 1\nb: 2\na: 3\n") }
        do {
            _ = try YAMLParser().parse("a: 1\nb: 2\na: 3\n")
        } catch let error as YAMLError {
            #expect(error.mark == YAMLMark(line: 3, column: 1))
            #expect(error.message.contains("first defined at 1:1"))
        } catch {}
    }

    @Test("marks locate nested nodes by path")
    func marks() throws {
        let doc = try YAMLParser().parseSingle("spec:\n  ports:\n  - name: api\n    port: 80\n")
        #expect(doc.marks["spec.ports[0].port"] == YAMLMark(line: 4, column: 11))
        #expect(doc.mark(at: "spec.ports[0].missing") == YAMLMark(line: 3, column: 5))
    }

    @Test("anchors, aliases and merge keys")
    func aliases() throws {
        let doc = try YAMLParser().parseSingle("""
            base: &b {cpu: 1, mem: 2}
            copy: *b
            merged:
              <<: *b
              cpu: 4
            """)
        #expect(doc.root["copy"] == ["cpu": 1, "mem": 2])
        #expect(doc.root["merged"] == ["cpu": 4, "mem": 2])
    }

    @Test("alias bombs are refused")
    func aliasBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: YAMLError.self) { try YAMLParser().parse(text) }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: YAMLError.self) { try YAMLParser().parse(text) }
    }

    @Test("empty input has no documents")
    func emptyInput() throws {
        #expect(try YAMLParser().parse("").isEmpty)
        #expect(throws: YAMLError.self) { try YAMLParser().parseSingle("") }
    }
}

@Suite("YAML core schema")
struct CoreSchemaTests {
    @Test("under the core schema only true/false are booleans")
    func core() throws {
        let doc = try YAMLParser(schema: .core).parseSingle("a: n\nb: yes\nc: true\nd: 0123\ne: 1.5\nf: ~\n")
        #expect(doc.root["a"] == "n")
        #expect(doc.root["b"] == "yes")
        #expect(doc.root["c"] == true)
        #expect(doc.root["d"] == 123)
        #expect(doc.root["e"] == 1.5)
        #expect(doc.root["f"] == .null)
    }
}
