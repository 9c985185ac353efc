import Cluster
import Foundation
import Simulation
import YAML

/// The FaaS parts of scenario files: functions, workloads, scale commands, billing, monitoring.
extension ScenarioFile {
    /// Entries with `count: N` stand for N copies, with `{i}` in their strings replaced by
    /// 0…N−1 (`name: fn-{i}`, `image: image-{i}`): for many similar images, functions and
    /// workloads.
    static func expandCounted(_ r: inout ScenarioReader, _ node: YAMLNode?, at path: String) -> [(node: YAMLNode, path: String)]? {
        guard let items = r.list(node, at: path) else { return nil }
        var out: [(YAMLNode, String)] = []
        var expandedNodes = 0
        for (i, item) in items.enumerated() {
            let p = YAMLPath.index(path, i)
            guard var m = item.mapping, let countNode = m["count"] else {
                out.append((item, p))
                continue
            }
            guard let count = countNode.int, count >= 1, count <= 100_000 else {
                r.fail("count must be a whole number from 1 to 100000", at: YAMLPath.key(p, "count"))
                continue
            }
            m["count"] = nil
            if !containsPlaceholder(.mapping(m)) {
                r.fail("an entry with count needs {i} in its name so the copies differ", at: p, hint: "e.g. name: fn-{i}")
                continue
            }
            // Copies are made before anything else is read: bound them in entries and in YAML
            // nodes (an aliased entry can be large), across the whole list.
            expandedNodes += count * nodeCount(.mapping(m))
            guard out.count + count <= Limits.maxCopies, expandedNodes <= Limits.maxCopiedNodes else {
                r.fail("'\(path)' would expand to more than \(Limits.maxCopies) entries or \(Limits.maxCopiedNodes) values", at: YAMLPath.key(p, "count"),
                       hint: "lower count:")
                return out
            }
            for k in 0..<count { out.append((substitute(.mapping(m), String(k)), p)) }
        }
        return out
    }

    /// Values in a tree (scalars and containers).
    static func nodeCount(_ node: YAMLNode) -> Int {
        switch node {
        case .sequence(let items): return items.reduce(1) { $0 + nodeCount($1) }
        case .mapping(let m): return m.reduce(1) { $0 + nodeCount($1.value) }
        default: return 1
        }
    }

    static func containsPlaceholder(_ node: YAMLNode) -> Bool {
        switch node {
        case .string(let s): return s.contains("{i}")
        case .sequence(let items): return items.contains(where: containsPlaceholder)
        case .mapping(let m): return m.contains { containsPlaceholder($0.value) }
        default: return false
        }
    }

    static func substitute(_ node: YAMLNode, _ index: String) -> YAMLNode {
        switch node {
        case .string(let s):
            guard s.contains("{i}") else { return node }
            let text = s.replacingOccurrences(of: "{i}", with: index)
            // A value that becomes a number ("{i}" alone) is one.
            if case .int(let i) = ScalarResolver.resolveCore(text) { return .int(i) }
            return .string(text)
        case .sequence(let items): return .sequence(items.map { substitute($0, index) })
        case .mapping(let m): return .mapping(YAMLMapping(m.map { ($0.key, substitute($0.value, index)) }))
        default: return node
        }
    }

    static let functionFields = ["azureDurations", "azureMemory", "count", "gpuPerInvocation", "networkPerInvocation", "blockIOPerInvocation",
                                 "name", "profile", "image", "requests", "images", "watchdog", "forking", "executionTime", "cpuPerInvocation",
                                 "memoryPerInvocation", "memoryLimit", "timeout", "requestSize", "responseSize", "code", "startup", "setup",
                                 "teardown", "loadBalancer", "queueLimit", "scaling"]

