import Blueprint
import Cluster
import Foundation
import Simulation

/// How virtual time moves: with the wall clock times a speed, or only when asked.
public enum PlaygroundSpeed: Sendable, Equatable, CustomStringConvertible {
    case realtime(Double)
    case manual

    /// `20`, `0.5` or `manual`.
    public init?(_ text: String) {
        if text == "manual" {
            self = .manual
        } else if let v = Double(text), v.isFinite, v > 0, v <= 100_000 {
            self = .realtime(v)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .manual: return "manual"
        case .realtime(let v): return v == v.rounded() ? String(Int(v)) : String(v)
        }
    }
}

/// A reply of the live playground.
public enum LiveReply: Sendable {
    case response(APIResponse)
    /// A watch: lines to send first, then the stream's, until `timeoutSeconds` or the client goes.
    case watch(initial: [String], stream: AsyncStream<String>, timeoutSeconds: Int, stop: @Sendable () -> Void)
}

/// The live playground cluster: every request is handled at the current virtual time, after
/// the simulation has caught up with it.
public actor LivePlayground {
    let state: APIState
    public let speed: PlaygroundSpeed
    let hub = WatchHub()
    nonisolated let summaries: SummaryCache
    /// Follows the desired state for a store, when one keeps it (`trackDesiredState`).
    var desiredTracker: DesiredStateTracker?
    private var wallStart: ContinuousClock.Instant
    private let clock = ContinuousClock()
    private var recorder: SessionRecorder?
    /// How far virtual time fell behind the clock at worst (seconds), for `--speed` checks.
    public private(set) var worstLag: Double = 0

    public init(config: PlaygroundConfig, speed: PlaygroundSpeed, record: SessionRecorder? = nil) throws {
        state = try APIState(config: config)
        self.speed = speed
        let summaries = SummaryCache(speed: speed)
        self.summaries = summaries
        wallStart = ContinuousClock.now
        recorder = record
        let hub = self.hub
        let state = self.state
        hub.tableLine = { event, type in state.tableLine(event, type: type) }
        state.store.onChange = { event in
            hub.dispatch(event)
            summaries.changed(event)
        }
        // In manual time only a move of virtual time can make a summary stale besides a change
        // (on the clock, entries age out instead).
        if speed == .manual { state.onTimeMoved = { summaries.moved(to: $0.seconds) } }
        record?.header(config)
    }

    /// Virtual time now.
    public var now: SimTime { state.now }

    /// Whether nothing is left to happen but periodic ticks.
    public var isIdle: Bool { state.isIdle }

    /// Brings virtual time up to the clock (a no-op in manual mode).
    public func catchUp() {
        guard case .realtime(let factor) = speed else { return }
        let elapsed = clock.now - wallStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let target = SimTime(seconds: seconds * factor)
        let before = clock.now
        state.advance(to: target)
        let took = clock.now - before
        let lag = (Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18) * factor
        worstLag = max(worstLag, lag)
    }

    /// Moves virtual time with the clock while `running` says so and the task is not cancelled:
    /// catches up, then sleeps what is left of the wait ``ClockBudget/wait(untilDue:speed:busy:idle:)``
    /// gives: `period` while something is due within it, until the next due event when that is
    /// later (a grace period, a slow pull), at most `idlePeriod`, and `idlePeriod` when nothing
    /// but periodic ticks is left. A catch-up that took longer than its wait is followed by the
    /// next one at once (after letting waiting requests in): sleeping after a busy stretch would
    /// leave virtual time further behind each time. Short waits while busy matter on virtual
    /// machines, where a thread that sleeps long comes back slowly: with 5 ms ticks the
    /// 10,000-pod rollout fell up to 8 virtual s behind at `--speed 100` in some runs, with 1 ms
    /// ticks less than 2 s in the runs measured. Writes catch up again after they are applied
    /// (``handle(_:)``), so new work never waits for the loop.
    public nonisolated func followClock(period: Duration = .milliseconds(1), idlePeriod: Duration = .milliseconds(20),
                                        while running: @Sendable () async -> Bool = { true }) async {
        let clock = ContinuousClock()
        var tick = clock.now
        while !Task.isCancelled, await running() {
            let due = await catchUpAndReport()
            let wait: Duration
            switch speed {
            case .manual:
                // Nothing to catch up with: look only for the end now and then.
                wait = .milliseconds(100)
            case .realtime(let factor):
                wait = ClockBudget.wait(untilDue: due, speed: factor, busy: period, idle: idlePeriod)
            }
            let now = clock.now
            if let next = ClockBudget.nextTick(after: tick, period: wait, now: now) {
                tick = next
                try? await Task.sleep(until: next, clock: clock)
            } else {
                tick = now
                await Task.yield()
            }
        }
    }

    /// Catches up with the clock; then the virtual seconds until the next event or timer is
    /// due, or nil when nothing is left to happen but periodic ticks.
    func catchUpAndReport() -> Double? {
        catchUp()
        if state.isIdle { return nil }
        return state.nextDue.map { max(0, ($0 - state.now).seconds) } ?? 0
    }

    public func handle(_ request: APIRequest) -> LiveReply {
        catchUp()
        // The playground's own endpoints record their effect (advance) themselves.
        if request.isMutation && !request.path.hasPrefix("/playground/") { recorder?.request(request, at: state.now) }
        let reply = reply(to: request)
        if case .response(let r) = reply {
            state.metrics.requests["\(request.method)|\(r.status)", default: 0] += 1
        }
        // What the write handed the simulator (pods to schedule, to stop) is due now: run it
        // before replying, so watchers see it without waiting for a clock loop that may be
        // asleep until a later event.
        if request.isMutation { catchUp() }
        return reply
    }

    private func reply(to request: APIRequest) -> LiveReply {
        if request.path.hasPrefix("/playground/") { return .response(playground(request)) }
        switch state.handle(request) {
        case .response(let r):
            return .response(r)
        case .watch(let spec):
            return watch(spec)
        }
    }

    private func watch(_ spec: WatchSpec) -> LiveReply {
        var initial: [String] = []
        if let rv = spec.resourceVersion {
            guard let changes = state.store.changes(after: rv) else {
                let gone = APIError(code: 410, reason: "Expired", message: "too old resource version: \(rv) (\(state.store.resourceVersion))")
                let line = "{\"type\":\"ERROR\",\"object\":\(JSONWriter(pretty: false).write(gone.status))}\n"
                return .watch(initial: [line], stream: AsyncStream { $0.finish() }, timeoutSeconds: 0, stop: {})
            }
            initial = changes.filter(spec.matches).map { spec.table ? state.tableLine($0, type: spec.type) : $0.line }
        } else {
            for o in state.store.list(spec.type, namespace: spec.namespace)
            where spec.labels.matches(o.object.labels) && spec.fields.matches(o.object) {
                let added = WatchEvent(type: "ADDED", resource: spec.type.qualifiedPlural, namespace: o.object.namespace ?? "", stored: o)
                initial.append(spec.table ? state.tableLine(added, type: spec.type) : added.line)
            }
        }
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(100_000))
        let id = hub.add(spec, continuation)
        let hub = self.hub
        continuation.onTermination = { _ in hub.remove(id) }
        return .watch(initial: initial, stream: stream, timeoutSeconds: spec.timeoutSeconds, stop: { hub.finish(id) })
    }

    // MARK: The playground's own endpoints

    private func playground(_ request: APIRequest) -> APIResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        if segments.count == 5, segments[1] == "v1", segments[2] == "namespaces", segments[4] == "runs", request.method == "POST" {
            do throws(APIError) {
                guard let body = try state.parseJSON(request.body).object else { throw APIError.badRequest("the body must be a JSON object") }
                let result = try state.pipelineRuns(namespace: segments[3], body: body)
                return APIResponse(status: 200, body: JSONWriter(pretty: false).write(result))
            } catch {
                return errorResponse(error)
            }
        }
        guard segments.count == 3, segments[1] == "v1" else { return errorResponse(APIError.noSuchPath) }
        switch (request.method, segments[2]) {
        case ("POST", "advance"):
            guard case .manual = speed else {
                return errorResponse(APIError(code: 409, reason: "Conflict", message: "virtual time follows the clock (--speed \(speed)); advance needs --speed manual"))
            }
            if request.query["until"] == "idle" || request.query["by"] == nil {
                let limit = request.query["limit"].flatMap(GoDuration.seconds) ?? 3600
                state.advanceUntilIdle(limit: .seconds(limit))
            } else {
                guard let text = request.query["by"], let seconds = GoDuration.seconds(text), seconds >= 0, seconds <= 30 * 86_400 else {
                    return errorResponse(APIError.badRequest("advance?by= needs a duration such as 30s, 5m or 1h (at most 30 days)"))
                }
                state.advance(to: state.now + .seconds(seconds))
            }
            recorder?.advance(to: state.now)
            return APIResponse(status: 200, body: JSONWriter(pretty: false).write(statusDocument()))
        case ("GET", "status"):
            return APIResponse(status: 200, body: JSONWriter(pretty: false).write(statusDocument()))
        case ("GET", "state"):
            return APIResponse(status: 200, body: stateDump())
        default:
            return errorResponse(APIError.noSuchPath)
        }
    }

    private func errorResponse(_ e: APIError) -> APIResponse {
        APIResponse(status: e.code, body: JSONWriter(pretty: false).write(e.status))
    }

    /// Virtual time, speed, and image pulls in progress (the dashboard's header).
    public func statusDocument() -> JSONValue {
        let pulls: [JSONValue] = state.metrics.pullsStarted.sorted { ($0.value.start, $0.key) < ($1.value.start, $1.key) }.map { uid, p in
            let pod = state.podsByUID[uid]
            return .object(["node": .string(p.node), "image": .string(p.image), "bytes": .int64(p.bytes),
                            "startedAt": .string(state.timestamp(p.start)),
                            "pod": .string(pod.map { "\($0.namespace)/\($0.name)" } ?? uid)])
        }
        return .object(["time": .string(state.timestamp), "virtualSeconds": .number(String(format: "%.3f", state.now.seconds)),
                        "speed": .string(speed.description), "idle": .bool(state.isIdle),
                        "worstLagSeconds": .number(String(format: "%.3f", worstLag)),
                        "nodes": .int(state.nodeNames.count), "pods": .int(state.store.count(.pods, namespace: nil)),
                        "pulls": .array(pulls)])
    }

    /// Every object, in a canonical order, one JSON line each (what a replay compares).
    public func stateDump() -> String {
        var out = "{\"virtualSeconds\":\"\(String(format: "%.6f", state.now.seconds))\",\"resourceVersion\":\(state.store.resourceVersion)}\n"
        for (resource, o) in state.store.all() { out += "{\"resource\":\"\(resource)\",\"object\":\(o.encoded)}\n" }
        return out
    }

    /// Runs in manual mode: moves virtual time on.
    public func advance(by seconds: Double) {
        state.advance(to: state.now + .seconds(seconds))
        recorder?.advance(to: state.now)
    }

    public func advanceUntilIdle(limit seconds: Double = 3600) {
        state.advanceUntilIdle(limit: .seconds(seconds))
        recorder?.advance(to: state.now)
    }

    /// Ends every open watch and the recording (with the final virtual time): the server is stopping.
    public func finish() {
        catchUp()
        hub.finishAll()
        recorder?.end(at: state.now, state: stateDump())
        recorder = nil
    }

    /// Open watches.
    public var watchCount: Int { hub.count }

    /// `/metrics`: the kubelet's pod start-up histograms, image pulls, scheduler attempts and
    /// request counts in the Prometheus text format.
    public func metricsText() -> String {
        catchUp()
        let m = state.metrics
        var p = PrometheusText()
        let startBuckets: [Double] = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600]
        p.histogram("kubelet_pod_start_sli_duration_seconds",
                    help: "Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch",
                    buckets: startBuckets, observations: m.podStartSLI)
        p.histogram("kubelet_pod_start_total_duration_seconds",
                    help: "Duration in seconds to start a pod since creation, including time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch",
                    buckets: startBuckets, observations: m.podStartTotal)
        p.histogram("kubelet_image_pull_duration_seconds", help: "Duration in seconds to pull an image.",
                    buckets: [1, 5, 10, 20, 30, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600], observations: m.pullDurations)
        p.counter("scheduler_schedule_attempts_total", help: "Number of attempts to schedule pods, by the result.",
                  values: m.scheduleAttempts.keys.sorted().map { ([("profile", "default-scheduler"), ("result", $0)], Double(m.scheduleAttempts[$0] ?? 0)) })
        p.counter("apiserver_request_total", help: "Counter of apiserver requests broken out for each verb and HTTP response code.",
                  values: m.requests.keys.sorted().map { key in
                      let parts = key.split(separator: "|").map(String.init)
                      return ([("code", parts.count > 1 ? parts[1] : ""), ("verb", parts.first ?? "")], Double(m.requests[key] ?? 0))
                  })
        p.gauge("kubeprint_virtual_time_seconds", help: "Virtual time of the playground.", values: [([], state.now.seconds)])
        p.gauge("kubeprint_pods", help: "Pods in the playground.", values: [([], Double(state.store.count(.pods, namespace: nil)))])
        p.counter("kubeprint_pods_created_total", help: "Pods created since start.", values: [([], Double(m.podsCreated))])
        return p.text
    }
}

