/// The engine's hot path: a binary min-heap of events ordered by (time, insertion sequence).
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

        @inlinable func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
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
        var i = heap.count
        let entry = Entry(time: time.ticks, sequence: nextSequence, event: event)
        nextSequence &+= 1
        heap.append(entry)
        while i > 0 {
            let parent = (i - 1) >> 1
            if !entry.precedes(heap[parent]) { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = entry
    }

    /// Removes and returns the earliest event.
    @inlinable
    public mutating func pop() -> (time: SimTime, event: Event)? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            var i = 0
            let n = heap.count
            while true {
                let left = 2 * i + 1
                if left >= n { break }
                var child = left
                let right = left + 1
                if right < n && heap[right].precedes(heap[left]) { child = right }
                if !heap[child].precedes(last) { break }
                heap[i] = heap[child]
                i = child
            }
            heap[i] = last
        }
        return (SimTime(ticks: first.time), first.event)
    }
}
