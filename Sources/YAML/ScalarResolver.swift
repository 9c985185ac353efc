/// Decides what a plain (unquoted) scalar means, and which strings must be quoted.
///
/// Reading follows what Kubernetes tooling does (go-yaml, YAML 1.1 booleans): `yes`, `on`, `y`
/// are booleans, `~` and `null` are null. Writing is stricter than any one reader: a string is
/// quoted whenever a YAML 1.1 *or* 1.2 reader could take its plain form for a null, boolean,
/// number, timestamp, merge key or value key, so it survives every reader unchanged.
public enum ScalarResolver {
    private static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let trueWords: Set<String> = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    private static let falseWords: Set<String> = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]
    /// Lower-cased words that any reader might resolve to a non-string.
    private static let reservedLowercased: Set<String> = [
        "", "~", "null", "y", "yes", "n", "no", "true", "false", "on", "off",
        ".inf", "-.inf", "+.inf", ".nan", "<<", "=",
    ]

    /// The node a plain scalar with this text stands for.
    public static func resolvePlain(_ text: String) -> YAMLNode {
        if nullWords.contains(text) { return .null }
        if trueWords.contains(text) { return .bool(true) }
        if falseWords.contains(text) { return .bool(false) }
        if let i = parseInt(text) { return .int(i) }
        if let d = parseFloat(text) { return .double(d) }
        return .string(text)
    }

    /// The node a plain scalar stands for under the YAML 1.2 core schema (booleans are only
    /// true/false in their three spellings; numbers in decimal, 0x and 0o forms).
    public static func resolveCore(_ text: String) -> YAMLNode {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let first = text.first, first == "0", text.count > 1, !text.hasPrefix("0x"), !text.hasPrefix("0o"), !text.contains(".") {
            return Int(text).map(YAMLNode.int) ?? .string(text)  // no YAML 1.1 octal: 0123 is 123
        }
        if let i = parseInt(text) { return .int(i) }
        if let d = parseFloat(text) { return .double(d) }
        return .string(text)
    }

    /// Whether `text` written plain could be read back as anything but this string.
    public static func needsQuotes(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first else { return true }
        // Every reserved word is at most five bytes long.
        if utf8.count <= 5 && reservedLowercased.contains(text.lowercased()) { return true }
        // Anything that starts like a number, a sexagesimal or a timestamp is quoted.
        var bytes = Substring(text).utf8[...]
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        if let c = bytes.first {
            let startsNumeric = isDigit(c) || (c == UInt8(ascii: ".") && bytes.dropFirst().first.map(isDigit) == true)
            if startsNumeric && bytes.allSatisfy(isNumberish) { return true }
        }
        if isDigit(first) && looksLikeDate(text) { return true }
        // Only text starting with a digit, sign or dot can still resolve to a number.
        guard isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".") else {
            return false
        }
        return resolvePlain(text) != .string(text)
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func isNumberish(_ c: UInt8) -> Bool {
        switch c {
        case 48...57, UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
            UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"),
            UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private static func looksLikeDate(_ text: String) -> Bool {
        let b = Array(text.utf8.prefix(10))
        guard b.count >= 8, b[0...3].allSatisfy(isDigit), b[4] == UInt8(ascii: "-") else { return false }
        return isDigit(b[5])
    }

    static func parseInt(_ text: String) -> Int? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" || s.first == "+" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCII, first.isNumber else { return nil }
        let value: Int?
        if s.hasPrefix("0x") || s.hasPrefix("0X") {
            value = Int(s.dropFirst(2).filter { $0 != "_" }, radix: 16)
        } else if s.hasPrefix("0o") || s.hasPrefix("0O") {
            value = Int(s.dropFirst(2), radix: 8)
        } else if s.count > 1 && s.first == "0" {
            let digits = s.dropFirst().filter { $0 != "_" }
            value = digits.allSatisfy({ $0 >= "0" && $0 <= "7" }) ? Int(digits, radix: 8) : nil
        } else {
            guard s.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }), s.last != "_" else { return nil }
            value = Int(s.filter { $0 != "_" })
        }
        guard let value else { return nil }
        return negative ? -value : value
    }

    static func parseFloat(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // [-+]? ( \.[0-9]+ | [0-9][0-9_]* (\.[0-9_]*)? ) ([eE][-+]?[0-9]+)?
        let b = Array(text.utf8)
        var i = 0
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
        var sawDigit = false
        while i < b.count && (isDigit(b[i]) || (sawDigit && b[i] == UInt8(ascii: "_"))) {
            sawDigit = true
            i += 1
        }
        var sawDot = false
        if i < b.count && b[i] == UInt8(ascii: ".") {
            sawDot = true
            i += 1
            while i < b.count && (isDigit(b[i]) || b[i] == UInt8(ascii: "_")) {
                if isDigit(b[i]) { sawDigit = true }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        var sawExponent = false
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
            let start = i
            while i < b.count && isDigit(b[i]) { i += 1 }
            guard i > start else { return nil }
            sawExponent = true
        }
        guard i == b.count, sawDot || sawExponent else { return nil }
        return Double(text.filter { $0 != "_" })
    }
}
