import Simulation

/// One axis: a linear or logarithmic range with its labelled ticks.
public struct ChartAxis: Sendable {
    public var lower: Double
    public var upper: Double
    public var logarithmic: Bool
    public var ticks: [(value: Double, label: String)]

    /// A linear axis on nice ticks covering `min…max`.
    public static func linear(_ min: Double, _ max: Double, maxTicks: Int = 6, format: ((Double) -> String)? = nil) -> ChartAxis {
        let scale = NiceScale(min: min, max: max, maxTicks: maxTicks)
        return ChartAxis(lower: scale.lower, upper: scale.upper, logarithmic: false,
                         ticks: scale.ticks.map { ($0, format?($0) ?? scale.label($0)) })
    }

    /// A base-10 logarithmic axis covering `min…max` (both above 0), ticks on 1, 2 and 5 × 10ⁿ
    /// (only 10ⁿ over more than three decades).
    public static func logarithmic(_ min: Double, _ max: Double, format: @escaping (Double) -> String) -> ChartAxis {
        let lo = Swift.max(min, 1e-9), hi = Swift.max(max, lo * 10)
        let first = (decimalLog(lo)).rounded(.down), last = (decimalLog(hi)).rounded(.up)
        var ticks: [(Double, String)] = []
        let factors: [Double] = last - first > 3 ? [1] : [1, 2, 5]
        var e = first
        while e <= last {
            for f in factors {
                let v = f * decimalPower(e)
                if v >= decimalPower(first) * (1 - 1e-9) && v <= decimalPower(last) * (1 + 1e-9) { ticks.append((v, format(v))) }
            }
            e += 1
        }
        return ChartAxis(lower: decimalPower(first), upper: decimalPower(last), logarithmic: true, ticks: ticks)
    }

    /// Where `value` falls, 0 at `lower` and 1 at `upper`.
    public func fraction(_ value: Double) -> Double {
        if logarithmic {
            let v = Swift.max(value, lower)
            return (decimalLog(v) - decimalLog(lower)) / Swift.max(1e-12, decimalLog(upper) - decimalLog(lower))
        }
        return (value - lower) / Swift.max(1e-12, upper - lower)
    }
}

func decimalLog(_ x: Double) -> Double {
    // ln(x) / ln(10) by series-free means: Foundation-free and the same everywhere.
    guard x > 0 else { return -300 }
    guard x.isFinite else { return 308 }
    var m = x, e = 0.0
    while m >= 10 { m /= 10; e += 1 }
    while m < 1 { m *= 10; e -= 1 }
    // m in [1, 10): natural log by atanh series.
    let y = (m - 1) / (m + 1), y2 = y * y
    var term = y, sum = 0.0, k = 1.0
    for _ in 0..<40 {
        sum += term / k
        term *= y2
        k += 2
    }
    return e + 2 * sum / 2.302585092994046
}

func decimalPower(_ e: Double) -> Double {
    var v = 1.0
    let n = Int(e.rounded())
    if n >= 0 { for _ in 0..<n { v *= 10 } } else { for _ in 0..<(-n) { v /= 10 } }
    return v
}

/// A drawn line: its name for the legend, a colour class and its points.
public struct ChartSeries: Sendable {
    public var name: String
    /// A colour class of the page's style sheet (`c0` … `c9`, or a named one).
    public var colour: String
    public var points: [(x: Double, y: Double)]
    /// Drawn as a step function (the value holds until the next point).
    public var step: Bool
    /// Drawn against the right-hand axis.
    public var rightAxis: Bool

    public init(name: String, colour: String, points: [(x: Double, y: Double)], step: Bool = false, rightAxis: Bool = false) {
        self.name = name
        self.colour = colour
        self.points = points
        self.step = step
        self.rightAxis = rightAxis
    }
}

/// A point marked on a chart (a scaling decision) with its hover text.
public struct ChartMarker: Sendable {
    public var x: Double
    public var y: Double
    public var title: String
    public var up: Bool

    public init(x: Double, y: Double, title: String, up: Bool) {
        self.x = x
        self.y = y
        self.title = title
        self.up = up
    }
}

