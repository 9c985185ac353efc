/// A dictionary split into 64 smaller ones by the keys' hash, for the playground's large
/// tables (tens of thousands of Events and Pods): when one grows it rehashes a 64th of the
/// entries, so a growing table never stalls the simulation for tens of milliseconds at once.
/// Unordered, like `Dictionary`.
struct ShardedDictionary<Key: Hashable, Value>: ExpressibleByDictionaryLiteral {
    private var shards: [[Key: Value]]
    private(set) var count = 0

    init() { shards = Array(repeating: [:], count: 64) }

    init(dictionaryLiteral elements: (Key, Value)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }

    /// The top six bits of the key's hash: the shards' own tables index by the low bits.
    @inline(__always) private static func shard(_ key: Key) -> Int { Int(truncatingIfNeeded: UInt(bitPattern: key.hashValue) >> 58) }

    var isEmpty: Bool { count == 0 }

    subscript(key: Key) -> Value? {
        get { shards[Self.shard(key)][key] }
        set {
            let s = Self.shard(key)
            if let newValue {
                if shards[s].updateValue(newValue, forKey: key) == nil { count += 1 }
            } else if shards[s].removeValue(forKey: key) != nil {
                count -= 1
            }
        }
    }

    subscript(key: Key, default value: @autoclosure () -> Value) -> Value {
        get { self[key] ?? value() }
        _modify {
            let s = Self.shard(key)
            if shards[s][key] == nil { count += 1 }
            yield &shards[s][key, default: value()]
        }
    }

    var values: [Value] {
        var out: [Value] = []
        out.reserveCapacity(count)
        for shard in shards { out.append(contentsOf: shard.values) }
        return out
    }

    var keys: [Key] {
        var out: [Key] = []
        out.reserveCapacity(count)
        for shard in shards { out.append(contentsOf: shard.keys) }
        return out
    }
}