/// The open watches; called synchronously from inside the playground's actor.
final class WatchHub: @unchecked Sendable {
    // Touched only on the actor (dispatch, add) and from onTermination (remove), so it locks.
    private let lock = NSLock()
    private var watchers: [Int: (spec: WatchSpec, continuation: AsyncStream<String>.Continuation)] = [:]
    private var nextID = 0

    func add(_ spec: WatchSpec, _ continuation: AsyncStream<String>.Continuation) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        watchers[nextID] = (spec, continuation)
        return nextID
    }

    func remove(_ id: Int) {
        lock.lock()
        defer { lock.unlock() }
        watchers[id] = nil
    }

    func finish(_ id: Int) {
        lock.lock()
        let c = watchers.removeValue(forKey: id)?.continuation
        lock.unlock()
        c?.finish()
    }

    func finishAll() {
        lock.lock()
        let all = watchers.values.map(\.continuation)
        watchers = [:]
        lock.unlock()
        for c in all { c.finish() }
    }

    /// Writes a watch line with a one-row Table (set by the playground; called on its actor).
    var tableLine: ((WatchEvent, ResourceType) -> String)?

    func dispatch(_ event: WatchEvent) {
        lock.lock()
        let targets = watchers.values.filter { $0.spec.matches(event) }
        lock.unlock()
        guard !targets.isEmpty else { return }
        var line: String?
        for t in targets {
            if t.spec.table, let tableLine {
                t.continuation.yield(tableLine(event, t.spec.type))
            } else {
                if line == nil { line = event.line }
                t.continuation.yield(line ?? "")
            }
        }
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return watchers.count
    }
}

