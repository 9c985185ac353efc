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

    @Test("aliases count toward the depth limit: chained anchors cannot nest past it")
    func aliasDepth() throws {
        // Each line wraps the previous anchor in one more sequence; the text stays flat.
        func chain(_ levels: Int) -> String {
            var text = "a0: &a0 [x]\n"
            for i in 1..<levels { text += "a\(i): &a\(i) [*a\(i - 1)]\n" }
            return text
        }
        let parser = YAMLParser()
        _ = try parser.parse(chain(parser.maxDepth - 2))
        do {
            _ = try parser.parse(chain(parser.maxDepth + 50))
            Issue.record("expected the depth limit")
        } catch let error as YAMLError {
            #expect(error.message.contains("nesting deeper than \(parser.maxDepth) levels (through alias"))
            #expect(error.mark?.line == parser.maxDepth)
        }
    }

    @Test("a mapping with 40,000 keys parses, keeps its order and finds every key")
    func wideMapping() throws {
        let count = 40_000
        let text = (0..<count).map { "k\($0): \($0)" }.joined(separator: "\n")
        let doc = try YAMLParser().parseSingle(text)
        let m = try #require(doc.root.mapping)
        #expect(m.count == count)
        #expect(m.keys.first == "k0" && m.keys.last == "k\(count - 1)")
        #expect((0..<count).allSatisfy { m["k\($0)"] == .int($0) })
        #expect(m["missing"] == nil)
        // A duplicate far from the first is still found.
        #expect(throws: YAMLError.self) { try YAMLParser().parse(text + "\nk7: 0") }
    }

    @Test("merge keys into a wide mapping keep the mapping's own values")
    func wideMerge() throws {
        let base = (0..<1000).map { "  b\($0): \($0)" }.joined(separator: "\n")
        let own = (0..<1000).map { "  b\($0 * 2): own" }.joined(separator: "\n")
        let doc = try YAMLParser().parseSingle("base: &b\n\(base)\nderived:\n  <<: *b\n\(own)\n")
        let derived = try #require(doc.root["derived"]?.mapping)
        #expect(derived.count == 1500)
        #expect(derived["b2"] == "own" && derived["b3"] == 3 && derived["b1998"] == "own" && derived["b999"] == 999)
    }

    @Test("wide mappings edit like small ones: replace in place, remove, re-add")
    func wideMappingEdits() {
        var m = YAMLMapping((0..<100).map { ("k\($0)", YAMLNode.int($0)) })
        m["k50"] = "x"
        #expect(m.keys[50] == "k50" && m["k50"] == "x")
        m["k10"] = nil
        #expect(m.count == 99 && m["k10"] == nil && m["k11"] == 11 && m["k99"] == 99)
        m["k10"] = 10
        #expect(m.keys.last == "k10" && m["k10"] == 10)
        let small = YAMLMapping((0..<100).map { ("k\($0)", YAMLNode.int($0)) })
        var edited = small
        edited["k0"] = 0
        #expect(edited == small && edited.hashValue == small.hashValue)
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
