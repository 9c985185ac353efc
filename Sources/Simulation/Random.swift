#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same sequence on every platform; nothing reads the wall clock.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An independent generator for a sub-stream (e.g. one per function or workload), so that
    /// adding a consumer does not shift the numbers the others see.
    public mutating func fork() -> RandomSource {
        RandomSource(seed: next())
    }
}

/// A distribution of non-negative values (durations in seconds, sizes, …).
public enum Distribution: Hashable, Sendable {
    case constant(Double)
    case uniform(min: Double, max: Double)
    case exponential(mean: Double)
    /// Normal, with optional bounds (values outside are redrawn, then clamped).
    case normal(mean: Double, standardDeviation: Double, min: Double? = nil, max: Double? = nil)
    /// Lognormal given by its median (e^mu) and sigma, with optional bounds.
    case lognormal(median: Double, sigma: Double, min: Double? = nil, max: Double? = nil)
    /// Each observed value equally likely.
    case empirical([Double])

    /// Draws one value.
    public func sample(using rng: inout RandomSource) -> Double {
        switch self {
        case .constant(let v):
            return v
        case .uniform(let a, let b):
            return a + (b - a) * rng.nextUnit()
        case .exponential(let mean):
            return -mean * log(1 - rng.nextUnit())
        case .normal(let mean, let sd, let lo, let hi):
            return Self.bounded(lo, hi, &rng) { mean + sd * Self.standardNormal(&$0) }
        case .lognormal(let median, let sigma, let lo, let hi):
            return Self.bounded(lo, hi, &rng) { median * exp(sigma * Self.standardNormal(&$0)) }
        case .empirical(let values):
            guard !values.isEmpty else { return 0 }
            return values[Int(rng.next() % UInt64(values.count))]
        }
    }

    /// The distribution's mean (for bounded ones, of the unbounded form).
    public var mean: Double {
        switch self {
        case .constant(let v): return v
        case .uniform(let a, let b): return (a + b) / 2
        case .exponential(let m): return m
        case .normal(let m, _, _, _): return m
        case .lognormal(let median, let sigma, _, _): return median * exp(sigma * sigma / 2)
        case .empirical(let values): return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
    }

    static func bounded(_ lo: Double?, _ hi: Double?, _ rng: inout RandomSource, _ draw: (inout RandomSource) -> Double) -> Double {
        var v = draw(&rng)
        var tries = 0
        while (lo.map { v < $0 } ?? false) || (hi.map { v > $0 } ?? false) {
            tries += 1
            if tries > 32 { return min(max(v, lo ?? v), hi ?? v) }
            v = draw(&rng)
        }
        return v
    }

    /// Box–Muller (one value per call; simple and deterministic).
    static func standardNormal(_ rng: inout RandomSource) -> Double {
        let u1 = max(rng.nextUnit(), 1e-300)
        let u2 = rng.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