    /// A row of an Azure trace file chosen by `row: N` or by its hash (`function:` / `app:`).
    static func azureRow(_ r: inout ScenarioReader, _ node: YAMLNode?, at p: String, baseDirectory: String, key: String, keyField: String,
                         extraFields: [String] = [], check: (AzureTrace.Table) -> String? = { _ in nil })
        -> (AzureTrace.Table, [String])?
    {
        guard let m = r.mapping(node, at: p, known: ["file", "row", keyField] + extraFields),
              let file = r.string(m, "file", at: p, required: true) else { return nil }
        let path = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
        guard let table = AzureTrace.read(path) else {
            r.fail("cannot read '\(path)'", at: YAMLPath.key(p, "file"), hint: "paths are relative to the scenario file")
            return nil
        }
        if let problem = check(table) {
            r.fail("'\(file)' \(problem)", at: YAMLPath.key(p, "file"))
            return nil
        }
        if let hash = r.string(m, keyField, at: p) {
            guard let column = table.column(key), let row = table.rows.first(where: { $0.count > column && $0[column] == hash }) else {
                r.fail("no row with \(key) '\(hash)' in '\(file)'", at: YAMLPath.key(p, keyField))
                return nil
            }
            return (table, row)
        }
        let index = r.int(m, "row", at: p, min: 0) ?? 0
        guard index < table.rows.count else {
            r.fail("'\(file)' has \(table.rows.count) rows; row \(index) does not exist", at: YAMLPath.key(p, "row"))
            return nil
        }
        return (table, table.rows[index])
    }

