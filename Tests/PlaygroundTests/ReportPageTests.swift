import Cluster
import Foundation
import Playground
import Simulation
import Testing
import TestSupport

@Suite("the SVG writer")
struct SVGWriterTests {
    @Test("ticks fall on 1, 2 or 5 times a power of ten and cover the range")
    func niceTicks() {
        let a = NiceScale(min: 0, max: 97)
        #expect(a.step == 20)
        #expect(a.ticks == [0, 20, 40, 60, 80, 100])
        #expect(a.ticks.map(a.label) == ["0", "20", "40", "60", "80", "100"])
        let b = NiceScale(min: 0.0013, max: 0.0087, maxTicks: 5)
        #expect(b.step == 0.002)
        #expect(b.ticks.map(b.label) == ["0.000", "0.002", "0.004", "0.006", "0.008", "0.010"])
        #expect(NiceScale.niceStep(3.2) == 5)
        #expect(NiceScale.niceStep(0.7) == 1)
        #expect(NiceScale.niceStep(1.5) == 2)
        #expect(NiceScale.niceStep(1) == 1)
        // Over many ranges: every step is 1, 2 or 5 × 10ⁿ, ticks cover the range, and not too many.
        var random = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let lo = Double(random.next() % 100_000) / 100 - 500
            let hi = lo + Double(random.next() % 1_000_000 + 1) / 1000
            let s = NiceScale(min: lo, max: hi, maxTicks: 6)
            var m = s.step
            while m >= 10 { m /= 10 }
            while m < 1 { m *= 10 }
            #expect([1.0, 2, 5].contains { abs($0 - m) < 1e-6 }, "step \(s.step) for \(lo)…\(hi)")
            #expect(s.lower <= lo + 1e-9 && s.upper >= hi - 1e-9)
            #expect(s.ticks.count <= 12 && s.ticks.count >= 2)
        }
        let flat = NiceScale(min: 3, max: 3)
        #expect(flat.lower <= 3 && flat.upper > 3)
    }

    @Test("text and attributes are escaped for XML")
    func escaping() {
        #expect(XML.escape(#"<a & "b" 'c'>"#) == "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;")
        #expect(XML.escape("bell\u{7}tab\tend") == "bell\u{FFFD}tab\tend")
        var svg = SVGCanvas(width: 100, height: 50)
        svg.text(1, 2, "</text><script>x</script>")
        svg.rect(0, 0, 10, 10, cls: "bar", title: "a \"quoted\" <b>")
        let out = svg.render(label: "l & m", kind: "test")
        #expect(!out.contains("<script>"))
        #expect(out.contains("&lt;/text&gt;&lt;script&gt;"))
        #expect(out.contains("<title>a &quot;quoted&quot; &lt;b&gt;</title>"))
        #expect(out.contains(#"aria-label="l &amp; m""#))
    }

    @Test("the same chart gives the same bytes, with fixed number formatting")
    func determinism() {
        func draw() -> String {
            var points: [(x: Double, y: Double)] = []
            for i in 0..<5_000 {
                let y = Double((i * 7919) % 113) / 3
                points.append((x: Double(i) * 0.1, y: y))
            }
            return Charts.line(label: "t", series: [ChartSeries(name: "s", colour: "c0", points: points)], xLabel: "time (s)", yLabel: "v",
                               markers: [ChartMarker(x: 10, y: 5, title: "m", up: true)])
        }
        let a = draw(), b = draw()
        #expect(a == b)
        #expect(!a.contains("e-") && !a.contains("e+"), "coordinates are never in exponent form")
        // Down-sampled for drawing: at most the limit of points.
        let drawn = a.components(separatedBy: "data-points=\"").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(drawn.count == 1 && drawn[0] <= Charts.maxPointsPerSeries && drawn[0] > 100)
        #expect(SVGFormat.coordinate(1.005) == "1.01" || SVGFormat.coordinate(1.005) == "1")
        #expect(SVGFormat.coordinate(-0.001) == "0")
        #expect(SVGFormat.coordinate(12.5) == "12.5")
        #expect(SVGFormat.number(1_234_567, decimals: 0) == "1\u{2009}234\u{2009}567")
        #expect(SVGFormat.duration(0.0123) == "12.3 ms")
    }

    @Test("down-sampling keeps the extremes")
    func downsample() {
        var points = (0..<10_000).map { (x: Double($0), y: 1.0) }
        points[4_321].y = 99
        points[8_765].y = -5
        let d = Downsample.series(points, limit: 400)
        #expect(d.count <= 400)
        #expect(d.contains { $0.y == 99 } && d.contains { $0.y == -5 })
        #expect(d.first?.x == 0 && d.last?.x == 9_999)
    }

    @Test("time bins stay bounded and keep the total")
    func timeBins() {
        var bins = TimeBins(width: 0.1, capacity: 50)
        for i in 0..<10_000 { bins.add(1, at: Double(i) * 0.01) }
        #expect(bins.values.count <= 50)
        #expect(bins.values.reduce(0, +) == 10_000)
        var busy = TimeBins(width: 0.1, capacity: 50)
        busy.integrate(0.5, from: 0, to: 40)
        #expect(abs(busy.values.reduce(0, +) - 20) < 1e-9)
        // Long intervals over many doublings: nothing is lost at a bin edge where rounding
        // puts the index one bin low.
        var long = TimeBins(width: 0.05, capacity: 300)
        long.integrate(0.5, from: 0, to: 600)
        #expect(abs(long.values.reduce(0, +) - 300) < 1e-6, "\(long.values.reduce(0, +))")
        var ticks = TimeBins(width: 0.05, capacity: 300)
        for t in 1...602 { ticks.integrate(1, from: Double(t - 1), to: Double(t)) }
        #expect(abs(ticks.values.reduce(0, +) - 602) < 1e-6, "\(ticks.values.reduce(0, +))")
    }

    @Test("a node that misses monitor ticks (down, or joining late) is not counted busy over its absence")
    func utilisationGaps() throws {
        let file = try ScenarioFile.parse("nodePools: [{name: n, count: 2, cpu: 4, memory: 8Gi}]\n", file: "g.yaml")
        let collector = ReportCollector(scenario: file.cluster)
        for t in 1...30 {
            collector.utilization(at: Double(t), node: "n-0", 1)
            if t <= 10 || t >= 20 { collector.utilization(at: Double(t), node: "n-1", 1) }
        }
        let always = collector.nodeBusy["n-0"]?.values.reduce(0, +) ?? 0
        let gap = collector.nodeBusy["n-1"]?.values.reduce(0, +) ?? 0
        #expect(abs(always - 30) < 1e-6)
        #expect(abs(gap - 21) < 1e-6, "busy seconds of the node down from 10 s to 19 s: \(gap)")
    }
}

