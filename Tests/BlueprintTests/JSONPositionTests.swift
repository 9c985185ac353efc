@testable import Blueprint
import Testing

@Suite("JSON positions")
struct JSONPositionTests {
    @Test("columns on one long line count characters, and stay right as the reader moves along the line")
    func minified() throws {
        let doc = try JSONParser().parse(#"{"é":1,"b":[2,3]}"#)
        #expect(doc.positions["é"] == SourcePosition(line: 1, column: 6))
        #expect(doc.positions["b"] == SourcePosition(line: 1, column: 12))
        #expect(doc.positions["b[1]"] == SourcePosition(line: 1, column: 15))
        let pretty = try JSONParser().parse("{\n  \"é\": 1,\n  \"b\": [2,\n    3]\n}")
        #expect(pretty.positions["b"] == SourcePosition(line: 3, column: 8))
        #expect(pretty.positions["b[1]"] == SourcePosition(line: 4, column: 5))
    }

    @Test("a minified 600-node blueprint has the same positions per line as its values' offsets")
    func minifiedBlueprint() throws {
        let nodes = (0..<600).map { #"{"container_name":"m\#($0)","node_type":"MLModel","image":"r.example/m:1"}"# }
        let text = #"{"name":"chain","nodes":["# + nodes.joined(separator: ",") + "]}"
        let doc = try JSONParser().parse(text)
        let offset = try #require(text.range(of: #"{"container_name":"m599""#)).lowerBound
        #expect(doc.positions["nodes[599]"] == SourcePosition(line: 1, column: text.distance(from: text.startIndex, to: offset) + 1))
    }
}
