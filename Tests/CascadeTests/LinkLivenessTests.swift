import Cascade
import Testing

/// Ping/pong liveness driven by a fake clock: every instant is `start` plus
/// a duration, so nothing depends on how fast the test runs.
@Suite struct LinkLivenessTests {
    private let start = ContinuousClock.now

    private func at(_ milliseconds: Int) -> ContinuousClock.Instant {
        start + .milliseconds(milliseconds)
    }

    /// The token of a ping that must be due `now`.
    private func ping(_ link: inout LinkLiveness, now: ContinuousClock.Instant) throws -> UInt64 {
        let token = link.pingDue(now: now)
        return try #require(token)
    }

    /// A link that is up after one pong answered in `rtt` ms of the ping at `start`.
    private func upLink(rtt: Int = 10) -> LinkLiveness {
        var link = LinkLiveness(interval: .milliseconds(100), missLimit: 3, now: start)
        let token = link.pingDue(now: start)!
        #expect(link.pongReceived(token: token, now: at(rtt)) == .wentUp)
        return link
    }

    @Test func firstPingIsDueImmediatelyThenEveryInterval() {
        var link = LinkLiveness(interval: .milliseconds(100), now: start)
        #expect(link.state == .down)
        #expect(link.nextDeadline == start)
        #expect(link.pingDue(now: start) == 0)
        #expect(link.pingDue(now: start) == nil)
        #expect(link.pingDue(now: at(99)) == nil)
        #expect(link.nextDeadline == at(100))
        #expect(link.pingDue(now: at(100)) == 100_000_000)
        #expect(link.pingDue(now: at(150)) == nil)
        // A late call: the next ping is one interval after the late one.
        #expect(link.pingDue(now: at(230)) == 230_000_000)
        #expect(link.nextDeadline == at(330))
    }

    @Test func pongBringsTheLinkUpWithItsRTT() throws {
        var link = LinkLiveness(interval: .milliseconds(100), now: start)
        let token = try ping(&link, now: start)
        #expect(link.smoothedRTT == nil)
        #expect(link.rttMilliseconds == nil)
        #expect(link.pongReceived(token: token, now: at(12)) == .wentUp)
        #expect(link.state == .up)
        #expect(link.lastRTT == .milliseconds(12))
        #expect(link.smoothedRTT == .milliseconds(12))
        #expect(link.rttMilliseconds == 12)
    }

    @Test func secondPongIsNoTransition() throws {
        var link = upLink()
        let token = try ping(&link, now: at(100))
        #expect(link.pongReceived(token: token, now: at(108)) == nil)
        #expect(link.state == .up)
        #expect(link.lastRTT == .milliseconds(8))
    }

    @Test func threeMissedPongsTakeTheLinkDownOnce() {
        // Pings every 100 ms, answered in 10 ms until the one at 500 ms; the
        // bridge ticks every 10 ms and checks at every ping.
        var link = LinkLiveness(interval: .milliseconds(100), missLimit: 3, now: start)
        var transitions: [(Int, LinkLiveness.Transition)] = []
        var inFlight: [(token: UInt64, arrives: Int)] = []
        for now in stride(from: 0, through: 2_000, by: 10) {
            for pong in inFlight where pong.arrives == now {
                if let change = link.pongReceived(token: pong.token, now: at(now)) { transitions.append((now, change)) }
            }
            if let token = link.pingDue(now: at(now)) {
                if let change = link.check(now: at(now)) { transitions.append((now, change)) }
                if now <= 500 { inFlight.append((token, now + 10)) }
            }
        }
        // Last pong at 510 ms; pongs for the pings at 600, 700 and 800 never
        // come; the check at 900 ms (390 ms of silence > 3 × 100 ms) says down.
        #expect(transitions.map(\.0) == [10, 900])
        #expect(transitions.map(\.1) == [.wentUp, .wentDown])
        #expect(link.state == .down)
    }

    @Test func notDownWhileWithinTheMissLimit() {
        var link = upLink(rtt: 10)
        for now in [100, 200, 300] {
            _ = link.pingDue(now: at(now))
            #expect(link.check(now: at(now)) == nil)
        }
        // Exactly three intervals after the last pong is not yet "more than".
        #expect(link.check(now: at(310)) == nil)
        #expect(link.check(now: at(311)) == .wentDown)
        #expect(link.check(now: at(400)) == nil)
        #expect(link.check(now: at(5_000)) == nil)
    }

    @Test func aDownLinkComesBackUpOnTheNextPong() throws {
        var link = upLink()
        #expect(link.check(now: at(400)) == .wentDown)
        let token = try ping(&link, now: at(400))
        #expect(link.pongReceived(token: token, now: at(430)) == .wentUp)
        #expect(link.state == .up)
        #expect(link.lastRTT == .milliseconds(30))
        #expect(link.check(now: at(500)) == nil)
    }

    @Test func tokenFromTheFutureIsIgnored() {
        var link = LinkLiveness(interval: .milliseconds(100), now: start)
        _ = link.pingDue(now: start)
        #expect(link.pongReceived(token: 1_000_000_000, now: at(50)) == nil)
        #expect(link.pongReceived(token: .max, now: at(50)) == nil)
        #expect(link.state == .down)
        #expect(link.lastRTT == nil)
        #expect(link.smoothedRTT == nil)
        // It does not keep an up link alive either.
        var up = upLink()
        #expect(up.pongReceived(token: 10_000_000_000, now: at(300)) == nil)
        #expect(up.check(now: at(400)) == .wentDown)
    }

    @Test func markDownOnBye() {
        var link = upLink()
        #expect(link.markDown() == .wentDown)
        #expect(link.state == .down)
        #expect(link.markDown() == nil)
        #expect(link.check(now: at(1_000)) == nil)
        var never = LinkLiveness(now: start)
        #expect(never.markDown() == nil)
    }

    @Test func smoothedRTTMovesTowardNewSamples() throws {
        var link = LinkLiveness(interval: .milliseconds(100), now: start)
        var token = try ping(&link, now: start)
        _ = link.pongReceived(token: token, now: at(100))
        #expect(link.smoothedRTT == .milliseconds(100))
        // α = 1/8: 100 × 7/8 + 20 / 8 = 90.
        token = try ping(&link, now: at(100))
        _ = link.pongReceived(token: token, now: at(120))
        #expect(link.lastRTT == .milliseconds(20))
        #expect(link.smoothedRTT == .milliseconds(90))
        #expect(link.rttMilliseconds == 90)
        var previous = try #require(link.smoothedRTT)
        for sent in stride(from: 200, through: 6_000, by: 100) {
            token = try ping(&link, now: at(sent))
            _ = link.pongReceived(token: token, now: at(sent + 20))
            let smoothed = try #require(link.smoothedRTT)
            #expect(smoothed < previous)
            #expect(smoothed >= .milliseconds(20))
            previous = smoothed
        }
        #expect(previous < .milliseconds(21))
    }
}
