import Simulation

/// XML text escaping for SVG and HTML.
public enum XML {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, and control characters other than tab
    /// and newline (not allowed in XML 1.0) replaced by U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

/// Axis ticks on "nice" values: steps of 1, 2 or 5 times a power of ten.
public struct NiceScale: Hashable, Sendable {
    /// The axis range, widened to whole steps.
    public var lower: Double
    public var upper: Double
    /// The distance between ticks.
    public var step: Double

    /// A scale covering `min…max` with at most about `maxTicks` ticks.
    public init(min: Double, max: Double, maxTicks: Int = 6) {
        var lo = min.isFinite ? min : 0
        var hi = max.isFinite ? max : 1
        if hi < lo { swap(&lo, &hi) }
        if !(hi - lo).isFinite { (lo, hi) = (0, 1) }
        if hi - lo < 1e-12 {
            // A flat series: give it room around its value.
            let pad = Swift.max(abs(lo) * 0.1, 1)
            hi = lo + pad
            lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad
        }
        let step = Self.niceStep((hi - lo) / Double(Swift.max(1, maxTicks - 1)))
        self.step = step
        lower = (lo / step).rounded(.down) * step
        upper = (hi / step).rounded(.up) * step
        if upper - lower < step / 2 { upper = lower + step }
    }

    /// The smallest 1, 2 or 5 × 10ⁿ at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude > raw { magnitude /= 10 }
        while magnitude * 10 <= raw { magnitude *= 10 }
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// The tick values from `lower` to `upper`.
    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...Swift.max(0, count)).map { i in
            let v = lower + Double(i) * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Decimals that show the step exactly (0 for whole steps).
    public var decimals: Int {
        var d = 0
        var s = step
        while d < 6 && abs(s - s.rounded()) > 1e-9 * Swift.max(1, abs(s)) {
            s *= 10
            d += 1
        }
        return d
    }

    /// A tick's label.
    public func label(_ value: Double) -> String { SVGFormat.number(value, decimals: decimals) }
}

/// Fixed number formatting, the same on every platform.
public enum SVGFormat {
    /// A coordinate: at most two decimals, trailing zeros dropped.
    public static func coordinate(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        var s = x.fixed(2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// A value with `decimals` decimals and thousands grouped with thin spaces when large.
    public static func number(_ x: Double, decimals: Int) -> String {
        let text = x.fixed(decimals)
        guard abs(x) >= 10_000 else { return text }
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        let whole = Array(parts[0])
        var grouped = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { grouped += "\u{2009}" }
            grouped.append(c)
        }
        return (negative ? "-" : "") + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// Seconds for people: "850 ms", "12.3 s", "4.5 min", "2.1 h".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let a = abs(seconds)
        if a == 0 { return "0 s" }
        if a < 0.001 { return (seconds * 1e6).fixed(0) + " µs" }
        if a < 1 { return (seconds * 1000).fixed(a < 0.01 ? 2 : a < 0.1 ? 1 : 0) + " ms" }
        if a < 120 { return seconds.fixed(a < 10 ? 2 : 1) + " s" }
        if a < 7200 { return (seconds / 60).fixed(1) + " min" }
        return (seconds / 3600).fixed(1) + " h"
    }

    /// Bytes for people, decimal units: "512 B", "1.5 MB".
    public static func bytes(_ b: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        var v = b
        var i = 0
        while abs(v) >= 1000 && i < units.count - 1 {
            v /= 1000
            i += 1
        }
        return (i == 0 ? v.fixed(0) : v.fixed(v < 10 ? 2 : 1)) + " " + units[i]
    }
}

/// An SVG document built element by element; the same calls give the same bytes.
public struct SVGCanvas {
    public let width: Double
    public let height: Double
    /// Elements so far.
    public private(set) var body = ""

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    static func c(_ x: Double) -> String { SVGFormat.coordinate(x) }

    static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(XML.escape($0.1))\"" }.joined()
    }

    static func titled(_ title: String?) -> String { title.map { "<title>\(XML.escape($0))</title>" } ?? "" }

    /// Appends raw SVG markup (already escaped).
    public mutating func raw(_ markup: String) { body += markup }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String, title: String? = nil) {
        let open = "<line x1=\"\(Self.c(x1))\" y1=\"\(Self.c(y1))\" x2=\"\(Self.c(x2))\" y2=\"\(Self.c(y2))\" class=\"\(XML.escape(cls))\""
        body += title == nil ? open + "/>" : open + ">" + Self.titled(title) + "</line>"
    }

    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, cls: String, title: String? = nil, extra: [(String, String)] = []) {
        let open = "<rect x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" width=\"\(Self.c(max(0, w)))\" height=\"\(Self.c(max(0, h)))\" class=\"\(XML.escape(cls))\""
            + Self.attributes(extra)
        body += title == nil ? open + "/>" : open + ">" + Self.titled(title) + "</rect>"
    }

    public mutating func circle(_ x: Double, _ y: Double, r: Double, cls: String, title: String? = nil) {
        let open = "<circle cx=\"\(Self.c(x))\" cy=\"\(Self.c(y))\" r=\"\(Self.c(r))\" class=\"\(XML.escape(cls))\""
        body += title == nil ? open + "/>" : open + ">" + Self.titled(title) + "</circle>"
    }

    public mutating func polygon(_ points: [(Double, Double)], cls: String, title: String? = nil) {
        let open = "<polygon points=\"\(points.map { "\(Self.c($0.0)),\(Self.c($0.1))" }.joined(separator: " "))\" class=\"\(XML.escape(cls))\""
        body += title == nil ? open + "/>" : open + ">" + Self.titled(title) + "</polygon>"
    }

    /// A polyline; `data-points` records how many points were drawn.
    public mutating func polyline(_ points: [(Double, Double)], cls: String, title: String? = nil) {
        guard !points.isEmpty else { return }
        let open = "<polyline points=\"\(points.map { "\(Self.c($0.0)),\(Self.c($0.1))" }.joined(separator: " "))\" class=\"\(XML.escape(cls))\" data-points=\"\(points.count)\""
        body += title == nil ? open + "/>" : open + ">" + Self.titled(title) + "</polyline>"
    }

    public enum Anchor: String { case start, middle, end }

    public mutating func text(_ x: Double, _ y: Double, _ text: String, cls: String = "label", anchor: Anchor = .start, rotate: Bool = false) {
        let transform = rotate ? " transform=\"rotate(-90 \(Self.c(x)) \(Self.c(y)))\"" : ""
        body += "<text x=\"\(Self.c(x))\" y=\"\(Self.c(y))\" class=\"\(XML.escape(cls))\" text-anchor=\"\(anchor.rawValue)\"\(transform)>\(XML.escape(text))</text>"
    }

    /// The whole `<svg>` element; `label` becomes its accessible name and `kind` its `data-chart`.
    public func render(label: String, kind: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.c(width)) \(Self.c(height))\" width=\"\(Self.c(width))\" height=\"\(Self.c(height))\""
            + " role=\"img\" aria-label=\"\(XML.escape(label))\" data-chart=\"\(XML.escape(kind))\">" + body + "</svg>"
    }
}