/// Durations as `kubectl` and Go write them: `30s`, `5m`, `1h30m`, `250ms`, or plain seconds
/// (the scenario files' `QuantityParser.seconds` takes one unit only).
enum GoDuration {
    static func seconds(_ text: String) -> Double? {
        if let v = Double(text) { return v }
        var total = 0.0
        var number = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let c = rest.first else { break }
            if c.isNumber || c == "." {
                number.append(c)
                rest = rest.dropFirst()
                continue
            }
            let unit: String
            if rest.hasPrefix("ms") { unit = "ms" } else { unit = String(c) }
            rest = rest.dropFirst(unit.count)
            guard let v = Double(number) else { return nil }
            number = ""
            switch unit {
            case "ms": total += v / 1000
            case "s": total += v
            case "m": total += v * 60
            case "h": total += v * 3600
            case "d": total += v * 86_400
            default: return nil
            }
        }
        return number.isEmpty ? total : nil
    }
}

/// What a run of the simulation says about the `--speed` it can follow.
public enum ClockBudget {
    /// How long the clock loop sleeps: `busy` while something is due within it, as long as
    /// the wait for the next due event (`untilDue` virtual seconds at `speed`) but at most
    /// `idle`, and `idle` when nothing but periodic ticks is left (nil).
    public static func wait(untilDue: Double?, speed: Double, busy: Duration, idle: Duration) -> Duration {
        guard let untilDue else { return idle }
        // In Double first: a tiny speed would make the wall time too large for a Duration.
        let wall = untilDue / speed
        let idleSeconds = Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18
        guard wall < idleSeconds else { return idle }
        return max(.seconds(wall), busy)
    }