/// Down-sampling for drawing only.
public enum Downsample {
    /// At most about `limit` points: the points are cut into buckets in order and each bucket
    /// keeps its first, lowest, highest and last point, so peaks and steps stay visible.
    public static func series(_ points: [(x: Double, y: Double)], limit: Int) -> [(x: Double, y: Double)] {
        guard points.count > limit, limit >= 8 else { return points }
        let buckets = limit / 4
        var out: [(x: Double, y: Double)] = []
        out.reserveCapacity(buckets * 4)
        for b in 0..<buckets {
            let start = b * points.count / buckets, end = (b + 1) * points.count / buckets
            guard start < end else { continue }
            var low = start, high = start
            for i in start..<end {
                if points[i].y < points[low].y { low = i }
                if points[i].y > points[high].y { high = i }
            }
            for i in Set([start, low, high, end - 1]).sorted() { out.append(points[i]) }
        }
        return out
    }
}

/// Charts drawn as SVG: line, bar, histogram, CDF, Gantt rows and heat map.
public enum Charts {
    /// Most points drawn per series.
    public static let maxPointsPerSeries = 1_000

    struct Frame {
        var left = 70.0, right = 70.0, top = 16.0, bottom = 46.0
        var width: Double
        var height: Double
        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
        func x(_ axis: ChartAxis, _ v: Double) -> Double { left + min(1, max(0, axis.fraction(v))) * plotWidth }
        func y(_ axis: ChartAxis, _ v: Double) -> Double { top + plotHeight - min(1, max(0, axis.fraction(v))) * plotHeight }
    }

    static func drawAxes(_ svg: inout SVGCanvas, _ f: Frame, x: ChartAxis, y: ChartAxis, right: ChartAxis? = nil,
                         xLabel: String, yLabel: String, rightLabel: String? = nil, grid: Bool = true)
    {
        svg.raw("<g class=\"axes\">")
        for t in y.ticks {
            let py = f.y(y, t.value)
            if grid { svg.line(f.left, py, f.left + f.plotWidth, py, cls: "grid") }
            svg.line(f.left - 4, py, f.left, py, cls: "tick")
            svg.text(f.left - 7, py + 4, t.label, cls: "tick-label", anchor: .end)
        }
        for t in x.ticks {
            let px = f.x(x, t.value)
            svg.line(px, f.top + f.plotHeight, px, f.top + f.plotHeight + 4, cls: "tick")
            svg.text(px, f.top + f.plotHeight + 17, t.label, cls: "tick-label", anchor: .middle)
        }
        if let right {
            for t in right.ticks {
                let py = f.y(right, t.value)
                svg.line(f.left + f.plotWidth, py, f.left + f.plotWidth + 4, py, cls: "tick")
                svg.text(f.left + f.plotWidth + 7, py + 4, t.label, cls: "tick-label", anchor: .start)
            }
            svg.line(f.left + f.plotWidth, f.top, f.left + f.plotWidth, f.top + f.plotHeight, cls: "axis")
        }
        svg.line(f.left, f.top, f.left, f.top + f.plotHeight, cls: "axis")
        svg.line(f.left, f.top + f.plotHeight, f.left + f.plotWidth, f.top + f.plotHeight, cls: "axis")
        svg.text(f.left + f.plotWidth / 2, f.height - 8, xLabel, cls: "axis-label x-label", anchor: .middle)
        svg.text(16, f.top + f.plotHeight / 2, yLabel, cls: "axis-label y-label", anchor: .middle, rotate: true)
        if let rightLabel { svg.text(f.width - 12, f.top + f.plotHeight / 2, rightLabel, cls: "axis-label y-label", anchor: .middle, rotate: true) }
        svg.raw("</g>")
    }

    /// A legend row as HTML (kept out of the plot so it never covers data).
    public static func legend(_ entries: [(name: String, colour: String)]) -> String {
        "<div class=\"legend\">" + entries.map { "<span><i class=\"swatch \(XML.escape($0.colour))\"></i>\(XML.escape($0.name))</span>" }.joined(separator: " ")
            + "</div>"
    }

