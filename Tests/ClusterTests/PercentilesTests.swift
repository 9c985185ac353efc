@testable import Cluster
import Foundation
import Testing

/// A small deterministic generator for the tests' inputs.
struct LCG {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
}

@Suite("percentiles by selection")
struct PercentilesTests {
    /// The definition: interpolate at rank f·(n−1) in the sorted values.
    static func sorted(_ values: [Double], _ f: Double) -> Double {
        let s = values.sorted()
        let rank = f * Double(s.count - 1)
        let lo = Int(rank.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (rank - Double(lo))
    }

    @Test("selection gives exactly what sorting gives, with ties, runs and tiny arrays")
    func sameAsSorting() {
        var random = LCG(state: 42)
        func next() -> UInt64 { random.next() }
        for trial in 0..<400 {
            let n = trial < 10 ? trial + 1 : Int(next() % 3000) + 1
            let values: [Double] = (0..<n).map { i in
                switch trial % 4 {
                case 0: return Double(next() % 1000) / 7
                case 1: return Double(next() % 5)  // many ties
                case 2: return Double(i)  // already sorted
                default: return Double(n - i) * 0.5  // reversed
                }
            }
            let p = Percentiles(values)
            #expect(p.p50 == Self.sorted(values, 0.5), "trial \(trial)")
            #expect(p.p95 == Self.sorted(values, 0.95), "trial \(trial)")
            #expect(p.p99 == Self.sorted(values, 0.99), "trial \(trial)")
            #expect(p.max == values.max())
        }
    }

    @Test("the radix selection finds every rank, through its deeper levels too")
    func orderStatisticsEveryRank() {
        var random = LCG(state: 5)
        // Many distinct keys within one first-level digit (values ulps apart), ties, and a spread.
        var values: [Float] = (0..<3000).map { Float(1) + Float($0 % 2500) * Float(1).ulp }
        values += (0..<500).map { _ in Float(random.next() % 1000) / 10 }
        values += Array(repeating: 0.25, count: 1500)
        let keys = values.map(Percentiles.sortKey)
        let ranks = Array(0..<values.count)
        let found = Percentiles.orderStatistics(keys: keys, smallest: keys.min() ?? 0, largest: keys.max() ?? 0, ranks: ranks)
        #expect(found == values.sorted())
    }

    @Test("radix selection over floats gives the same figures as over doubles, bit for bit")
    func floatsSameAsDoubles() {
        var random = LCG(state: 7)
        func next() -> UInt64 { random.next() }
        for trial in 0..<32 {
            let n = 1024 + Int(next() % 40_000)
            let values: [Float] = (0..<n).map { i in
                switch trial % 8 {
                case 0: return Float(next() % 1_000_000) / 7_000  // spread
                case 1: return Float(next() % 3)  // heavy ties, zeros
                case 2: return Float(i) * 1e-4  // sorted, tiny
                case 3: return Float(next() % 2000) - 1000.5  // negative and positive
                case 4: return next() % 100 == 0 ? 50 : (i % 2 == 0 ? 0.125 : -0.0)  // two values and −0, a few outliers
                case 5: return 1 + Float(next() % 20_000) * 1.2e-7  // thousands of distinct values about an ulp apart
                case 6: return next() % 3 == 0 ? 0 : Float(-log(Double(next() % 100_000 + 1) / 100_001)) * 0.05  // waits: zeros and a tail
                default: return Float(-log(Double(next() % 100_000 + 1) / 100_001)) * 0.1  // exponential
                }
            }
            let viaDoubles = Percentiles(values.map(Double.init))
            let viaFloats = Percentiles(floats: values)
            #expect(viaFloats == viaDoubles, "trial \(trial), n \(n)")
        }
    }
}
