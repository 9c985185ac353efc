import Testing

@testable import Simulation

@Suite struct LargeTablesTests {
    @Test func aSegmentedArrayIsAnArrayAcrossChunks() {
        var a = SegmentedArray<Int>()
        #expect(a.isEmpty)
        a.reserveCapacity(5000)
        for i in 0..<5000 { a.append(i * 2) }
        #expect(a.count == 5000)
        #expect(a.chunks.count == 5)
        // Across a chunk boundary (1,024) and at the ends.
        #expect(a[0] == 0)
        #expect(a[1023] == 2046)
        #expect(a[1024] == 2048)
        #expect(a[4999] == 9998)
        a[1024] += 1
        a[4999] = -1
        #expect(a[1024] == 2049)
        #expect(a[4999] == -1)
        #expect(Array(a.prefix(3)) == [0, 2, 4])
        #expect(a.indices == 0..<5000)
        #expect(a.filter { $0 < 0 }.count == 1)
        let sum: Int = a.reduce(0, +)
        let expected: Int = (0..<5000).reduce(0) { $0 + $1 * 2 } + 1 - 9999
        #expect(sum == expected)
        let literal: SegmentedArray = [3, 1, 2]
        #expect(Array(literal) == [3, 1, 2])
        #expect(Array(literal.sorted()) == [1, 2, 3])
    }

    @Test func aShardedDictionaryCountsAndFindsItsKeys() {
        var d = ShardedDictionary<String, Int>()
        for i in 0..<3000 { d["k\(i)"] = i }
        #expect(d.count == 3000)
        d["k7"] = 70
        #expect(d.count == 3000 && d["k7"] == 70)
        d["k8"] = nil
        d["missing"] = nil
        #expect(d.count == 2999 && d["k8"] == nil)
        d["new", default: 0] += 5
        d["k9", default: 0] += 1
        #expect(d.count == 3000 && d["new"] == 5 && d["k9"] == 10)
        #expect(Set(d.keys).count == 3000 && d.values.count == 3000)
        #expect(d.keys.contains("k2999") && !d.keys.contains("k8"))
    }
}