@Suite("report.html")
struct ReportPageTests {
    static let scenario = """
        name: report-sample
        seed: 3
        registries: [{name: hub, bandwidth: 1Gbps, roundTrip: 5ms}]
        nodePools: [{name: n, count: 4, cpu: 4, memory: 8Gi}]
        images: [{name: img-a, size: 80MB}, {name: img-b, size: 120MB}, {name: big, size: 50MB}]
        deployments:
          - {name: web, image: img-a, replicas: 3, requests: {cpu: 1, memory: 1Gi}}
          - {name: huge, image: big, replicas: 1, requests: {cpu: 64, memory: 1Gi}}
        failures: [{node: n-3, at: 20s, recoverAt: 40s}]
        functions:
          - name: api
            image: img-a
            requests: {cpu: 500m, memory: 256Mi}
            watchdog: {workers: 2}
            executionTime: {distribution: exponential, mean: 80ms}
            startup: 1s
            scaling: {min: 1, max: 8, scaler: average-requests, target: 5, window: 5s}
          - name: resize
            image: img-b
            requests: {cpu: 500m, memory: 256Mi}
            executionTime: {distribution: exponential, mean: 30ms}
            startup: 2s
            scaling: {min: 0, max: 4, scaler: average-requests, target: 10, window: 5s}
        workloads:
          - {function: api, pattern: poisson, rate: 30, requests: 1500}
          - {function: resize, pattern: poisson, rate: 10, requests: 400, start: 5s}

        """

    static func page() throws -> String {
        let file = try ScenarioFile.parse(scenario, file: "report-sample.yaml")
        var sim = try ClusterSimulator(scenario: file.cluster)
        let collector = ReportCollector(scenario: file.cluster)
        collector.attach(to: &sim)
        _ = sim.run(until: .seconds(600))
        return ReportPage.html(of: sim, collector: collector,
                               context: ReportPage.Context(scenario: file.name, seed: file.cluster.seed, command: "kubeprint simulate report-sample.yaml --seed 3",
                                                           parameters: [("nodes", "4")], scenarioText: scenario))
    }

    static func count(_ html: String, _ pattern: String) -> Int { html.components(separatedBy: pattern).count - 1 }