    static func readFunctions(_ r: inout ScenarioReader, _ top: YAMLMapping, images: inout [ImageSpec], registries: [RegistrySpec],
                              baseDirectory: String) -> [FunctionSpec]
    {
        guard let items = expandCounted(&r, top["functions"], at: "functions") else { return [] }
        var out: [FunctionSpec] = []
        var names: Set<String> = []
        for (item, p) in items {
            guard let m = r.mapping(item, at: p, known: functionFields) else { continue }
            var spec: FunctionSpec
            if let profileName = r.string(m, "profile", at: p) {
                guard let profile = FunctionCatalogue.profile(named: profileName) else {
                    r.fail("unknown function profile '\(profileName)'", at: YAMLPath.key(p, "profile"),
                           hint: "built-in profiles: \(FunctionCatalogue.profiles.map(\.function.name).joined(separator: ", "))")
                    continue
                }
                spec = profile.function
                for image in profile.images where !images.contains(where: { $0.name == image.name }) { images.append(image) }
                if let name = r.string(m, "name", at: p) { spec.name = name }
            } else {
                guard let name = r.string(m, "name", at: p, required: true) else { continue }
                spec = FunctionSpec(name: name, images: [])
            }
            if !names.insert(spec.name).inserted { r.fail("function '\(spec.name)' is declared twice", at: YAMLPath.key(p, "name")) }
            // Images: `image` + `requests`, or a ranked `images` list.
            if let image = r.string(m, "image", at: p) {
                spec.images = [FunctionImage(image: image, requests: readRequests(&r, m["requests"], at: YAMLPath.key(p, "requests")))]
            } else if m["requests"] != nil, !spec.images.isEmpty {
                spec.images[0].requests = readRequests(&r, m["requests"], at: YAMLPath.key(p, "requests"))
            }
            if let list = r.list(m["images"], at: YAMLPath.key(p, "images")) {
                spec.images = list.enumerated().compactMap { k, entry in
                    let ip = YAMLPath.index(YAMLPath.key(p, "images"), k)
                    guard let im = r.mapping(entry, at: ip, known: ["image", "requests", "nodeSelector"]),
                          let name = r.string(im, "image", at: ip, required: true) else { return nil }
                    return FunctionImage(image: name, requests: readRequests(&r, im["requests"], at: YAMLPath.key(ip, "requests")),
                                         nodeSelector: r.stringMap(im, "nodeSelector", at: ip))
                }
            }
            if spec.images.isEmpty {
                r.fail("function '\(spec.name)' has no image", at: p, hint: "give image: NAME (and requests:), or images: [{image: …, requests: …}, …]")
            }
            let known = Set(images.map(\.name))
            for (k, image) in spec.images.enumerated() where !known.contains(image.image) {
                r.fail("function '\(spec.name)' uses unknown image '\(image.image)'", at: m["images"] != nil ? YAMLPath.index(YAMLPath.key(p, "images"), k) : YAMLPath.key(p, "image"),
                       hint: ScenarioReader.closest(image.image, Array(known)).map { "did you mean '\($0)'?" } ?? "declare it under images")
            }
            if let w = r.mapping(m["watchdog"], at: YAMLPath.key(p, "watchdog"), known: ["workers"]) {
                spec.behaviour = .httpWatchdog(workers: max(1, r.int(w, "workers", at: YAMLPath.key(p, "watchdog"), min: 1, max: Limits.maxWorkers) ?? 4))
            }
            if let fk = r.mapping(m["forking"], at: YAMLPath.key(p, "forking"), known: ["overhead"]) {
                spec.behaviour = .forking(forkOverhead: r.seconds(fk, "overhead", at: YAMLPath.key(p, "forking")) ?? 0.005)
            }
            if let e = m["executionTime"] {
                let ep = YAMLPath.key(p, "executionTime")
                if let em = e.mapping, em["distribution"] == nil {
                    spec.executionTime = [:]
                    for entry in em {
                        guard let d = r.distribution(em, entry.key, at: ep) else { continue }
                        if entry.key == "default" { spec.defaultExecutionTime = d } else { spec.executionTime[entry.key] = d }
                    }
                } else if let d = r.distribution(m, "executionTime", at: p) {
                    spec.executionTime = [:]
                    spec.defaultExecutionTime = d
                }
            }
            if m["azureDurations"] != nil {
                let ap = YAMLPath.key(p, "azureDurations")
                if let (table, row) = azureRow(&r, m["azureDurations"], at: ap, baseDirectory: baseDirectory, key: "HashFunction", keyField: "function") {
                    if let d = AzureTrace.durations(table, row: row) {
                        spec.executionTime = [:]
                        spec.defaultExecutionTime = d
                    } else {
                        r.fail("no percentile_Average_* columns in the durations file", at: ap)
                    }
                }
            }
            if m["azureMemory"] != nil {
                let ap = YAMLPath.key(p, "azureMemory")
                if let (table, row) = azureRow(&r, m["azureMemory"], at: ap, baseDirectory: baseDirectory, key: "HashApp", keyField: "app") {
                    if let d = AzureTrace.memory(table, row: row) { spec.memoryPerInvocation = d } else {
                        r.fail("no AverageAllocatedMb_pct* columns in the memory file", at: ap)
                    }
                }
            }
            if let c = r.millicores(m, "cpuPerInvocation", at: p) {
                spec.cpuPerInvocation = Double(c)
            } else if m["profile"] == nil {
                // By default an invocation uses its share of the replica's CPU request.
                let workers = spec.workers > 1_000_000 ? 1 : spec.workers
                spec.cpuPerInvocation = Double(spec.images.first?.requests.cpuMillis ?? 0) / Double(max(1, workers))
            }
            if let mem = m["memoryPerInvocation"] {
                let mp = YAMLPath.key(p, "memoryPerInvocation")
                if let range = mem.mapping {
                    if let rm = r.mapping(mem, at: mp, known: ["min", "max"]), let lo = r.bytes(rm, "min", at: mp), let hi = r.bytes(rm, "max", at: mp) {
                        if lo > hi { r.fail("memoryPerInvocation needs min ≤ max", at: mp) }
                        spec.memoryPerInvocation = .uniform(min: Double(lo), max: Double(hi))
                    }
                    _ = range
                } else if let b = r.bytes(mem, at: mp, name: "memoryPerInvocation") {
                    spec.memoryPerInvocation = .constant(Double(b))
                }
            }
            if let limit = r.bytes(m, "memoryLimit", at: p) { spec.memoryLimit = limit }
            if let g = r.number(m, "gpuPerInvocation", at: p, in: 0...Double(Limits.maxAccelerators), unit: "GPUs (fractions allowed)") {
                spec.gpuPerInvocation = g
            }
            if let b = r.bandwidth(m, "networkPerInvocation", at: p) { spec.networkPerInvocation = b }
            if let b = r.bandwidth(m, "blockIOPerInvocation", at: p) { spec.blockIOPerInvocation = b }
            if let t = r.seconds(m, "timeout", at: p) {
                if t <= 0 { r.fail("timeout must be positive", at: YAMLPath.key(p, "timeout")) }
                spec.timeout = t
            }
            if let b = r.bytes(m, "requestSize", at: p) { spec.requestBytes = b }
            if let b = r.bytes(m, "responseSize", at: p) { spec.responseBytes = b }
            if let code = r.mapping(m["code"], at: YAMLPath.key(p, "code"), known: ["size", "bandwidth", "registry"]) {
                let cp = YAMLPath.key(p, "code")
                spec.codeBytes = r.bytes(code, "size", at: cp) ?? 0
                // Where the code lives: a registry's bandwidth and round trip, unless a bandwidth is given.
                var roundTrip = 0.0
                if let name = r.string(code, "registry", at: cp) {
                    if let registry = registries.first(where: { $0.name == name }) {
                        spec.codeBandwidth = registry.bandwidth
                        roundTrip = registry.roundTrip
                    } else {
                        r.fail("code names unknown registry '\(name)'", at: YAMLPath.key(cp, "registry"),
                               hint: "declared registries: \(registries.map(\.name).joined(separator: ", "))")
                    }
                }
                spec.codeBandwidth = r.bandwidth(code, "bandwidth", at: cp) ?? spec.codeBandwidth
                spec.codeRoundTrip = roundTrip
            }
            if let d = r.distribution(m, "startup", at: p) { spec.lifecycle.startup = d }
            if let d = r.distribution(m, "setup", at: p) { spec.lifecycle.setup = d }
            if let d = r.distribution(m, "teardown", at: p) { spec.teardown = d }
            if let lb = r.string(m, "loadBalancer", at: p) {
                if let parsed = LoadBalancing(rawValue: lb) { spec.loadBalancing = parsed } else {
                    r.fail("unknown load balancer '\(lb)'", at: YAMLPath.key(p, "loadBalancer"), hint: "use round-robin or least-outstanding")
                }
            }
            if let q = r.int(m, "queueLimit", at: p, min: 0) { spec.queueLimit = q }
            readScaling(&r, m["scaling"], at: YAMLPath.key(p, "scaling"), into: &spec)
            out.append(spec)
        }
        return out
    }

