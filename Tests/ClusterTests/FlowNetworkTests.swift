import Cluster
import Testing

@Suite("Max-min fair flow network")
struct FlowNetworkTests {
    @Test("a lone flow runs at the slower of its two links")
    func lone() {
        var net = FlowNetwork(nodeBandwidth: [100], sourceBandwidth: [1000])
        let f = net.start(node: 0, source: 0, bytes: 100, at: 0)
        #expect(net.rate(of: f) == 100)
        let next = net.nextCompletion()
        #expect(next == 1)
    }

    @Test("flows through a shared uplink split it evenly")
    func sharedUplink() {
        var net = FlowNetwork(nodeBandwidth: [100, 100, 100, 100], sourceBandwidth: [200])
        let flows = (0..<4).map { net.start(node: $0, source: 0, bytes: 100, at: 0) }
        #expect(flows.map { net.rate(of: $0) } == [50, 50, 50, 50])
    }

    @Test("a flow held back elsewhere leaves its share to the others (max-min)")
    func maxMin() {
        // Node 0 has a flow from a slow registry (source 1, 20 B/s) and one from storage.
        var net = FlowNetwork(nodeBandwidth: [100, 100], sourceBandwidth: [120, 20])
        let slow = net.start(node: 0, source: 1, bytes: 1000, at: 0)
        let fast0 = net.start(node: 0, source: 0, bytes: 1000, at: 0)
        let fast1 = net.start(node: 1, source: 0, bytes: 1000, at: 0)
        #expect(net.rate(of: slow) == 20)
        // Storage (120) is shared by fast0 and fast1; node 0 has 80 left for fast0.
        #expect(net.rate(of: fast0) == 60)
        #expect(net.rate(of: fast1) == 60)
    }

    @Test("rates on every saturated link sum to its capacity, never above any link")
    func capacities() {
        var rng = SplitMix(seed: 7)
        let nodes = 12
        var net = FlowNetwork(nodeBandwidth: (0..<nodes).map { _ in Double(50 + rng.next() % 100) }, sourceBandwidth: [300, 40, 500])
        var flows: [(FlowNetwork.FlowID, Int, Int)] = []
        for _ in 0..<40 {
            let node = Int(rng.next() % UInt64(nodes)), source = Int(rng.next() % 3)
            flows.append((net.start(node: node, source: source, bytes: 1e9, at: 0), node, source))
        }
        let nodeBW = (0..<nodes).map { n in flows.filter { $0.1 == n }.reduce(0.0) { $0 + net.rate(of: $1.0) } }
        let sourceBW = (0..<3).map { s in flows.filter { $0.2 == s }.reduce(0.0) { $0 + net.rate(of: $1.0) } }
        for s in 0..<3 { #expect(sourceBW[s] <= [300.0, 40, 500][s] + 1e-6) }
        // Max-min: every flow crosses at least one saturated link.
        for (flow, node, source) in flows {
            let nodeCap = net.nodeCapacity(node), sourceCap = [300.0, 40, 500][source]
            let saturated = abs(nodeBW[node] - nodeCap) < 1e-6 || abs(sourceBW[source] - sourceCap) < 1e-6
            #expect(saturated, "flow \(flow.raw) at \(net.rate(of: flow)) has no bottleneck")
            #expect(nodeBW[node] <= nodeCap + 1e-6)
        }
    }

    @Test("shares are recomputed when a flow starts and when one ends")
    func timeline() {
        var net = FlowNetwork(nodeBandwidth: [1], sourceBandwidth: [10])
        let a = net.start(node: 0, source: 0, bytes: 1, at: 0)
        let b = net.start(node: 0, source: 0, bytes: 1, at: 0.5)
        #expect(net.rate(of: a) == 0.5)
        #expect(abs(net.remaining(of: a, at: 0.5) - 0.5) < 1e-9)
        let t1 = net.nextCompletion() ?? 0
        #expect(abs(t1 - 1.5) < 1e-9)
        let first = net.complete(at: t1)
        #expect(first.map(\.flow) == [a])
        #expect(net.rate(of: b) == 1)
        let t2 = net.nextCompletion() ?? 0
        #expect(abs(t2 - 2.0) < 1e-9)
        let second = net.complete(at: t2)
        #expect(second.map(\.flow) == [b])
        #expect(net.activeFlows == 0)
        let none = net.nextCompletion()
        #expect(none == nil)
    }

    @Test("cancelling a node's flows frees its share")
    func cancel() {
        var net = FlowNetwork(nodeBandwidth: [100, 100], sourceBandwidth: [100])
        _ = net.start(node: 0, source: 0, bytes: 1000, at: 0)
        let other = net.start(node: 1, source: 0, bytes: 1000, at: 0)
        #expect(net.rate(of: other) == 50)
        let cancelled = net.cancelAll(node: 0, at: 1)
        #expect(cancelled.count == 1)
        #expect(net.rate(of: other) == 100)
        #expect(abs(net.remaining(of: other, at: 1) - 950) < 1e-9)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
