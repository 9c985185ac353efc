/// The store's recent changes, oldest first, in a ring of fixed capacity: a change beyond it
/// replaces the oldest one. Dropping one change per write spreads the release of old object
/// versions evenly; trimming a block at once stalled the simulation every few thousand writes.
struct ChangeLog: RandomAccessCollection {
    let capacity: Int
    private var ring: [WatchEvent] = []
    /// Index in `ring` of the oldest change once the ring is full.
    private var head = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a change log holds at least one change")
        self.capacity = capacity
        // Address space only until used: the ring never grows by copying.
        ring.reserveCapacity(capacity)
    }

    var startIndex: Int { 0 }
    var endIndex: Int { ring.count }

    /// The change at `position` counted from the oldest.
    subscript(position: Int) -> WatchEvent {
        precondition(position >= 0 && position < ring.count, "change log position out of range")
        let i = head + position
        return ring[i < ring.count ? i : i - ring.count]
    }

    mutating func append(_ event: WatchEvent) {
        if ring.count < capacity {
            ring.append(event)
        } else {
            ring[head] = event
            head = head + 1 == capacity ? 0 : head + 1
        }
    }

    /// Changes after `resourceVersion`, oldest first, or nil when the log no longer reaches
    /// back that far (the client must relist: 410 Gone). Changes are appended in
    /// resourceVersion order, so a binary search finds the first newer one.
    func changes(after resourceVersion: Int) -> Slice<ChangeLog>? {
        guard let first else { return self[...] }
        if resourceVersion < first.resourceVersion - 1 { return nil }
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid].resourceVersion <= resourceVersion { lo = mid + 1 } else { hi = mid }
        }
        return self[lo...]
    }
}
