import Blueprint
import Testing

@testable import KubeAPI

@Suite struct ClockTests {
    static func change(_ rv: Int) -> WatchEvent {
        WatchEvent(type: "ADDED", resource: "pods", namespace: "ns",
                   stored: StoredObject(["metadata": .object(["name": .string("p\(rv)")])], resourceVersion: rv))
    }

    @Test func theChangeLogKeepsTheLatestChangesInOrder() {
        var log = ChangeLog(capacity: 3)
        #expect(log.changes(after: 1)?.isEmpty == true)
        for rv in 2...6 { log.append(Self.change(rv)) }
        #expect(log.count == 3)
        #expect(log.first?.resourceVersion == 4)
        #expect((0..<3).map { log[$0].resourceVersion } == [4, 5, 6])
        #expect(log.changes(after: 4)?.map(\.resourceVersion) == [5, 6])
        #expect(log.changes(after: 3)?.map(\.resourceVersion) == [4, 5, 6])
        #expect(log.changes(after: 6)?.isEmpty == true)
        // Changes 3 and older are gone: a watch from before them must relist (410 Gone).
        #expect(log.changes(after: 2) == nil)
        log.append(Self.change(7))
        #expect(log.changes(after: 4)?.map(\.resourceVersion) == [5, 6, 7])
        #expect(log.changes(after: 3) == nil)
    }

    @Test func theSustainedSpeedLetsQuietSecondsWinBackBusyOnes() {
        // 5 ms per virtual second: at speed 200 each second takes all of its own second of the clock.
        let steady = ClockBudget.sustainedSpeed(wallSeconds: Array(repeating: 0.005, count: 1000), lag: 1)
        #expect(abs(steady - 200) < 0.01)
        // One busy second among quiet ones: its 30 ms may fall in one instant, 2 virtual s
        // behind at speed 66.7 while it is worked on.
        var one = Array(repeating: 0.001, count: 100)
        one[50] = 0.03
        #expect(abs(ClockBudget.sustainedSpeed(wallSeconds: one, lag: 2) - 2 / 0.03) < 0.01)
        #expect(abs(ClockBudget.sustainedSpeed(wallSeconds: one, lag: 0.5) - 0.5 / 0.03) < 0.01)
        // Three busy seconds in a row count together: each leaves s·15 ms − 1 s behind it, so
        // with 2 s of slack the third allows speed 88.9, less than the first alone (133).
        var three = Array(repeating: 0.001, count: 100)
        three[10] = 0.015; three[11] = 0.015; three[12] = 0.015
        #expect(abs(ClockBudget.sustainedSpeed(wallSeconds: three, lag: 2) - 4 / 0.045) < 0.01)
        #expect(ClockBudget.sustainedSpeed(wallSeconds: [], lag: 1) == .infinity)
    }

    @Test func theClockLoopWaitsForWhatIsDue() {
        let busy = Duration.milliseconds(1), idle = Duration.milliseconds(20)
        // Nothing but periodic ticks: the idle period.
        #expect(ClockBudget.wait(untilDue: nil, speed: 100, busy: busy, idle: idle) == idle)
        // Something due now or within a tick: the busy period.
        #expect(ClockBudget.wait(untilDue: 0, speed: 100, busy: busy, idle: idle) == busy)
        #expect(ClockBudget.wait(untilDue: 0.05, speed: 100, busy: busy, idle: idle) == busy)
        // Due in 0.5 virtual s at speed 100: 5 ms of the clock; in 10 s at speed 20, at most the idle period.
        #expect(ClockBudget.wait(untilDue: 0.5, speed: 100, busy: busy, idle: idle) == .milliseconds(5))
        #expect(ClockBudget.wait(untilDue: 10, speed: 20, busy: busy, idle: idle) == idle)
        // A speed far below 1 makes no Duration too large to hold.
        #expect(ClockBudget.wait(untilDue: 15, speed: 1e-20, busy: busy, idle: idle) == idle)
    }

    @Test func theClockLoopSleepsOnlyWhenItIsAhead() {
        let t0 = ContinuousClock.now
        #expect(ClockBudget.nextTick(after: t0, period: .milliseconds(10), now: t0 + .milliseconds(5)) == t0 + .milliseconds(10))
        #expect(ClockBudget.nextTick(after: t0, period: .milliseconds(10), now: t0 + .milliseconds(10)) == nil)
        #expect(ClockBudget.nextTick(after: t0, period: .milliseconds(10), now: t0 + .milliseconds(25)) == nil)
    }
}