    static func readRequests(_ r: inout ScenarioReader, _ node: YAMLNode?, at path: String) -> Resources {
        var requests = Resources()
        guard let req = r.mapping(node, at: path, known: ["cpu", "memory", "gpu", "tpu", "disk"]) else { return requests }
        requests.cpuMillis = r.millicores(req, "cpu", at: path) ?? 0
        requests.memoryBytes = r.bytes(req, "memory", at: path) ?? 0
        requests.gpus = Int32(r.int(req, "gpu", at: path, max: Limits.maxAccelerators) ?? 0)
        requests.tpus = Int32(r.int(req, "tpu", at: path, max: Limits.maxAccelerators) ?? 0)
        requests.diskBytes = r.bytes(req, "disk", at: path) ?? 0
        return requests
    }

    static let scalingFields = ["min", "max", "keepAlive", "scaler", "threshold", "step", "interval", "target", "window", "metric", "syncPeriod",
                                "stabilizationWindow", "utilization", "stableWindow", "panicWindowPercent", "panicThreshold", "scaleToZeroGrace", "tick"]

    static func readScaling(_ r: inout ScenarioReader, _ node: YAMLNode?, at p: String, into spec: inout FunctionSpec) {
        guard let s = r.mapping(node, at: p, known: scalingFields) else { return }
        if let i = r.int(s, "min", at: p, min: 0, max: Limits.maxReplicas) { spec.minReplicas = i }
        if let i = r.int(s, "max", at: p, min: 1, max: Limits.maxReplicas) { spec.maxReplicas = i }
        if spec.maxReplicas < spec.minReplicas {
            r.fail("scaling.max (\(spec.maxReplicas)) is below scaling.min (\(spec.minReplicas))", at: YAMLPath.key(p, "max"),
                   hint: "raise max or lower min")
        }
        if let k = r.seconds(s, "keepAlive", at: p) { spec.keepAlive = k }
        func positive(_ key: String, _ fallback: Double) -> Double {
            guard let v = s[key] else { return fallback }
            guard let d = QuantityParser.number(v, in: 0.001...1e9) else {
                r.fail("scaling.\(key) must be a number from 0.001 to 1000000000, found \(ScenarioReader.show(v))", at: YAMLPath.key(p, key))
                return fallback
            }
            return d
        }
        func duration(_ key: String, _ fallback: Double) -> Double {
            let v = r.seconds(s, key, at: p) ?? fallback
            if v < Limits.minPeriod { r.fail("scaling.\(key) must be a duration of at least 1ms", at: YAMLPath.key(p, key)) }
            return max(v, Limits.minPeriod)
        }
        /// A window holds one sample per period, and every decision reads the whole window.
        func windowFits(_ window: Double, _ period: Double, _ windowKey: String, _ periodKey: String) {
            if window / period > Double(Limits.maxSamplesPerWindow) {
                r.fail("scaling.\(windowKey) holds more than \(Limits.maxSamplesPerWindow) samples of scaling.\(periodKey)", at: YAMLPath.key(p, periodKey),
                       hint: "make \(periodKey) at least \(windowKey) ÷ \(Limits.maxSamplesPerWindow)")
            }
        }
        let kind = r.string(s, "scaler", at: p) ?? (s["target"] != nil ? "average-requests" : spec.scaler.name)
        switch kind {
        case "fixed":
            spec.scaler = .fixed
        case "request-rate":
            spec.scaler = .requestRate(threshold: positive("threshold", 20), step: max(1, r.int(s, "step", at: p, min: 1, max: Limits.maxReplicas) ?? 1), interval: duration("interval", 10))
        case "average-requests":
            spec.scaler = .averageRequests(targetPerReplica: positive("target", 20), window: duration("window", 10))
        case "hpa":
            let metricText = r.string(s, "metric", at: p) ?? "cpu"
            guard let metric = HorizontalPodAutoscaler.Metric(rawValue: metricText) else {
                r.fail("unknown HPA metric '\(metricText)'", at: YAMLPath.key(p, "metric"), hint: "use cpu, rps or concurrency")
                return
            }
            let syncPeriod = duration("syncPeriod", 15), window = r.seconds(s, "stabilizationWindow", at: p) ?? 300
            windowFits(window, syncPeriod, "stabilizationWindow", "syncPeriod")
            spec.scaler = .hpa(metric: metric, target: positive("target", metric == .cpu ? 0.5 : 10), syncPeriod: syncPeriod,
                               stabilizationWindow: window)
            if spec.minReplicas < 1 {
                // The HorizontalPodAutoscaler API refuses minReplicas 0 ("must be greater than or
                // equal to 1") unless the alpha HPAScaleToZero gate is on.
                r.fail("scaling.min must be at least 1 with the hpa scaler, as Kubernetes validates minReplicas",
                       at: YAMLPath.key(p, s["min"] != nil ? "min" : "scaler"),
                       hint: "set min: 1, or use the kpa scaler to scale to zero")
            }
        case "kpa":
            let stableWindow = duration("stableWindow", 60), tick = duration("tick", 2)
            windowFits(stableWindow, tick, "stableWindow", "tick")
            spec.scaler = .kpa(targetConcurrency: positive("target", 100), utilization: positive("utilization", 0.7), stableWindow: stableWindow,
                               panicWindowPercent: positive("panicWindowPercent", 10), panicThreshold: positive("panicThreshold", 2),
                               scaleToZeroGrace: r.seconds(s, "scaleToZeroGrace", at: p) ?? 30, tick: tick)
        default:
            r.fail("unknown scaler '\(kind)'", at: YAMLPath.key(p, "scaler"), hint: "use fixed, request-rate, average-requests, hpa or kpa")
        }
    }

