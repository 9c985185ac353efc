/// Virtual time: integer microseconds since the start of a simulation.
///
/// Integer ticks never drift the way summed floating-point seconds do, and two events at the
/// same tick compare equal, so their order is decided by insertion order alone.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ticks: Int64

    public static let ticksPerSecond: Int64 = 1_000_000
    public static let zero = SimTime(ticks: 0)
    public static let infinity = SimTime(ticks: .max)

    public init(ticks: Int64) { self.ticks = ticks }

    /// Rounds to the nearest tick; negative and non-finite values clamp to zero / infinity.
    public init(seconds: Double) {
        if seconds.isNaN || seconds <= 0 {
            ticks = 0
        } else if seconds >= Double(Int64.max) / Double(Self.ticksPerSecond) {
            ticks = .max
        } else {
            ticks = Self.roundedPositive(seconds * Double(Self.ticksPerSecond))
        }
    }

    /// `Int64(x.rounded())` for 0 < x < 2⁶³, without the C library's `round` (a call per
    /// event on the engine's hot path): truncate, then round half away from zero on the
    /// fraction, which `x - Double(whole)` gives exactly (below 2⁵² the two share a binade or
    /// the whole part is 0; from 2⁵² on every value is whole).
    @inlinable static func roundedPositive(_ x: Double) -> Int64 {
        let whole = Int64(x)
        return x - Double(whole) >= 0.5 ? whole + 1 : whole
    }

    public static func seconds(_ s: Double) -> SimTime { SimTime(seconds: s) }
    public static func milliseconds(_ ms: Double) -> SimTime { SimTime(seconds: ms / 1000) }

    public var seconds: Double { Double(ticks) / Double(Self.ticksPerSecond) }

    public static func < (a: SimTime, b: SimTime) -> Bool { a.ticks < b.ticks }

    /// Saturating addition (`infinity` stays infinite).
    public static func + (a: SimTime, b: SimTime) -> SimTime {
        let (sum, overflow) = a.ticks.addingReportingOverflow(b.ticks)
        return SimTime(ticks: overflow ? .max : sum)
    }

    public static func - (a: SimTime, b: SimTime) -> SimTime {
        SimTime(ticks: a.ticks &- b.ticks)
    }

    /// "12.345678s".
    public var description: String {
        if ticks == .max { return "inf" }
        let whole = ticks / Self.ticksPerSecond
        let frac = abs(ticks % Self.ticksPerSecond)
        let digits = String(frac)
        return "\(whole).\(String(repeating: "0", count: 6 - digits.count))\(digits)s"
    }
}

extension Double {
    /// The value with a fixed number of decimals ("12.345"), without Foundation.
    public func fixed(_ decimals: Int) -> String {
        guard isFinite else { return isNaN ? "nan" : (self < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(self) * scale).rounded()
        guard scaled < 9.0e18 else { return "\(self)" }
        let n = Int64(scaled)
        let whole = n / Int64(scale)
        let frac = n % Int64(scale)
        let sign = self < 0 && n != 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let digits = String(frac)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
    }
}

extension String {
    /// The string followed by spaces up to `width` characters; a longer string is kept whole,
    /// followed by one space.
    public func padded(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