    /// A line chart of `series` (left axis, and right axis for series that ask for it), with
    /// `markers` (triangles up or down, hover text in their `<title>`) and vertical reference lines.
    public static func line(label: String, series: [ChartSeries], xLabel: String, yLabel: String, rightLabel: String? = nil,
                            markers: [ChartMarker] = [], references: [(x: Double, label: String)] = [],
                            xAxis: ChartAxis? = nil, yAxis: ChartAxis? = nil, width: Double = 900, height: Double = 300,
                            kind: String = "line") -> String
    {
        let all = series.flatMap(\.points)
        let xs = all.map(\.x) + markers.map(\.x)
        let x = xAxis ?? .linear(xs.min() ?? 0, xs.max() ?? 1, maxTicks: 10)
        let left = series.filter { !$0.rightAxis }.flatMap(\.points).map(\.y) + markers.map(\.y)
        let y = yAxis ?? .linear(min(0, left.min() ?? 0), left.max() ?? 1)
        let rightValues = series.filter(\.rightAxis).flatMap(\.points).map(\.y)
        let right: ChartAxis? = rightValues.isEmpty ? nil : .linear(min(0, rightValues.min() ?? 0), rightValues.max() ?? 1)
        let f = Frame(right: right == nil ? 24 : 70, width: width, height: height)
        var svg = SVGCanvas(width: width, height: height)
        drawAxes(&svg, f, x: x, y: y, right: right, xLabel: xLabel, yLabel: yLabel, rightLabel: rightLabel)
        for s in series {
            let axis = s.rightAxis ? (right ?? y) : y
            var points = Downsample.series(s.points, limit: s.step ? maxPointsPerSeries / 2 : maxPointsPerSeries)
            if s.step, !points.isEmpty {
                var stepped: [(x: Double, y: Double)] = [points[0]]
                for p in points.dropFirst() {
                    stepped.append((p.x, stepped[stepped.count - 1].y))
                    stepped.append(p)
                }
                points = stepped
            }
            svg.polyline(points.map { (f.x(x, $0.x), f.y(axis, $0.y)) }, cls: "series \(s.colour)", title: s.name)
        }
        // Labels one below the other, so close percentiles stay readable.
        for (i, r) in references.enumerated() {
            let px = f.x(x, r.x)
            svg.line(px, f.top, px, f.top + f.plotHeight, cls: "reference", title: r.label)
            svg.text(px + 3, f.top + 11 + 13 * Double(i), r.label, cls: "reference-label")
        }
        if !markers.isEmpty {
            svg.raw("<g class=\"markers\">")
            for m in markers {
                let px = f.x(x, m.x), py = f.y(y, m.y)
                let points = m.up ? [(px, py - 7), (px - 5, py + 2), (px + 5, py + 2)] : [(px, py + 7), (px - 5, py - 2), (px + 5, py - 2)]
                svg.polygon(points, cls: m.up ? "marker up" : "marker down", title: m.title)
            }
            svg.raw("</g>")
        }
        return svg.render(label: label, kind: kind)
    }

    /// A histogram of `bins` (lower edge, upper edge, count) with reference lines.
    public static func histogram(label: String, bins: [(lower: Double, upper: Double, count: Int)], xAxis: ChartAxis, xLabel: String,
                                 yLabel: String = "requests", references: [(x: Double, label: String)] = [],
                                 width: Double = 440, height: Double = 280) -> String
    {
        let y = ChartAxis.linear(0, Double(bins.map(\.count).max() ?? 1), maxTicks: 5, format: { SVGFormat.number($0, decimals: 0) })
        let f = Frame(left: 64, right: 16, width: width, height: height)
        var svg = SVGCanvas(width: width, height: height)
        drawAxes(&svg, f, x: xAxis, y: y, xLabel: xLabel, yLabel: yLabel)
        svg.raw("<g class=\"bars\">")
        for b in bins where b.count > 0 {
            let x0 = f.x(xAxis, b.lower), x1 = f.x(xAxis, b.upper), top = f.y(y, Double(b.count))
            svg.rect(x0, top, max(0.8, x1 - x0 - 0.3), f.top + f.plotHeight - top, cls: "bar c0",
                     title: "\(SVGFormat.duration(b.lower))–\(SVGFormat.duration(b.upper)): \(b.count) requests")
        }
        svg.raw("</g>")
        for (i, r) in references.enumerated() {
            let px = f.x(xAxis, r.x)
            svg.line(px, f.top, px, f.top + f.plotHeight, cls: "reference", title: r.label)
            svg.text(px + 3, f.top + 11 + 13 * Double(i), r.label.split(separator: " ").first.map(String.init) ?? r.label, cls: "reference-label")
        }
        return svg.render(label: label, kind: "histogram")
    }

