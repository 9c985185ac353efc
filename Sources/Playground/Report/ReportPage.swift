import Cluster
import Simulation

/// One self-contained HTML page for a run: inline SVG charts and CSS, no network, no script
/// needed to see the charts (hover text comes from SVG `<title>`). The same run gives the same bytes.
public enum ReportPage {
    /// Most nodes drawn in the heat map and the Gantt chart.
    public static let maxNodeRows = 200
    /// Most time columns of the heat map.
    public static let maxColumns = 300
    /// Most functions given a replicas chart (those with the most requests; the others are
    /// listed, and every function is in functions.csv).
    public static let maxFunctionCharts = 24
    /// Most scaling decisions marked per function.
    public static let maxMarkers = 400
    /// The scenario's text is shown up to this size.
    public static let maxScenarioText = 200_000

    /// What the page says about how the run was made.
    public struct Context: Sendable {
        public var scenario: String
        public var seed: UInt64
        /// The command line that reproduces the run.
        public var command: String
        /// Parameters shown in a table (name, value).
        public var parameters: [(name: String, value: String)]
        /// The scenario file's text, when there is one.
        public var scenarioText: String?

        public init(scenario: String, seed: UInt64, command: String, parameters: [(name: String, value: String)] = [], scenarioText: String? = nil) {
            self.scenario = scenario
            self.seed = seed
            self.command = command
            self.parameters = parameters
            self.scenarioText = scenarioText
        }
    }

    static func e(_ s: String) -> String { XML.escape(s) }
    static func pct(_ f: Double) -> String { (f * 100).fixed(1) + "%" }

    /// The page for `sim` after its run, with what `collector` gathered during it.
    public static func html(of sim: ClusterSimulator, collector: ReportCollector?, context: Context) -> String {
        let summary = sim.summary()
        let faas = sim.faasSummary()
        let runEnd = max(sim.now.seconds, collector?.end ?? 0)
        collector?.finish(at: runEnd)
        var sections: [String] = []
        var toc: [(id: String, title: String)] = []
        func section(_ id: String, _ title: String, _ body: String) {
            toc.append((id, title))
            sections.append("<section id=\"\(id)\" data-section=\"\(id)\"><h2>\(e(title))</h2>\n\(body)\n</section>")
        }

        // Overview.
        var overview = "<table class=\"facts\">"
        var facts: [(String, String)] = [
            ("simulated time", SVGFormat.duration(sim.now.seconds) + " (\(summary.events) events)"),
            ("pods", "\(summary.pods) total: \(summary.readyPods) ready, \(summary.pendingPods) pending, \(summary.failedPods) failed, \(summary.removedPods) deleted, \(summary.lostPods) lost"),
            ("pod startup", summary.podStartup.description),
            ("image pull per pod", summary.podImagePull.description),
            ("layer transfers", "\(summary.layerPulls), \(SVGFormat.bytes(Double(summary.pulledBytes))); node cache hit rate \(pct(summary.nodeCacheHitRate))"),
        ]
        if let faas {
            facts += [
                ("requests", "\(faas.requests): \(faas.completed) completed, \(faas.failed) failed; \(faas.throughput.fixed(1)) req/s"),
                ("response time", "p50 \(SVGFormat.duration(faas.latency.p50)), p95 \(SVGFormat.duration(faas.latency.p95)), p99 \(SVGFormat.duration(faas.latency.p99)), max \(SVGFormat.duration(faas.latency.max))"),
                ("utilisation", "mean \(pct(faas.meanUtilization)), peak node \(pct(faas.peakUtilization))"),
                ("energy", "\(faas.energyJoules.fixed(0)) J (\((faas.energyJoules / 3600).fixed(2)) Wh)"),
                ("scaler evaluations", "\(faas.scalingDecisions)"),
            ]
        }
        // Pipeline runs (deploy, run): end to end along the blueprint's links.
        for p in sim.pipelineSummaries() {
            facts.append(("pipeline \(p.name)", "\(p.runs) runs: \(p.completed) completed, \(p.failed) failed\(p.truncated > 0 ? ", \(p.truncated) cut at the hop limit" : ""); end to end p50 \(SVGFormat.duration(p.latency.p50)), p95 \(SVGFormat.duration(p.latency.p95)), p99 \(SVGFormat.duration(p.latency.p99)), max \(SVGFormat.duration(p.latency.max)); \(p.steps.p50.fixed(0)) steps per run (p50)"))
        }
        for (k, v) in facts { overview += "<tr><th>\(e(k))</th><td>\(e(v))</td></tr>" }
        overview += "</table>"
        section("overview", "Overview", overview)

        if let faas {
            section("replicas", "Replicas and offered load", replicasSection(sim, faas: faas, collector: collector, runEnd: runEnd))
            if let collector, collector.completed > 0 {
                section("latency", "Response time", latencySection(faas: faas, collector: collector))
            }
            if let collector, !collector.split.isEmpty {
                let title = sim.scenario.pipelines.isEmpty ? "Where the time goes, per function" : "Where the time goes, per pipeline node"
                section("split", title, splitSection(faas: faas, collector: collector))
            }
        }
        if let collector {
            section("pulls", "Image pulls", pullSection(collector, runEnd: runEnd))
            section("utilisation", "Node utilisation", heatSection(collector, runEnd: runEnd, faas: faas != nil))
        }
        section("energy", "Energy per node", energySection(summary))
        section("problems", "Failures and pending pods", problemSection(sim, faas: faas, collector: collector))
        section("reproduce", "Scenario and reproduction", reproduceSection(context))

        var page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        page += "<title>kubeprint report: \(e(context.scenario))</title><style>\(style)</style></head><body>\n"
        page += "<header><h1>\(e(context.scenario))</h1><p class=\"sub\">seed \(context.seed) · simulated \(e(SVGFormat.duration(sim.now.seconds))) · <code>\(e(context.command))</code></p>"
        page += "<nav>" + toc.map { "<a href=\"#\($0.id)\">\(e($0.title))</a>" }.joined(separator: " ") + "</nav></header>\n"
        page += sections.joined(separator: "\n")
        page += "\n<footer>Charts are drawn from at most \(Charts.maxPointsPerSeries) points per series and \(maxNodeRows) nodes × \(maxColumns) time columns; every number in the tables and hover texts is computed from the whole run.</footer>\n"
        page += "</body></html>\n"
        return page
    }