    /// When the clock loop catches up next: a period after the last tick, or nil (at once)
    /// when that time has passed already.
    public static func nextTick<I: InstantProtocol>(after tick: I, period: I.Duration, now: I) -> I? {
        let next = tick.advanced(by: period)
        return next > now ? next : nil
    }

    /// The highest speed at which a simulation whose virtual seconds took `wallSeconds` each
    /// (in order) stays within `lag` virtual seconds of the clock, working without pause while
    /// behind (as ``LivePlayground/followClock(period:idlePeriod:while:)`` does) and measured as
    /// ``LivePlayground/worstLag`` is: the length of a catch-up times the speed. A second's work
    /// may fall in one instant, so while it is worked on virtual time is s·cᵢ behind, on top of
    /// what earlier seconds left; a second leaves s·cᵢ − 1 behind it (a quiet one wins back what
    /// it does not need).
    public static func sustainedSpeed(wallSeconds: [Double], lag: Double) -> Double {
        func worstLag(_ s: Double) -> Double {
            var carried = 0.0, worst = 0.0
            for c in wallSeconds {
                let peak = carried + s * c
                worst = max(worst, peak)
                carried = max(0, peak - 1)
            }
            return worst
        }
        guard wallSeconds.contains(where: { $0 > 0 }) else { return .infinity }
        var lo = 0.0, hi = 1.0
        while worstLag(hi) <= lag && hi < 1e9 { lo = hi; hi *= 2 }
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            if worstLag(mid) <= lag { lo = mid } else { hi = mid }
        }
        return lo
    }
}