    static let workloadFields = ["count", "function", "pattern", "rate", "amplitude", "period", "from", "to", "base", "burstRate", "every", "burstLength",
                                 "trace", "start", "duration", "requests"]

    static func readWorkloads(_ r: inout ScenarioReader, _ top: YAMLMapping, functions: [String], baseDirectory: String) -> [WorkloadSpec] {
        guard let items = expandCounted(&r, top["workloads"], at: "workloads") else { return [] }
        var out: [WorkloadSpec] = []
        var expectedRequests = 0.0
        for (item, p) in items {
            guard let m = r.mapping(item, at: p, known: workloadFields), let function = r.string(m, "function", at: p, required: true) else { continue }
            if !functions.contains(function) {
                r.fail("workload names unknown function '\(function)'", at: YAMLPath.key(p, "function"),
                       hint: ScenarioReader.closest(function, functions).map { "did you mean '\($0)'?" } ?? "declare it under functions")
            }
            func rate(_ key: String, required: Bool = true) -> Double? {
                guard let v = m[key] else {
                    if required { r.fail("a \(m["pattern"]?.string ?? "poisson") workload needs '\(key)' (requests per second)", at: p) }
                    return nil
                }
                guard let d = QuantityParser.number(v, in: 0...Limits.maxRate) else {
                    r.fail("'\(key)' must be a rate from 0 to \(Int(Limits.maxRate)) (requests per second), found \(ScenarioReader.show(v))",
                           at: YAMLPath.key(p, key), hint: "rates are finite and not negative")
                    return nil
                }
                return d
            }
            let kind = r.string(m, "pattern", at: p) ?? "poisson"
            var pattern: ArrivalPattern?
            switch kind {
            case "constant": pattern = rate("rate").map { .constant(rate: $0) }
            case "poisson": pattern = rate("rate").map { .poisson(rate: $0) }
            case "sine":
                if let mean = rate("rate"), let amp = rate("amplitude"), let period = r.seconds(m, "period", at: p) {
                    pattern = .sine(mean: mean, amplitude: amp, period: period)
                } else if m["period"] == nil { r.fail("a sine workload needs 'period'", at: p) }
            case "ramp":
                if let from = rate("from"), let to = rate("to") {
                    if m["duration"] == nil { r.fail("a ramp workload needs 'duration'", at: p) }
                    pattern = .ramp(from: from, to: to)
                }
            case "bursts":
                if let base = rate("base"), let burst = rate("burstRate"), let every = r.seconds(m, "every", at: p), let length = r.seconds(m, "burstLength", at: p) {
                    pattern = .bursts(base: base, burstRate: burst, every: every, burstLength: length)
                } else if m["every"] == nil || m["burstLength"] == nil { r.fail("a bursts workload needs 'every' and 'burstLength'", at: p) }
            case "trace":
                pattern = readTrace(&r, m["trace"], at: YAMLPath.key(p, "trace"), baseDirectory: baseDirectory).map { .trace(perMinute: $0) }
            default:
                r.fail("unknown pattern '\(kind)'", at: YAMLPath.key(p, "pattern"), hint: "use constant, poisson, sine, ramp, bursts or trace")
            }
            let start = r.seconds(m, "start", at: p) ?? 0
            let duration = r.seconds(m, "duration", at: p)
            let requests = r.int(m, "requests", at: p, min: 1, max: Limits.maxRequests)
            if kind != "trace" && duration == nil && requests == nil {
                r.fail("the workload never ends", at: p, hint: "give duration: (e.g. 5m) or requests: (a count)")
            }
            if let pattern {
                // Bound what the workload can send before any of it is generated.
                var expected = pattern.peakRate * (duration ?? .infinity)
                if case .trace(let counts) = pattern { expected = counts.reduce(0.0) { $0 + Double($1) } }
                if let requests { expected = min(expected, Double(requests)) }
                expectedRequests += expected.isNaN ? 0 : expected
                if expectedRequests > Double(Limits.maxRequests) {
                    r.fail("the workloads would send about \(Int(min(expectedRequests, 9e18))) requests; at most \(Limits.maxRequests) in one scenario",
                           at: p, hint: "lower the rate, the duration or requests:")
                    continue
                }
                out.append(WorkloadSpec(function: function, pattern: pattern, start: start, duration: duration, maxRequests: requests))
            }
        }
        return out
    }