    static func replicasSection(_ sim: ClusterSimulator, faas: FaaSSummary, collector: ReportCollector?, runEnd: Double) -> String {
        var out = ""
        let timeline = sim.replicaTimeline
        var byFunction: [String: [(x: Double, y: Double)]] = [:]
        var readyByFunction: [String: [(x: Double, y: Double)]] = [:]
        for p in timeline {
            byFunction[p.function, default: []].append((p.time, Double(p.replicas)))
            readyByFunction[p.function, default: []].append((p.time, Double(p.ready)))
        }
        var decisions: [String: [ScalingRecord]] = [:]
        for r in sim.scalingRecords { decisions[r.function, default: []].append(r) }
        let xAxis = ChartAxis.linear(0, max(runEnd, 1e-3), maxTicks: 10)
        // The busiest functions, in the summary's order; ties keep that order.
        let ranked = faas.functions.enumerated().sorted { ($0.element.requests, $1.offset) > ($1.element.requests, $0.offset) }
        let drawn = Set(ranked.prefix(maxFunctionCharts).map(\.offset))
        if drawn.count < faas.functions.count {
            let rest = faas.functions.enumerated().filter { !drawn.contains($0.offset) }.map(\.element)
            out += "<p class=\"muted\">The \(drawn.count) functions with the most requests are drawn; the other \(rest.count) (\(e(rest.prefix(12).map(\.name).joined(separator: ", ")))\(rest.count > 12 ? ", …" : "")) are in functions.csv, replicas.csv and scaling.csv.</p>"
        }
        for (index, f) in faas.functions.enumerated() where drawn.contains(index) {
            var series: [ChartSeries] = []
            var replicas = byFunction[f.name] ?? []
            if let last = replicas.last, last.x < runEnd { replicas.append((runEnd, last.y)) }
            var ready = readyByFunction[f.name] ?? []
            if let last = ready.last, last.x < runEnd { ready.append((runEnd, last.y)) }
            series.append(ChartSeries(name: "replicas", colour: "c0", points: replicas, step: true))
            series.append(ChartSeries(name: "ready replicas", colour: "c2", points: ready, step: true))
            if let bins = collector?.arrivals[f.name] {
                // Arrivals per second of each bin: over its width, or the part of it the run covers
                // (a function's own last arrival is not where its last bin ends).
                let load = bins.values.indices.map { i in
                    (x: (Double(i) + 0.5) * bins.width, y: bins.values[i] / max(1e-9, min(bins.width, runEnd - Double(i) * bins.width)))
                }
                series.append(ChartSeries(name: "offered load (req/s, per \(SVGFormat.duration(bins.width)))", colour: "c1", points: load, rightAxis: true))
            }
            // Every evaluation is counted; the ones that changed the replica count are marked.
            let evaluations = decisions[f.name] ?? []
            let records = evaluations.filter { $0.from != $0.to }
            let shown = records.count > maxMarkers ? stride(from: 0, to: records.count, by: Int((Double(records.count) / Double(maxMarkers)).rounded(.up))).map { records[$0] } : records
            let markers = shown.map { r in
                ChartMarker(x: r.time, y: Double(r.to),
                            title: "t=\(r.time.fixed(3)) s: \(r.from) → \(r.to) replicas (\(r.scaler)); \(r.reason); inputs: \(r.arrivals) arrivals in \(r.interval.fixed(3)) s, \(r.readyReplicas) ready, average concurrency \(r.averageConcurrency.fixed(3))",
                            up: r.to > r.from)
            }
            out += "<h3>\(e(f.name)) <span class=\"muted\">[\(e(f.scaler))] max \(f.maxReplicas) replicas, \(evaluations.count) scaler evaluations, \(records.count) changed the replicas\(records.count > shown.count ? " (\(shown.count) marked)" : "")</span></h3>"
            out += Charts.legend(series.map { ($0.name, $0.colour) } + [("scale up / down (hover: the scaler's inputs)", "marker")])
            out += "<figure data-function=\"\(e(f.name))\">" + Charts.line(label: "replicas and offered load of \(f.name)", series: series, xLabel: "time (s)",
                                                                            yLabel: "replicas", rightLabel: "offered load (req/s)", markers: markers,
                                                                            xAxis: xAxis, kind: "replicas") + "</figure>"
        }
        return out
    }

