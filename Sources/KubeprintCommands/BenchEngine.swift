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
        Console().out("bench engine: \(events) events with \(pending) pending: \((seconds * 1000).fixed(0)) ms, "
                      + "\((seconds / Double(events) * 1e9).fixed(1)) ns per event (pop + schedule), checksum \(checksum)")
    }
}