    /// An Azure Functions 2019 trace row: `HashOwner,HashApp,HashFunction,Trigger,1,…,1440`.
    static func readTrace(_ r: inout ScenarioReader, _ node: YAMLNode?, at p: String, baseDirectory: String) -> [Int]? {
        guard node != nil else {
            r.fail("a trace workload needs trace: {file: invocations.csv, row: 0}", at: p)
            return nil
        }
        guard let (_, row) = azureRow(&r, node, at: p, baseDirectory: baseDirectory, key: "HashFunction", keyField: "function",
                                      extraFields: ["minutes"], check: { table in
                                          table.header.count > 4 && table.header[0] == "HashOwner"
                                              ? nil : "is not an Azure Functions invocations file (HashOwner,HashApp,HashFunction,Trigger,1..1440)"
                                      })
        else { return nil }
        var counts = row.dropFirst(4).map { min(max(Int($0.trimmingCharacters(in: .whitespaces)) ?? 0, 0), Limits.maxRequests) }
        if let minutes = node?.mapping.flatMap({ r.int($0, "minutes", at: p, min: 1) }) { counts = Array(counts.prefix(minutes)) }
        return counts
    }

    static func readScaleCommands(_ r: inout ScenarioReader, _ top: YAMLMapping, functions: [String]) -> [ScaleCommand] {
        guard let items = r.list(top["scaleCommands"], at: "scaleCommands") else { return [] }
        return items.enumerated().compactMap { i, item in
            let p = YAMLPath.index("scaleCommands", i)
            guard let m = r.mapping(item, at: p, known: ["function", "at", "replicas"]), let f = r.string(m, "function", at: p, required: true) else { return nil }
            if !functions.contains(f) { r.fail("scale command names unknown function '\(f)'", at: YAMLPath.key(p, "function")) }
            guard let at = r.seconds(m, "at", at: p), let replicas = r.int(m, "replicas", at: p, min: 0, max: Limits.maxReplicas) else {
                r.fail("a scale command needs 'at' and 'replicas'", at: p)
                return nil
            }
            return ScaleCommand(function: f, at: at, replicas: replicas)
        }
    }

