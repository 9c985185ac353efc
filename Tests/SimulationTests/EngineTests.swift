@testable import Simulation
import Testing

@Suite("Simulation engine")
struct EngineTests {
    @Test("events come out by time, equal times in insertion order")
    func ordering() {
        var q = EventQueue<String>()
        q.schedule("c", at: .seconds(2))
        q.schedule("a1", at: .seconds(1))
        q.schedule("b", at: .seconds(1.5))
        q.schedule("a2", at: .seconds(1))
        q.schedule("a3", at: .seconds(1))
        var out: [String] = []
        while let (_, e) = q.pop() { out.append(e) }
        #expect(out == ["a1", "a2", "a3", "b", "c"])
    }

    @Test("a large random schedule pops sorted and stable")
    func heapProperty() {
        var q = EventQueue<Int>()
        var rng = RandomSource(seed: 3)
        var expected: [(Int64, Int)] = []
        for i in 0..<10_000 {
            let t = Int64(rng.next() % 1000)
            q.schedule(i, at: SimTime(ticks: t))
            expected.append((t, i))
        }
        expected.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var popped: [(Int64, Int)] = []
        while let (t, e) = q.pop() { popped.append((t.ticks, e)) }
        #expect(popped.map(\.1) == expected.map(\.1))
    }

    @Test("schedules and pops interleaved come out as a sorted reference list says")
    func interleaved() {
        var q = EventQueue<Int>()
        var rng = RandomSource(seed: 11)
        var pending: [(time: Int64, id: Int)] = []
        var now: Int64 = 0
        var next = 0
        for step in 0..<20_000 {
            // A burst first, so pops run through a deep heap with part-filled last child groups.
            if step < 3_000 || rng.next() % 2 == 0 || pending.isEmpty {
                // Never before the last popped time, as in a simulation; many equal times.
                let t = now + Int64(rng.next() % 50)
                q.schedule(next, at: SimTime(ticks: t))
                pending.append((t, next))
                next += 1
            } else {
                let k = pending.indices.min { (pending[$0].time, pending[$0].id) < (pending[$1].time, pending[$1].id) } ?? 0
                let want = pending.remove(at: k)
                guard let (t, e) = q.pop() else {
                    Issue.record("queue empty with \(pending.count + 1) pending")
                    return
                }
                #expect(t.ticks == want.time && e == want.id)
                now = t.ticks
            }
        }
        #expect(q.count == pending.count)
    }

    @Test("entries compare as (time, sequence) pairs at the extremes of both")
    func precedesExtremes() {
        typealias Entry = EventQueue<Int>.Entry
        let times: [Int64] = [.min, .min + 1, -1_000_000, -1, 0, 1, 999, 1_000_000, .max - 1, .max]
        let sequences: [UInt64] = [0, 1, 2, 1 << 32, 1 << 63, .max - 1, .max]
        var mismatches: [String] = []
        for t1 in times {
            for s1 in sequences {
                for t2 in times {
                    for s2 in sequences {
                        let a = Entry(time: t1, sequence: s1, event: 0), b = Entry(time: t2, sequence: s2, event: 0)
                        if a.precedes(b) != ((t1, s1) < (t2, s2)) { mismatches.append("(\(t1), \(s1)) vs (\(t2), \(s2))") }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("seconds round to the nearest tick as Double.rounded() does, halves away from zero")
    func roundingToTicks() {
        var values: [Double] = [1e-7, 4.9e-7, 5e-7, 0.4999999999999999e-6, 1.5e-6, 2.5e-6, 0.1, 0.25, 1, 3.0000005, 12.3456785,
                                4503599627370495.5 / 1e6, 4503599627370496 / 1e6, 9007199254740993 / 1e6, 9.2e12]
        var rng = RandomSource(seed: 17)
        for _ in 0..<20_000 { values.append(rng.nextUnit() * 1000) }
        for _ in 0..<2_000 { values.append(Double(rng.next() % 10_000_000) / 1e6 + 0.5e-6) }  // exact halves of a tick, nearly
        for _ in 0..<2_000 { values.append(Double.random(in: 1e3..<9e12, using: &rng)) }
        let mismatches = values.filter { SimTime(seconds: $0).ticks != Int64(($0 * 1e6).rounded()) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        let x = 2.5, y = 0.49999999999999994
        #expect(SimTime.roundedPositive(x) == 3 && SimTime.roundedPositive(y) == 0 && SimTime.roundedPositive(0.5) == 1)
    }

    @Test("integer ticks do not drift")
    func noDrift() {
        var t = SimTime.zero
        for _ in 0..<1_000_000 { t = t + .milliseconds(0.1) }
        #expect(t == .seconds(100))
        #expect(SimTime.seconds(1.5).description == "1.500000s")
    }

    @Test("same seed, same numbers; forks are independent")
    func seeds() {
        var a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
    }

    @Test("distributions have the right means and respect bounds", arguments: [
        Distribution.exponential(mean: 0.1), .uniform(min: 1, max: 3), .normal(mean: 5, standardDeviation: 1),
        .lognormal(median: 1, sigma: 0.5), .constant(2), .empirical([1, 2, 3, 4]),
    ])
    func means(_ d: Distribution) {
        var rng = RandomSource(seed: 1)
        let n = 200_000
        var sum = 0.0
        for _ in 0..<n { sum += d.sample(using: &rng) }
        #expect(abs(sum / Double(n) - d.mean) < 0.02 * max(1, d.mean))
    }

    @Test("bounded lognormal stays within its bounds")
    func bounds() {
        var rng = RandomSource(seed: 9)
        let d = Distribution.lognormal(median: 1, sigma: 2, min: 0.5, max: 2)
        for _ in 0..<10_000 {
            let v = d.sample(using: &rng)
            #expect(v >= 0.5 && v <= 2)
        }
    }

    @Test("fixed-decimal formatting")
    func fixed() {
        #expect(1.23456.fixed(3) == "1.235")
        #expect((-0.5).fixed(1) == "-0.5")
        #expect(2.0.fixed(0) == "2")
        #expect(0.001.fixed(3) == "0.001")
    }
}
