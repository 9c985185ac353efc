import Playground
import Testing

@Suite("CSV text fields")
struct CSVFieldTests {
    @Test("RFC 4180 quoting and spreadsheet formula defusing", arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""),
        ("=HYPERLINK(\"u\"),x", "\"'=HYPERLINK(\"\"u\"\"),x\""),
        ("", ""),
    ])
    func field(text: String, expected: String) {
        #expect(EventLogWriter.csvField(text) == expected)
    }
}
