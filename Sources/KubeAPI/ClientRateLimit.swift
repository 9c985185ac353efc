import Simulation

/// A Kubernetes client's rate limit (client-go's token bucket): `burst` calls at once, then
/// `rate` calls per second. Kept in virtual time, so it is deterministic.
struct ClientRateLimit {
    let rate: Double
    let burst: Int
    private(set) var tokens: Double
    private var updated: SimTime = .zero

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = max(1, burst)
        tokens = Double(max(1, burst))
    }

    var isLimited: Bool { rate > 0 }

    /// Takes up to `wanted` tokens at `now`; returns how many calls may be made.
    mutating func take(_ wanted: Int, at now: SimTime) -> Int {
        guard isLimited, wanted > 0 else { return max(0, wanted) }
        if now > updated {
            // A hair over the exact refill absorbs the rounding of tick arithmetic.
            tokens = min(Double(burst), tokens + (now - updated).seconds * rate + 1e-9)
            updated = now
        }
        let granted = min(wanted, Int(tokens.rounded(.down)))
        tokens -= Double(granted)
        return granted
    }

    /// When the next whole token is there (nil without a limit): at least one tick after `now`.
    func nextToken(after now: SimTime) -> SimTime? {
        guard isLimited else { return nil }
        // Rounded up to a whole tick, so the token is whole when the timer fires.
        let missing = max(0, 1 - tokens)
        let ticks = (missing / rate * Double(SimTime.ticksPerSecond)).rounded(.up)
        let at = updated + SimTime(ticks: ticks < 1e15 ? Int64(ticks) : Int64(1e15))
        return max(at, now + SimTime(ticks: 1))
    }
}
