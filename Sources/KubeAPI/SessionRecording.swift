import Blueprint
import Foundation
import Simulation

/// A timed log of every request that changed the playground, as JSON Lines: a header (epoch,
/// cluster), then one line per request or time step, then the end time. Replaying it on the
/// same cluster gives the same final state, byte for byte.
public final class SessionRecorder: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private let cluster: String?

    /// Opens (and truncates) the file; `cluster` is the cluster scenario's text (nil: the built-in one).
    public init(path: String, cluster: String?) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SessionError("cannot create the recording '\(path)'")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw SessionError("cannot open the recording '\(path)' for writing") }
        self.handle = handle
        self.cluster = cluster
    }

    func header(_ config: PlaygroundConfig) {
        var o: JSONObject = ["kubeprint-session": 1, "epoch": .number(String(Int64(config.epoch.timeIntervalSince1970)))]
        o["seed"] = .string(String(config.scenario.seed))
        o["defaultImageSize"] = .int64(config.defaultImageSize)
        let qps = config.controllerQPS
        o["controllerQPS"] = .number(qps == qps.rounded() && abs(qps) < 1e15 ? String(Int64(qps)) : String(qps))
        o["controllerBurst"] = .int(config.controllerBurst)
        o["cluster"] = cluster.map { .string($0) } ?? .null
        write(.object(o))
    }

    func request(_ r: APIRequest, at t: SimTime) {
        var o: JSONObject = ["at": .int64(t.ticks), "method": .string(r.method), "path": .string(r.path)]
        o["query"] = .object(.strings(r.query))
        o["contentType"] = .string(r.contentType)
        o["body"] = .string(Data(r.body).base64EncodedString())
        write(.object(o))
    }

    func advance(to t: SimTime) { write(.object(["at": .int64(t.ticks), "advance": true])) }

    func end(at t: SimTime, state: String) {
        write(.object(["at": .int64(t.ticks), "end": true, "state": .string(Session.digest(state))]))
    }

    private func write(_ value: JSONValue) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data((JSONWriter(pretty: false).write(value) + "\n").utf8))
    }

    deinit { try? handle.close() }
}

public struct SessionError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A recorded session, read back.
public struct Session: Sendable {
    public var epoch: Date
    /// The cluster scenario's text, or nil for the built-in cluster.
    public var cluster: String?
    public var seed: UInt64 = 1
    public var defaultImageSize: Int64?
    public var controllerQPS: Double?
    public var controllerBurst: Int?
    /// The final state's digest, when the session ended cleanly.
    public var finalDigest: String?
    public var requestCount: Int { steps.filter { $0.request != nil }.count }
    public var endTime: SimTime { steps.last?.at ?? .zero }
    var steps: [(at: SimTime, request: APIRequest?)]

    /// FNV-1a (64 bit) of a state dump: a checksum to compare replays with the session.
    public static func digest(_ text: String) -> String { "fnv1a64:" + String(FNV.hash64(text), radix: 16) }

    public static func read(path: String) throws -> Session {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SessionError("cannot read the recording '\(path)'")
        }
        var session = Session(epoch: Date(timeIntervalSince1970: 0), cluster: nil, steps: [])
        for (i, line) in text.split(separator: "\n").enumerated() {
            let where_ = "\(path):\(i + 1)"
            guard let value = try? JSONParser(recordsPositions: false).parse(String(line)).root, let o = value.object else {
                throw SessionError("\(where_): not a JSON object; is this a file written by `kubeprint serve --record`?")
            }
            if i == 0 {
                guard o["kubeprint-session"]?.int == 1, let epoch = o["epoch"]?.int else {
                    throw SessionError("\(where_): not a kubeprint session recording (the first line has no \"kubeprint-session\": 1)")
                }
                session.epoch = Date(timeIntervalSince1970: TimeInterval(epoch))
                session.cluster = o["cluster"]?.string
                session.seed = o["seed"]?.string.flatMap { UInt64($0) } ?? 1
                session.defaultImageSize = o["defaultImageSize"]?.int.map(Int64.init)
                if case .number(let text)? = o["controllerQPS"] { session.controllerQPS = Double(text) }
                session.controllerBurst = o["controllerBurst"]?.int
                continue
            }
            guard let at = o["at"]?.int else { throw SessionError("\(where_): the step has no \"at\" time") }
            let t = SimTime(ticks: Int64(at))
            if let method = o["method"]?.string, let path = o["path"]?.string {
                var query: [String: String] = [:]
                for m in o["query"]?.object?.members ?? [] { query[m.key] = m.value.string ?? "" }
                let body = o["body"]?.string.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
                session.steps.append((t, APIRequest(method: method, path: path, query: query, contentType: o["contentType"]?.string ?? "application/json", body: body)))
            } else {
                if o["end"]?.bool == true { session.finalDigest = o["state"]?.string }
                session.steps.append((t, nil))
            }
        }
        return session
    }

    /// Replays the session on a playground made from `config` (whose epoch must be the
    /// session's); returns the final state dump.
    public func replay(config: PlaygroundConfig) async throws -> String {
        let playground = try LivePlayground(config: config, speed: .manual)
        for step in steps {
            await playground.advance(to: step.at)
            if let request = step.request { _ = await playground.handle(request) }
        }
        return await playground.stateDump()
    }
}

extension LivePlayground {
    /// Moves virtual time to `t` (replays).
    func advance(to t: SimTime) {
        state.advance(to: t)
    }
}