    static func latencySection(faas: FaaSSummary, collector: ReportCollector) -> String {
        let counts = collector.latency
        let used = counts.indices.filter { counts[$0] > 0 }
        guard let first = used.first, let last = used.last else { return "<p>No completed requests.</p>" }
        let bins = (first...last).map { i -> (lower: Double, upper: Double, count: Int) in
            let edges = ReportCollector.latencyEdges(i)
            return (edges.lower, edges.upper, counts[i])
        }
        let axis = ChartAxis.logarithmic(bins[0].lower, bins[bins.count - 1].upper, format: SVGFormat.duration)
        let refs = [(faas.latency.p50, "p50 \(SVGFormat.duration(faas.latency.p50))"), (faas.latency.p95, "p95 \(SVGFormat.duration(faas.latency.p95))"),
                    (faas.latency.p99, "p99 \(SVGFormat.duration(faas.latency.p99))")].map { (x: $0.0, label: $0.1) }
        var cumulative = 0
        var cdf: [(x: Double, y: Double)] = [(bins[0].lower, 0)]
        for b in bins {
            cumulative += b.count
            cdf.append((b.upper, Double(cumulative) / Double(max(1, collector.completed))))
        }
        var out = "<p>\(collector.completed) completed requests (\(collector.failedRequests) failed, not counted here); \(ReportCollector.binsPerDecade) bins per decade. "
            + "p50 \(SVGFormat.duration(faas.latency.p50)), p95 \(SVGFormat.duration(faas.latency.p95)), p99 \(SVGFormat.duration(faas.latency.p99)) (exact, from every request).</p>"
        out += "<div class=\"pair\"><figure>" + Charts.histogram(label: "response-time histogram", bins: bins, xAxis: axis, xLabel: "response time (log scale)", references: refs)
        out += "</figure><figure>" + Charts.line(label: "response-time CDF", series: [ChartSeries(name: "CDF", colour: "c0", points: cdf)],
                                                 xLabel: "response time (log scale)", yLabel: "fraction of requests", references: refs, xAxis: axis,
                                                 yAxis: .linear(0, 1, maxTicks: 6), width: 440, height: 280, kind: "cdf") + "</figure></div>"
        return out
    }