    /// Vertical bars, one per category, with hover text.
    public static func bars(label: String, bars: [(label: String, value: Double, title: String)], xLabel: String, yLabel: String,
                            width: Double = 900, height: Double = 260, format: ((Double) -> String)? = nil) -> String
    {
        let y = ChartAxis.linear(0, bars.map(\.value).max() ?? 1, maxTicks: 5, format: format)
        let f = Frame(right: 16, bottom: bars.count <= 40 ? 70 : 46, width: width, height: height)
        var svg = SVGCanvas(width: width, height: height)
        let x = ChartAxis(lower: 0, upper: Double(max(1, bars.count)), logarithmic: false, ticks: [])
        drawAxes(&svg, f, x: x, y: y, xLabel: xLabel, yLabel: yLabel)
        let slot = f.plotWidth / Double(max(1, bars.count))
        svg.raw("<g class=\"bars\">")
        for (i, b) in bars.enumerated() {
            let top = f.y(y, b.value)
            svg.rect(f.left + Double(i) * slot + slot * 0.1, top, max(0.6, slot * 0.8), f.top + f.plotHeight - top, cls: "bar c1", title: b.title)
            if bars.count <= 40 {
                let px = f.left + (Double(i) + 0.5) * slot, py = f.top + f.plotHeight + 10
                svg.raw("<text x=\"\(SVGFormat.coordinate(px))\" y=\"\(SVGFormat.coordinate(py))\" class=\"tick-label\" text-anchor=\"end\" transform=\"rotate(-40 \(SVGFormat.coordinate(px)) \(SVGFormat.coordinate(py)))\">\(XML.escape(String(b.label.prefix(18))))</text>")
            }
        }
        svg.raw("</g>")
        return svg.render(label: label, kind: "bars")
    }

    /// Horizontal stacked bars: one row per item, one segment per part (same order as `parts`).
    public static func stacked(label: String, rows: [(label: String, values: [Double])], parts: [(name: String, colour: String)],
                               xLabel: String, width: Double = 900, format: @escaping (Double) -> String) -> String
    {
        let rowHeight = 26.0
        let height = 16 + 46 + rowHeight * Double(max(1, rows.count))
        let total = rows.map { $0.values.reduce(0, +) }.max() ?? 1
        let x = ChartAxis.linear(0, total, maxTicks: 8, format: format)
        let f = Frame(left: 170, right: 24, width: width, height: height)
        var svg = SVGCanvas(width: width, height: height)
        let y = ChartAxis(lower: 0, upper: 1, logarithmic: false, ticks: [])
        drawAxes(&svg, f, x: x, y: y, xLabel: xLabel, yLabel: "", grid: false)
        svg.raw("<g class=\"bars\">")
        for (i, row) in rows.enumerated() {
            let top = f.top + Double(i) * rowHeight + 4
            svg.text(f.left - 8, top + rowHeight / 2 + 1, String(row.label.prefix(24)), cls: "tick-label", anchor: .end)
            var start = 0.0
            for (j, v) in row.values.enumerated() where j < parts.count {
                let x0 = f.x(x, start), x1 = f.x(x, start + v)
                if v > 0 {
                    svg.rect(x0, top, x1 - x0, rowHeight - 8, cls: "bar \(parts[j].colour)", title: "\(row.label): \(parts[j].name) \(format(v))")
                }
                start += v
            }
        }
        svg.raw("</g>")
        return svg.render(label: label, kind: "stacked")
    }

    /// One bar of a Gantt row.
    public struct Span: Sendable {
        public var start: Double
        public var end: Double
        public var colour: String
        public var title: String

        public init(start: Double, end: Double, colour: String, title: String) {
            self.start = start
            self.end = end
            self.colour = colour
            self.title = title
        }
    }

