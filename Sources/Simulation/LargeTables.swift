// Tables that grow without stalls: the live playground's and the cluster model's per-pod and
// per-Event tables reach tens of thousands of entries, and a `Dictionary` or `Array` that doubles
// in one piece rehashes or copies all of them inside one virtual instant.

/// A dictionary split into 64 smaller ones by the keys' hash, for large tables (tens of
/// thousands of Events and Pods): when one grows it rehashes a 64th of the entries, so a
/// growing table never stalls the simulation for tens of milliseconds at once.
/// Unordered, like `Dictionary`.
public struct ShardedDictionary<Key: Hashable, Value>: ExpressibleByDictionaryLiteral {
    @usableFromInline var shards: [[Key: Value]]
    @usableFromInline var entries = 0
    @inlinable public var count: Int { entries }

    @inlinable public init() { shards = Array(repeating: [:], count: 64) }

    @inlinable public init(dictionaryLiteral elements: (Key, Value)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }

    /// The top six bits of the key's hash: the shards' own tables index by the low bits.
    @inlinable @inline(__always) static func shard(_ key: Key) -> Int {
        Int(truncatingIfNeeded: UInt(bitPattern: key.hashValue) >> 58)
    }

    @inlinable public var isEmpty: Bool { count == 0 }

    @inlinable public subscript(key: Key) -> Value? {
        get { shards[Self.shard(key)][key] }
        set {
            let s = Self.shard(key)
            if let newValue {
                if shards[s].updateValue(newValue, forKey: key) == nil { entries += 1 }
            } else if shards[s].removeValue(forKey: key) != nil {
                entries -= 1
            }
        }
    }

    @inlinable public subscript(key: Key, default value: @autoclosure () -> Value) -> Value {
        get { self[key] ?? value() }
        _modify {
            let s = Self.shard(key)
            if shards[s][key] == nil { entries += 1 }
            yield &shards[s][key, default: value()]
        }
    }

    @inlinable public var values: [Value] {
        var out: [Value] = []
        out.reserveCapacity(count)
        for shard in shards { out.append(contentsOf: shard.values) }
        return out
    }

    @inlinable public var keys: [Key] {
        var out: [Key] = []
        out.reserveCapacity(count)
        for shard in shards { out.append(contentsOf: shard.keys) }
        return out
    }
}

/// An array kept in chunks of 1,024 elements: appending never copies the elements already
/// there (an `Array` of 8,192 pods doubling copied megabytes and faulted in fresh pages in one
/// instant). Indexed from 0 like `Array`.
public struct SegmentedArray<Element>: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral {
    @usableFromInline static var shift: Int { 10 }
    @usableFromInline static var chunkSize: Int { 1 << shift }
    @usableFromInline var chunks: [[Element]] = []
    @usableFromInline var elements = 0
    @inlinable public var count: Int { elements }

    @inlinable public init() {}

    @inlinable public init(arrayLiteral items: Element...) {
        for e in items { append(e) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "index out of range")
            return chunks[position >> Self.shift][position & (Self.chunkSize - 1)]
        }
        _modify {
            precondition(position >= 0 && position < count, "index out of range")
            yield &chunks[position >> Self.shift][position & (Self.chunkSize - 1)]
        }
    }

    @inlinable public mutating func append(_ element: Element) {
        if elements & (Self.chunkSize - 1) == 0 {
            // The first chunk grows as an Array does (a small simulation needs no 1,024 slots);
            // the later ones are whole from the start.
            var chunk: [Element] = []
            if !chunks.isEmpty { chunk.reserveCapacity(Self.chunkSize) }
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        elements += 1
    }

    /// Room for `n` elements in all: only the list of chunks is reserved (chunks come as needed).
    @inlinable public mutating func reserveCapacity(_ n: Int) {
        chunks.reserveCapacity((n + Self.chunkSize - 1) >> Self.shift)
    }
}

extension ShardedDictionary: Sendable where Key: Sendable, Value: Sendable {}
extension SegmentedArray: Sendable where Element: Sendable {}