    static func splitSection(faas: FaaSSummary, collector: ReportCollector) -> String {
        let parts = [("wait", "c3"), ("cold start", "c1"), ("execution", "c0"), ("network", "c4")].map { (name: $0.0, colour: $0.1) }
        let rows = faas.functions.compactMap { f -> (label: String, values: [Double])? in
            guard let s = collector.split[f.name], s.count > 0 else { return nil }
            let n = Double(s.count)
            return (f.name, [s.wait / n, s.coldStart / n, s.execution / n, s.network / n])
        }
        var out = "<p>Mean seconds per completed request. Network is what remains of the response time besides wait, cold start and execution; the simulator passes requests to a function and between pipeline steps without transfer time, so it is 0 in this model.</p>"
        out += Charts.legend(parts) + "<figure>" + Charts.stacked(label: "time split per node", rows: rows, parts: parts, xLabel: "mean time per request (s)",
                                                                  format: { SVGFormat.duration($0) }) + "</figure>"
        out += "<table><tr><th>function</th><th>requests</th><th>wait</th><th>cold start</th><th>execution</th><th>network</th></tr>"
        for r in rows {
            out += "<tr><td>\(e(r.label))</td><td>\(collector.split[r.label]?.count ?? 0)</td>" + r.values.map { "<td>\(SVGFormat.duration($0))</td>" }.joined() + "</tr>"
        }
        return out + "</table>"
    }

    static func pullSection(_ c: ReportCollector, runEnd: Double) -> String {
        var out = "<p>\(c.pullCount) pod image pulls, \(c.cacheHitPulls) served from the node's cache (diamonds); "
            + "\(SVGFormat.bytes(Double(c.layerBytes.values.reduce(0, +)))) of layers transferred.</p>"
        guard !c.pulls.isEmpty else { return out + "<p>No image was pulled.</p>" }
        var byNode: [String: [ReportCollector.Pull]] = [:]
        for p in c.pulls { byNode[p.node, default: []].append(p) }
        let ordered = Set(c.nodeOrder)
        let nodes = c.nodeOrder.filter { byNode[$0] != nil } + byNode.keys.filter { !ordered.contains($0) }.sorted()
        let shownNodes = Array(nodes.prefix(maxNodeRows))
        let end = max(c.pulls.map(\.end).max() ?? 1, 1e-3)
        let axis = ChartAxis.linear(0, end, maxTicks: 10)
        let rows = shownNodes.map { node in
            (label: node, spans: (byNode[node] ?? []).map { p in
                Charts.Span(start: p.start, end: p.cacheHit ? p.start : p.end, colour: p.cacheHit ? "hit" : "c0",
                            title: "\(p.image) for \(p.pod) on \(p.node): \(p.start.fixed(3)) s → \(p.end.fixed(3)) s (\(SVGFormat.duration(p.end - p.start)))"
                                + (p.cacheHit ? ", cache hit" : ", \(SVGFormat.bytes(Double(p.bytes))) of its layers transferred to the node for it"))
            })
        }
        if c.pullCount > c.pulls.count || nodes.count > shownNodes.count {
            out += "<p class=\"muted\">Drawn: the first \(c.pulls.count) pulls on \(shownNodes.count) of \(nodes.count) nodes.</p>"
        }
        out += Charts.legend([("pull (start → image ready)", "c0"), ("cache hit", "hit")])
        out += "<figure>" + Charts.gantt(label: "image pulls per node", rows: rows, xAxis: axis, xLabel: "time (s)") + "</figure>"
        return out
    }

