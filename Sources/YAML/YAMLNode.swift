/// A YAML value: the node tree that ``YAMLEmitter`` writes and ``YAMLParser`` reads.
///
/// Mappings keep their keys in insertion order, so emitted documents are deterministic and
/// follow the order in which the caller built them. Keys are strings: Kubernetes objects,
/// templates and scenario files never need anything else.
///
/// ```swift
/// let node: YAMLNode = .mapping(["name": "web", "replicas": .int(2)])
/// let text = try YAMLEmitter().emit(node)   // "name: web\nreplicas: 2\n"
/// ```
public enum YAMLNode: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// Always a string: the emitter quotes it whenever a YAML 1.1 or 1.2 reader could take it
    /// for another type (`yes`, `0123`, `null`, `1e3`, …).
    case string(String)
    case sequence([YAMLNode])
    case mapping(YAMLMapping)

    /// The mapping inside this node, or `nil`.
    public var mapping: YAMLMapping? {
        if case .mapping(let m) = self { return m }
        return nil
    }

    /// The elements of this sequence, or `nil`.
    public var sequence: [YAMLNode]? {
        if case .sequence(let s) = self { return s }
        return nil
    }

    /// The string inside this node, or `nil` for any other kind.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer inside this node, or `nil`.
    public var int: Int? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// A number as a double (integers included), or `nil`.
    public var double: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    /// The boolean inside this node, or `nil`.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// A short name of the node's kind, for error messages ("a string", "a mapping", …).
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }

    /// The value at `key` when this node is a mapping.
    public subscript(key: String) -> YAMLNode? {
        mapping?[key]
    }
}

extension YAMLNode: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: YAMLNode...) { self = .sequence(elements) }
    public init(dictionaryLiteral elements: (String, YAMLNode)...) {
        self = .mapping(YAMLMapping(elements))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// An ordered mapping from string keys to ``YAMLNode`` values.
///
/// Setting an existing key replaces its value in place; a new key goes to the end. Look-ups
/// are linear for small mappings and go through a key index once a mapping has more than
/// ``indexThreshold`` entries, so building and reading a wide mapping stays linear overall.
public struct YAMLMapping: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var value: YAMLNode
        public init(key: String, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    /// Mappings with more entries than this keep a key → position index.
    static let indexThreshold = 16

    public private(set) var entries: [Entry]
    /// Position of each key; `nil` while the mapping is small.
    private var index: [String: Int]?

    public init() {
        entries = []
        index = nil
    }

    /// Builds a mapping from pairs; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, YAMLNode) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, YAMLNode)...) {
        self.init(elements)
    }

    public static func == (a: YAMLMapping, b: YAMLMapping) -> Bool { a.entries == b.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }

    public var keys: [String] { entries.map(\.key) }

    /// Where `key` is, if it is there.
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        return entries.firstIndex(where: { $0.key == key })
    }

    public subscript(key: String) -> YAMLNode? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let i = position(of: key) {
                if let newValue {
                    entries[i].value = newValue
                } else {
                    entries.remove(at: i)
                    rebuildIndex()
                }
            } else if let newValue {
                appendUnchecked(key: key, value: newValue)
            }
        }
    }

    /// Sets `value` at `key` unless it is `nil`: handy when building objects with optional fields.
    public mutating func set(_ key: String, _ value: YAMLNode?) {
        if let value { self[key] = value }
    }

    /// Appends an entry without looking for an existing key (the caller knows it is new).
    mutating func appendUnchecked(key: String, value: YAMLNode) {
        entries.append(Entry(key: key, value: value))
        if index != nil {
            index?[key] = entries.count - 1
        } else if entries.count > Self.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        guard entries.count > Self.indexThreshold else {
            index = nil
            return
        }
        var built: [String: Int] = [:]
        built.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where built[e.key] == nil { built[e.key] = i }
        index = built
    }
}