    /// The `<svg>` element of `kind`, or "".
    static func chart(_ html: String, _ kind: String) -> String {
        guard let start = html.range(of: "data-chart=\"\(kind)\"") else { return "" }
        let rest = html[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</svg>")?.upperBound ?? rest.endIndex)])
    }

    /// The heat map's cells: per row (by its y), the drawn width and the colour classes.
    static func heatRows(_ heat: String) -> [String: (width: Double, classes: Set<String>)] {
        var rows: [String: (width: Double, classes: Set<String>)] = [:]
        guard let cells = heat.range(of: "<g class=\"cells\">") else { return rows }
        let body = String(heat[cells.upperBound...])
        for piece in body.components(separatedBy: "<rect ").dropFirst() {
            guard piece.contains("class=\"h") else { continue }
            func attribute(_ name: String) -> String? {
                guard let r = piece.range(of: " \(name)=\"") ?? (piece.hasPrefix("\(name)=\"") ? piece.range(of: "\(name)=\"") : nil) else { return nil }
                return String(piece[r.upperBound...].prefix { $0 != "\"" })
            }
            guard let y = attribute("y"), let width = attribute("width").flatMap(Double.init), let cls = attribute("class") else { continue }
            rows[y, default: (0, [])].width += width
            rows[y, default: (0, [])].classes.insert(cls)
        }
        return rows
    }

    /// Every node has a row, and every row is drawn over the same time range.
    static func checkHeatMap(_ html: String, rows expected: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let rows = heatRows(chart(html, "heatmap"))
        #expect(rows.count == expected, "heat map rows: \(rows.count) of \(expected)", sourceLocation: sourceLocation)
        let widths = rows.values.map(\.width)
        #expect((widths.min() ?? 0) > 100 && (widths.max() ?? 0) - (widths.min() ?? 0) < 2, "row widths \(widths)", sourceLocation: sourceLocation)
    }

    @Test("every chart is on the page with data drawn and labelled axes; the same run gives the same bytes")
    func charts() throws {
        let html = try Self.page()
        #expect(html == (try Self.page()), "the page differs between two runs of the same scenario")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") || Self.count(html, "http://") == Self.count(html, "xmlns=\"http://www.w3.org/2000/svg\""),
                "the page refers to nothing on the network")
        #expect(!html.contains("<script"))
        // Replicas against offered load, one per function, with scaling decisions marked.
        #expect(Self.count(html, "data-chart=\"replicas\"") == 2)
        let replicas = Self.chart(html, "replicas")
        #expect(Self.count(replicas, "<polyline") == 3, "replicas, ready replicas and offered load")
        #expect(replicas.contains("class=\"marker up\"") && replicas.contains("inputs:") && replicas.contains("arrivals in"))
        #expect(replicas.contains(">time (s)<") && replicas.contains(">replicas<") && replicas.contains(">offered load (req/s)<"))
        // Response time: histogram and CDF with percentiles marked.
        let histogram = Self.chart(html, "histogram")
        #expect(Self.count(histogram, "class=\"bar c0\"") >= 5)
        for p in ["p50", "p95", "p99"] { #expect(histogram.contains(">\(p)<"), "\(p) is marked") }
        let cdf = Self.chart(html, "cdf")
        #expect(cdf.contains("<polyline") && cdf.contains(">fraction of requests<") && cdf.contains("p99 "))
        // The split per function.
        let split = Self.chart(html, "stacked")
        #expect(split.contains("api: execution") && split.contains("resize: cold start"))
        // Image pulls: bars with image, bytes and times; cache hits.
        let gantt = Self.chart(html, "gantt")
        #expect(Self.count(gantt, "class=\"span c0\"") >= 4)
        #expect(gantt.contains("img-a for ") && gantt.contains("of its layers transferred to the node for it"))
        #expect(gantt.contains(">n-0<"))
        // Heat map of node use and energy per node.
        let heat = Self.chart(html, "heatmap")
        #expect(heat.contains(">nodes<") && heat.contains(">time (s)<"))
        Self.checkHeatMap(html, rows: 4)
        #expect(Self.heatRows(heat).values.contains { $0.classes.count > 1 }, "some node's use changes colour over the run")
        let energy = Self.chart(html, "bars")
        #expect(Self.count(energy, "class=\"bar c1\"") == 4 && energy.contains(">energy (J)<"))
        // Failures and pending pods with reasons; reproduction.
        #expect(html.contains("huge-0") && html.contains("node-failed"))
        #expect(html.contains("kubeprint simulate report-sample.yaml --seed 3") && html.contains("seed</th><td>3<"))
        #expect(html.contains("drawn from at most"))
    }

    /// The sample scenarios that run in well under a second even in a debug build. Node
    /// density ends before its last monitor bin does, which once sent the heat map's
    /// resampling into an endless loop.
    @Test("the sample scenarios get a complete page", arguments: ["node-density", "edge-demo", "chaos", "faasnet-scale"])
    func sampleScenarios(name: String) throws {
        let path = Fixtures.packageRoot.appendingPathComponent("scenarios/\(name).yaml").path
        let file = try ScenarioFile.load(path: path)
        var sim = try ClusterSimulator(scenario: file.cluster)
        let collector = ReportCollector(scenario: file.cluster)
        collector.attach(to: &sim)
        _ = sim.run(until: .seconds(3_600))
        let html = ReportPage.html(of: sim, collector: collector, context: .init(scenario: name, seed: file.cluster.seed, command: "kubeprint simulate \(path)"))
        #expect(html.hasSuffix("</html>\n") || html.hasSuffix("</html>"))
        #expect(!Self.heatRows(Self.chart(html, "heatmap")).isEmpty, "the heat map of \(name) has its cells drawn")
        #expect(!html.lowercased().contains(/[^a-z]nan[^a-z]/) && !html.contains(/[^A-Za-z]inf[^A-Za-z]/), "no number in \(name)'s page is NaN or infinite")
    }

    @Test("a run without functions still gets its pulls, allocation heat map, energy and pending pods")
    func clusterOnly() throws {
        let text = """
            nodePools: [{name: n, count: 3, cpu: 4, memory: 8Gi}]
            images: [{name: a, size: 200MB}]
            deployments: [{name: web, image: a, replicas: 8, requests: {cpu: 2, memory: 1Gi}}]

            """
        let file = try ScenarioFile.parse(text, file: "c.yaml")
        var sim = try ClusterSimulator(scenario: file.cluster)
        let collector = ReportCollector(scenario: file.cluster)
        collector.attach(to: &sim)
        _ = sim.run()
        let html = ReportPage.html(of: sim, collector: collector, context: .init(scenario: "c", seed: 1, command: "kubeprint simulate c.yaml"))
        #expect(!html.contains("data-chart=\"replicas\""))
        #expect(Self.count(Self.chart(html, "gantt"), "class=\"span") >= 3)
        #expect(html.contains("CPU requested by the node"))
        Self.checkHeatMap(html, rows: 3)
        #expect(html.contains("Pods not running at the end: 2"), "3 nodes of 4 CPUs hold 6 of the 8 two-CPU pods")
    }
}

@Suite("report.html in headless Chromium", .serialized,
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
                "chromium is missing (scripts/setup.sh --test-tools installs it): the report was NOT checked in a browser"))