    static func heatSection(_ c: ReportCollector, runEnd: Double, faas: Bool) -> String {
        let useBusy = !c.nodeBusy.isEmpty
        let source = useBusy ? c.nodeBusy : c.nodeAllocated
        guard !source.isEmpty else { return "<p>No node use was recorded.</p>" }
        let nodes = c.nodeOrder.filter { source[$0] != nil }
        let shown = Array(nodes.prefix(maxNodeRows))
        let end = max(runEnd, 1e-3)
        // The columns span the axis (which ends on a nice tick at or after the run's end), so
        // each column sits under its time; columns after the end stay empty.
        let axis = ChartAxis.linear(0, end, maxTicks: 10)
        let columns = maxColumns
        let width = axis.upper / Double(columns)
        // Resample every node's bins into the same columns (time-weighted means).
        var values: [[Double?]] = []
        for node in shown {
            guard let bins = source[node] else { continue }
            var row: [Double?] = Array(repeating: nil, count: columns)
            var sums = Array(repeating: 0.0, count: columns), covered = Array(repeating: 0.0, count: columns)
            for (i, v) in bins.values.enumerated() {
                let start = Double(i) * bins.width, cover = bins.coverage(i)
                guard cover > 0 else { continue }
                let mean = v / cover
                // The bin's interval, clipped to the drawn time range, spread over the columns.
                TimeBins.forEachOverlap(from: min(start, end), to: min(start + cover, end), width: width, count: columns) { col, overlap in
                    sums[col] += mean * overlap
                    covered[col] += overlap
                }
            }
            for i in 0..<columns where covered[i] > 0 { row[i] = min(1, sums[i] / covered[i]) }
            values.append(row)
        }
        let what = useBusy ? "CPU utilisation (busy CPU over capacity, from the FaaS monitor)" : "CPU requested by the node's pods over its capacity"
        var out = "<p>\(e(what)), per node and time column of \(SVGFormat.duration(width)).\(nodes.count > shown.count ? " The first \(shown.count) of \(nodes.count) nodes are drawn." : "")</p>"
        out += Charts.heatLegend()
        out += "<figure>" + Charts.heatMap(label: "node utilisation heat map", rows: shown, values: values, xAxis: axis,
                                           xLabel: "time (s)", yLabel: "nodes", describe: { r, cols, low, high in
                                               "\(shown[r]) \((Double(cols.lowerBound) * width).fixed(1))–\((Double(cols.upperBound + 1) * width).fixed(1)) s: "
                                                   + (pct(low) == pct(high) ? pct(low) : "\(pct(low))–\(pct(high))")
                                           }) + "</figure>"
        return out
    }

    static func energySection(_ s: ClusterSummary) -> String {
        let nodes = s.allocation
        guard !nodes.isEmpty else { return "<p>No nodes.</p>" }
        let total = nodes.reduce(0) { $0 + $1.energyJoules }
        var out = "<p>\(total.fixed(0)) J (\((total / 3600).fixed(2)) Wh) over \(nodes.count) nodes: idle power over the time up plus the dynamic part.</p>"
        let shown = Array(nodes.prefix(maxNodeRows))
        if nodes.count > shown.count { out += "<p class=\"muted\">The first \(shown.count) of \(nodes.count) nodes are drawn.</p>" }
        out += "<figure>" + Charts.bars(label: "energy per node", bars: shown.map { n in
            (n.node, n.energyJoules, "\(n.node) (\(n.deviceType)): \(n.energyJoules.fixed(1)) J, dynamic \(n.dynamicEnergyJoules.fixed(1)) J, up \(n.upSeconds.fixed(1)) s, \(n.pods) pods")
        }, xLabel: "nodes", yLabel: "energy (J)") + "</figure>"
        return out
    }

