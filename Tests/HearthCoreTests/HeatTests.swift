import Foundation
import HearthCore
import Testing

@Suite("Heat")
struct HeatTests {
    let rules = HeatRules()
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    func run(_ replies: [(Int64, Double)], every seconds: TimeInterval, from state: HeatState = HeatState())
        -> HeatState
    {
        var state = state
        for (index, (author, toxicity)) in replies.enumerated() {
            state = rules.step(
                state,
                HeatEvent(
                    .reply(author: MemberID(author), toxicity: toxicity),
                    at: start.addingTimeInterval(Double(index) * seconds)))
        }
        return state
    }

    @Test("two members trading sharp replies heat a topic; it cools when they stop")
    func quarrel() {
        let quarrel = run((0..<12).map { ($0 % 2 == 0 ? 1 : 2, 0.6) }, every: 90)
        #expect(quarrel.isHeated, "\(quarrel.score) \(quarrel.reasons)")
        #expect(quarrel.exchanges >= 9)
        #expect(quarrel.reasons.contains { $0.hasPrefix("back and forth") })
        // An hour of silence, then one calm reply: the pace and the duel are gone.
        let later = rules.step(
            quarrel,
            HeatEvent(.reply(author: MemberID(3), toxicity: 0.02), at: quarrel.updatedAt.addingTimeInterval(3_600)))
        #expect(!later.isHeated, "\(later.score)")
        // Silence alone cools it, when it is read later.
        #expect(!rules.cooled(quarrel, at: quarrel.updatedAt.addingTimeInterval(3_600)).isHeated)
        #expect(rules.cooled(quarrel, at: quarrel.updatedAt.addingTimeInterval(60)).isHeated)
    }

    @Test("the same pace between many friendly people, or two friendly ones, is not heat")
    func calm() {
        let crowd = run((0..<16).map { (Int64($0 % 8), 0.05) }, every: 30)
        #expect(!crowd.isHeated && crowd.score < 0.3, "\(crowd.score)")
        let friends = run((0..<12).map { ($0 % 2 == 0 ? 1 : 2, 0.05) }, every: 90)
        #expect(!friends.isHeated, "\(friends.score)")
    }

    @Test("flags add heat and leak away with time")
    func flags() {
        var state = run([(1, 0.3), (2, 0.3)], every: 60)
        let before = state.score
        for index in 0..<3 {
            state = rules.step(state, HeatEvent(.flag, at: start.addingTimeInterval(120 + Double(index))))
        }
        #expect(state.score > before + 0.2)
        let hoursLater = rules.step(
            state, HeatEvent(.reply(author: MemberID(1), toxicity: 0.3), at: start.addingTimeInterval(4 * 3_600)))
        #expect(hoursLater.flags == 0)
    }
}
