/// The engine's hot path: a 4-ary min-heap of events ordered by (time, insertion sequence).
///
/// Entries are plain structs stored inline in one array, so scheduling an event allocates
/// nothing once the array has grown; events at the same time come out in the order they were
/// scheduled.
public struct EventQueue<Event> {
    @usableFromInline
    struct Entry {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event

        @inlinable init(time: Int64, sequence: UInt64, event: Event) {
            self.time = time
            self.sequence = sequence
            self.event = event
        }

        /// (time, sequence) < (other.time, other.sequence), as one 128-bit subtraction: its
        /// borrow is the answer. Without branches, so the heap's choice among four children
        /// costs no mispredicted jumps (the times being random, half the branches were).
        @inlinable func precedes(_ other: Entry) -> Bool {
            let high = UInt64(bitPattern: time) ^ (1 << 63), otherHigh = UInt64(bitPattern: other.time) ^ (1 << 63)
            let (_, lowBorrow) = sequence.subtractingReportingOverflow(other.sequence)
            let (difference, highBorrow) = high.subtractingReportingOverflow(otherHigh)
            let (_, carriedBorrow) = difference.subtractingReportingOverflow(lowBorrow ? 1 : 0)
            // At most one of the two borrows happens.
            return highBorrow != carriedBorrow
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }
    /// Events scheduled so far (popped or not).
    public var scheduledCount: UInt64 { nextSequence }

    /// The time of the next event, or `nil` when none is left.
    /// Inlinable so the simulator's loop gets a specialised copy (an unspecialised one looked up
    /// the generic entry type's metadata on every event).
    @inlinable public var nextTime: SimTime? { heap.isEmpty ? nil : SimTime(ticks: heap[0].time) }

    public mutating func reserveCapacity(_ n: Int) { heap.reserveCapacity(n) }

    @inlinable
    public mutating func schedule(_ event: Event, at time: SimTime) {
        let entry = Entry(time: time.ticks, sequence: nextSequence, event: event)
        nextSequence &+= 1
        heap.append(entry)
        heap.withUnsafeMutableBufferPointer { h in Self.siftUp(entry, from: h.count - 1, in: h) }
    }

    /// Puts `entry` at the hole `start` or, moving later parents down, above it.
    @inlinable
    static func siftUp(_ entry: Entry, from start: Int, in h: UnsafeMutableBufferPointer<Entry>) {
        var i = start
        while i > 0 {
            let parent = (i - 1) >> 2
            if !entry.precedes(h[parent]) { break }
            h[i] = h[parent]
            i = parent
        }
        h[i] = entry
    }

    /// Removes and returns the earliest event.
    ///
    /// The heap is 4-ary (half the levels of a binary one, a node's children side by side in
    /// memory) and pops bottom-up (Floyd): the hole left at the root moves down along the
    /// earliest child to a leaf, then the last entry rises from there, which saves comparing it
    /// on the way down (it nearly always belongs near the bottom). Keys are unique, so the order
    /// events come out in does not depend on the heap's shape.
    @inlinable
    public mutating func pop() -> (time: SimTime, event: Event)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        let n = heap.count
        if n > 0 {
            heap.withUnsafeMutableBufferPointer { h in
                var i = 0
                while true {
                    let c = 4 * i + 1
                    if c >= n { break }
                    var best = c
                    var j = c + 1
                    let end = Swift.min(c + 4, n)
                    while j < end {
                        if h[j].precedes(h[best]) { best = j }
                        j += 1
                    }
                    h[i] = h[best]
                    i = best
                }
                Self.siftUp(last, from: i, in: h)
            }
        }
        return (SimTime(ticks: first.time), first.event)
    }
}