    static func problemSection(_ sim: ClusterSimulator, faas: FaaSSummary?, collector: ReportCollector?) -> String {
        var out = ""
        let pending = sim.notRunning()
        var reasons: [String: Int] = [:]
        for p in pending { reasons[p.reason, default: 0] += 1 }
        out += "<h3>Pods not running at the end: \(pending.count)</h3>"
        if !reasons.isEmpty {
            out += "<table><tr><th>pods</th><th>reason</th></tr>"
            for (reason, count) in reasons.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                out += "<tr><td>\(count)</td><td>\(e(reason))</td></tr>"
            }
            out += "</table><details><summary>pods</summary><ul>" + pending.prefix(500).map { "<li>\(e($0.pod)): \(e($0.reason))</li>" }.joined()
                + (pending.count > 500 ? "<li>… and \(pending.count - 500) more</li>" : "") + "</ul></details>"
        }
        if let faas {
            let failures = faas.functions.flatMap { f in f.failures.map { (f.name, $0.key.rawValue, $0.value) } }.filter { $0.2 > 0 }
                .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            out += "<h3>Failed requests: \(faas.failed)</h3>"
            if !failures.isEmpty {
                out += "<table><tr><th>function</th><th>reason</th><th>requests</th></tr>" + failures.map { "<tr><td>\(e($0.0))</td><td>\(e($0.1))</td><td>\($0.2)</td></tr>" }.joined() + "</table>"
            }
        }
        if let collector {
            let total = collector.problemCounts.values.reduce(0, +)
            out += "<h3>Failure events: \(total)</h3>"
            if total > 0 {
                out += "<table><tr><th>events</th><th>kind and reason</th></tr>"
                for (reason, count) in collector.problemCounts.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).prefix(50) {
                    out += "<tr><td>\(count)</td><td>\(e(reason))</td></tr>"
                }
                out += "</table><details><summary>first \(collector.problems.count) events</summary><table><tr><th>time</th><th>event</th><th>pod or node</th><th>reason</th></tr>"
                out += collector.problems.map { "<tr><td>\($0.time.fixed(3)) s</td><td>\(e($0.kind))</td><td>\(e($0.subject))</td><td>\(e($0.reason))</td></tr>" }.joined()
                out += "</table></details>"
            }
        }
        return out
    }

    static func reproduceSection(_ c: Context) -> String {
        var out = "<p>Run again with:</p><pre class=\"command\">\(e(c.command))</pre><table class=\"facts\"><tr><th>scenario</th><td>\(e(c.scenario))</td></tr><tr><th>seed</th><td>\(c.seed)</td></tr>"
        for p in c.parameters { out += "<tr><th>\(e(p.name))</th><td>\(e(p.value))</td></tr>" }
        out += "</table>"
        if let text = c.scenarioText {
            if text.utf8.count <= maxScenarioText {
                out += "<details><summary>scenario file</summary><pre>\(e(text))</pre></details>"
            } else {
                out += "<p class=\"muted\">The scenario file (\(SVGFormat.bytes(Double(text.utf8.count)))) is too large to show here.</p>"
            }
        }
        return out
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#fff;margin:0 auto;max-width:960px;padding:0 16px 32px}
        header{border-bottom:1px solid #d6dae2;margin-bottom:8px}h1{font-size:22px;margin:18px 0 2px}h2{font-size:18px;margin:26px 0 6px;border-bottom:1px solid #eceff4}
        h3{font-size:15px;margin:16px 0 4px}.sub,.muted{color:#5b6474;font-weight:normal}nav a{margin-right:10px;font-size:13px}
        code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}pre{background:#f5f6f8;padding:8px;overflow:auto;max-height:420px}
        table{border-collapse:collapse;margin:6px 0}th,td{text-align:left;padding:2px 10px 2px 0;vertical-align:top}table.facts th{color:#5b6474;font-weight:normal}
        figure{margin:4px 0}svg{max-width:100%;height:auto;display:block}.pair{display:flex;flex-wrap:wrap;gap:8px}.pair figure{flex:1 1 420px}
        .legend{font-size:12px;color:#3b4352;margin:4px 0}.legend span{margin-right:12px;white-space:nowrap}
        .swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px;border-radius:2px}
        .axis{stroke:#4a5263;stroke-width:1}.tick{stroke:#4a5263}.grid{stroke:#e6e9ef}
        .tick-label{font-size:11px;fill:#3b4352}.axis-label{font-size:12px;fill:#1d2330}.reference{stroke:#b3261e;stroke-dasharray:4 3}
        .reference-label{font-size:11px;fill:#b3261e}.series{fill:none;stroke-width:1.6}
        .c0{stroke:#2f6fd0;fill:#2f6fd0}.c1{stroke:#e07b18;fill:#e07b18}.c2{stroke:#2e9a5b;fill:#2e9a5b}.c3{stroke:#8e5bc4;fill:#8e5bc4}.c4{stroke:#c23b5a;fill:#c23b5a}
        .series.c0,.series.c1,.series.c2,.series.c3,.series.c4{fill:none}.bar{stroke:none}.span{stroke:none}.hit{fill:#2e9a5b;background:#2e9a5b}
        .swatch.c0{background:#2f6fd0}.swatch.c1{background:#e07b18}.swatch.c2{background:#2e9a5b}.swatch.c3{background:#8e5bc4}.swatch.c4{background:#c23b5a}
        .marker{stroke:#fff;stroke-width:.6}.marker.up{fill:#b3261e}.marker.down{fill:#5b6474}.swatch.marker{background:#b3261e}
        .h0{fill:#f4f6fb;background:#f4f6fb}.h1{fill:#dce8f7;background:#dce8f7}.h2{fill:#bcd5f0;background:#bcd5f0}.h3{fill:#94bde6;background:#94bde6}
        .h4{fill:#6aa3db;background:#6aa3db}.h5{fill:#f6d06a;background:#f6d06a}.h6{fill:#f2ad4a;background:#f2ad4a}.h7{fill:#e8843a;background:#e8843a}
        .h8{fill:#d4552f;background:#d4552f}.h9{fill:#a8231f;background:#a8231f}
        svg *:hover{opacity:.75}footer{margin-top:28px;font-size:12px;color:#5b6474}
        @media print{nav{display:none}section{break-inside:avoid}body{max-width:none}}
        """
}