    /// Gantt rows: per row, spans over time (a span of no length is drawn as a diamond).
    public static func gantt(label: String, rows: [(label: String, spans: [Span])], xAxis: ChartAxis, xLabel: String,
                             width: Double = 900) -> String
    {
        let rowHeight = rows.count > 60 ? 8.0 : 20.0
        let height = 16 + 46 + rowHeight * Double(max(1, rows.count))
        let f = Frame(left: 130, right: 24, width: width, height: height)
        var svg = SVGCanvas(width: width, height: height)
        drawAxes(&svg, f, x: xAxis, y: ChartAxis(lower: 0, upper: 1, logarithmic: false, ticks: []), xLabel: xLabel, yLabel: "", grid: false)
        for t in xAxis.ticks { svg.line(f.x(xAxis, t.value), f.top, f.x(xAxis, t.value), f.top + f.plotHeight, cls: "grid") }
        svg.raw("<g class=\"spans\">")
        for (i, row) in rows.enumerated() {
            let top = f.top + Double(i) * rowHeight
            if rowHeight >= 12 || i % 5 == 0 {
                svg.text(f.left - 6, top + rowHeight * 0.75, String(row.label.prefix(18)), cls: "tick-label", anchor: .end)
            }
            for s in row.spans {
                let x0 = f.x(xAxis, s.start), x1 = f.x(xAxis, s.end)
                if x1 - x0 < 1.5 && s.end <= s.start {
                    let cy = top + rowHeight / 2, r = min(4, rowHeight / 2 - 0.5)
                    svg.polygon([(x0, cy - r), (x0 + r, cy), (x0, cy + r), (x0 - r, cy)], cls: "span \(s.colour)", title: s.title)
                } else {
                    svg.rect(x0, top + 2, max(1.5, x1 - x0), rowHeight - 4, cls: "span \(s.colour)", title: s.title)
                }
            }
        }
        svg.raw("</g>")
        return svg.render(label: label, kind: "gantt")
    }

    /// A heat map: rows × columns of values in 0…1 (`nil`: no data, e.g. the node was down).
    /// Neighbouring cells of one row in the same colour are drawn as one rectangle, whose
    /// hover text gives their time range and the lowest and highest value in it: a mostly idle
    /// cluster costs a few rectangles per node, not one per column.
    public static func heatMap(label: String, rows: [String], values: [[Double?]], xAxis: ChartAxis, xLabel: String,
                               yLabel: String, width: Double = 900,
                               describe: (_ row: Int, _ columns: ClosedRange<Int>, _ low: Double, _ high: Double) -> String) -> String
    {
        let columns = values.map(\.count).max() ?? 0
        let cell = rows.count > 100 ? 2.0 : rows.count > 40 ? 4.0 : 12.0
        let height = 16 + 46 + cell * Double(max(1, rows.count))
        let f = Frame(left: 130, right: 24, width: width, height: height)
        var svg = SVGCanvas(width: width, height: height)
        let cellWidth = f.plotWidth / Double(max(1, columns))
        func level(_ v: Double) -> Int { min(9, max(0, Int((v * 10).rounded(.down)))) }
        svg.raw("<g class=\"cells\">")
        for (r, row) in values.enumerated() {
            let top = f.top + Double(r) * cell
            var c = 0
            while c < row.count {
                guard let value = row[c] else { c += 1; continue }
                let colour = level(value)
                var last = c, low = value, high = value
                while last + 1 < row.count, let next = row[last + 1], level(next) == colour {
                    last += 1
                    low = min(low, next)
                    high = max(high, next)
                }
                svg.rect(f.left + Double(c) * cellWidth, top, cellWidth * Double(last - c + 1) + 0.05, cell + 0.05, cls: "h\(colour)",
                         title: describe(r, c...last, low, high))
                c = last + 1
            }
            if cell >= 12 || r % 10 == 0 {
                svg.text(f.left - 6, top + min(cell, 12) * 0.8, String(rows[r].prefix(18)), cls: "tick-label", anchor: .end)
            }
        }
        svg.raw("</g>")
        drawAxes(&svg, f, x: xAxis, y: ChartAxis(lower: 0, upper: 1, logarithmic: false, ticks: []), xLabel: xLabel, yLabel: yLabel, grid: false)
        return svg.render(label: label, kind: "heatmap")
    }

    /// The heat map's colour scale as HTML.
    public static func heatLegend() -> String {
        "<div class=\"legend\">" + (0..<10).map { "<span><i class=\"swatch h\($0)\"></i>\($0 * 10)–\($0 * 10 + 10)%</span>" }.joined(separator: " ") + "</div>"
    }
}
