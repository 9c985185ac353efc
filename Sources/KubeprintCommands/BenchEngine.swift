import ArgumentParser
import Foundation
import Simulation

struct BenchEngine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time the event queue alone: a steady population of events, each handled event scheduling one more.")

    @Option(parsing: .unconditional, help: "Events to process.")
    var events: Int = 10_000_000

    @Option(parsing: .unconditional, help: "Events pending at any time (the heap size).")
    var pending: Int = 10_000

    init() {}

    enum Event {
        case tick(id: Int32, payload: Int64)
    }

    func validate() throws {
        guard events > 0, pending > 0, pending <= 100_000_000 else {
            throw ValidationError("--events and --pending must be positive (--pending at most 100000000)")
        }
    }

    func run() async throws {
        var queue = EventQueue<Event>()
        var rng = RandomSource(seed: 1)
        queue.reserveCapacity(pending)
        for i in 0..<pending { queue.schedule(.tick(id: Int32(i), payload: 0), at: SimTime(ticks: Int64(rng.next() % 1_000_000))) }
        let clock = ContinuousClock()
        let start = clock.now
        var checksum: Int64 = 0
        for _ in 0..<events {
            guard let (time, event) = queue.pop() else { break }
            guard case .tick(let id, let payload) = event else { continue }
            checksum &+= payload &+ Int64(id)
            queue.schedule(.tick(id: id, payload: payload &+ 1), at: time + SimTime(ticks: 1 + Int64(rng.next() % 1_000_000)))
        }
        let elapsed = clock.now - start
        let seconds = elapsed.seconds
        let console = Console()
        console.out("bench engine: \(events) events with \(pending) pending: \((seconds * 1000).fixed(0)) ms, "
                      + "\((seconds / Double(events) * 1e9).fixed(1)) ns per event (pop + schedule), checksum \(checksum)")
        // The machine's own baseline: the same pattern on the plainest heap there is (UInt64 keys
        // in an array, no payload, no generics), so figures from two machines can be compared
        // as ratios to their baselines.
        let baseline = Self.baseline(events: events, pending: pending)
        console.out("  machine baseline: \((baseline.seconds / Double(events) * 1e9).fixed(1)) ns per pop + push on a plain binary heap of (UInt64, UInt32) pairs "
                      + "(same pattern, checksum \(baseline.checksum)); the event queue costs \((seconds / max(baseline.seconds, 1e-12)).fixed(2))× the baseline")
    }

    /// A binary min-heap of (time, id) pairs in an array, ordered by time, driven like the
    /// event queue above; returns the wall time and a checksum that keeps the work observable.
    static func baseline(events: Int, pending: Int) -> (seconds: Double, checksum: UInt64) {
        var times: [UInt64] = [], ids: [UInt32] = []
        times.reserveCapacity(pending)
        ids.reserveCapacity(pending)
        var rng = RandomSource(seed: 1)
        func swap(_ a: Int, _ b: Int) {
            times.swapAt(a, b)
            ids.swapAt(a, b)
        }
        func push(_ t: UInt64, _ id: UInt32) {
            times.append(t)
            ids.append(id)
            var i = times.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard times[parent] > times[i] else { break }
                swap(parent, i)
                i = parent
            }
        }
        func pop() -> (UInt64, UInt32)? {
            guard let t = times.first, let id = ids.first, let lastT = times.popLast(), let lastID = ids.popLast() else { return nil }
            if times.isEmpty { return (t, id) }
            times[0] = lastT
            ids[0] = lastID
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < times.count && times[l] < times[m] { m = l }
                if r < times.count && times[r] < times[m] { m = r }
                if m == i { break }
                swap(i, m)
                i = m
            }
            return (t, id)
        }
        for i in 0..<pending { push(rng.next() % 1_000_000, UInt32(truncatingIfNeeded: i)) }
        let clock = ContinuousClock()
        let start = clock.now
        var checksum: UInt64 = 0
        for _ in 0..<events {
            guard let (t, id) = pop() else { break }
            checksum &+= UInt64(id)
            push(t &+ 1 &+ rng.next() % 1_000_000, id)
        }
        return ((clock.now - start).seconds, checksum)
    }
}
