/// A container image: per-architecture variants, each a list of layers.
///
/// Layers with the same digest are the same bytes: a node that has pulled one image's base
/// layer does not pull it again for another image.
public struct ImageSpec: Hashable, Sendable {
    public struct Layer: Hashable, Sendable {
        public var digest: String
        public var sizeBytes: Int64
        public init(digest: String, sizeBytes: Int64) {
            self.digest = digest
            self.sizeBytes = sizeBytes
        }
    }

    public var name: String
    /// Layers per architecture; an architecture not listed cannot run the image.
    public var variants: [Architecture: [Layer]]
    /// Registries that hold the image, in preference order (names of ``RegistrySpec``).
    public var registries: [String]

    public init(name: String, variants: [Architecture: [Layer]], registries: [String] = []) {
        self.name = name
        self.variants = variants
        self.registries = registries
    }

    /// An image whose every variant is one layer of the given size.
    public static func single(_ name: String, sizes: [Architecture: Int64], registries: [String] = []) -> ImageSpec {
        ImageSpec(name: name, variants: sizes.mapValues { [Layer(digest: "\(name)@\($0)", sizeBytes: $0)] }, registries: registries)
    }

    public func size(for architecture: Architecture) -> Int64? {
        variants[architecture].map { $0.reduce(0) { $0 + $1.sizeBytes } }
    }
}

/// Where images come from: a registry reached over its uplink, with a round trip per request.
public struct RegistrySpec: Hashable, Sendable {
    public var name: String
    /// Uplink bandwidth in bytes per second, shared by every pull from this registry.
    public var bandwidth: Double
    /// Round-trip time before each layer transfer starts, in seconds.
    public var roundTrip: Double

    public init(name: String, bandwidth: Double = Units.gbps, roundTrip: Double = 0.05) {
        self.name = name
        self.bandwidth = bandwidth
        self.roundTrip = roundTrip
    }
}

/// The cluster's main storage: a cache of layers pulled from registries, shared by all nodes
/// over its own uplink (like a pull-through registry mirror).
public struct StorageSpec: Hashable, Sendable {
    public var bandwidth: Double
    public var capacityBytes: Int64
    public var roundTrip: Double

    public init(bandwidth: Double = 10 * Units.gbps, capacityBytes: Int64 = 1000 * Units.GB, roundTrip: Double = 0.001) {
        self.bandwidth = bandwidth
        self.capacityBytes = capacityBytes
        self.roundTrip = roundTrip
    }
}