struct ReportBrowserTests {
    @Test("the page renders with every chart drawn, and a screenshot is kept under .build/test-artifacts")
    func screenshot() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { Fixtures.remove(root) }
        let page = root.appendingPathComponent("report.html")
        try ReportPageTests.page().write(to: page, atomically: true, encoding: .utf8)
        let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,2400", "--hide-scrollbars",
                     "--user-data-dir=\(root.appendingPathComponent("chromium").path)"]
        // With logging on standard error, Chromium prints every console message of the page
        // (errors included) as a CONSOLE line: a page that loads cleanly prints none.
        let dump = try Binary.run(chromium, flags + ["--enable-logging=stderr", "--v=0", "--dump-dom", page.absoluteString], environment: ["HOME": root.path])
        #expect(dump.status == 0, "\(dump.stderr)")
        let console = dump.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(console.isEmpty, "the page logged: \(console.joined(separator: "\n"))")
        let dom = dump.stdout
        // The browser parsed the inline SVG as SVG: every chart is there with its drawn marks.
        for kind in ["replicas", "histogram", "cdf", "stacked", "gantt", "heatmap", "bars"] {
            let chart = ReportPageTests.chart(dom, kind)
            #expect(!chart.isEmpty, "no \(kind) chart in the rendered page")
            #expect(chart.contains("<polyline") || chart.contains("<rect"), "the \(kind) chart has nothing drawn")
            #expect(chart.contains(/class="axis-label[^"]*"[^>]*>[^<\s][^<]*</), "the \(kind) chart has no labelled axis")
        }
        #expect(dom.contains("<title>kubeprint report: report-sample</title>"))
        let artifacts = Fixtures.packageRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let png = artifacts.appendingPathComponent("report.png")
        try? FileManager.default.removeItem(at: png)
        let shot = try Binary.run(chromium, flags + ["--screenshot=\(png.path)", page.absoluteString], environment: ["HOME": root.path])
        #expect(shot.status == 0, "\(shot.stderr)")
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 50_000, "the screenshot is \(size) bytes: blank?")
    }
}