    static func readBilling(_ r: inout ScenarioReader, _ top: YAMLMapping) -> BillingModel? {
        guard let m = r.mapping(top["billing"], at: "billing", known: ["model", "perGBSecond", "perRequest", "perGBEgress", "prices", "default"]) else { return nil }
        let model = r.string(m, "model", at: "billing") ?? "lambda"
        switch model {
        case "lambda":
            return .lambda(perGBSecond: r.number(m, "perGBSecond", at: "billing", in: 0...1e6, unit: "a price") ?? 0.0000166667,
                           perRequest: r.number(m, "perRequest", at: "billing", in: 0...1e6, unit: "a price") ?? 0.0000002,
                           perGBEgress: r.number(m, "perGBEgress", at: "billing", in: 0...1e6, unit: "a price") ?? 0.09)
        case "node-hours":
            var prices: [String: Double] = [:]
            for e in m["prices"]?.mapping ?? YAMLMapping() {
                if let d = QuantityParser.number(e.value, in: 0...1e6) { prices[e.key] = d } else {
                    r.fail("prices are numbers from 0 to 1000000", at: YAMLPath.key("billing.prices", e.key))
                }
            }
            return .nodeHours(pricePerHour: prices, defaultPrice: r.number(m, "default", at: "billing", in: 0...1e6, unit: "a price") ?? 0.1)
        default:
            r.fail("unknown billing model '\(model)'", at: "billing.model", hint: "use lambda or node-hours")
            return nil
        }
    }
}

extension ArrivalPattern {
    /// The highest rate the pattern reaches (requests per second), to bound what a workload sends.
    var peakRate: Double {
        switch self {
        case .constant(let rate), .poisson(let rate): return rate
        case .sine(let mean, let amplitude, _): return mean + amplitude
        case .ramp(let from, let to): return max(from, to)
        case .bursts(let base, let burstRate, _, _): return max(base, burstRate)
        case .trace(let counts): return Double(counts.max() ?? 0) / 60
        }
    }
}
