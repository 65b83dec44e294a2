import Foundation
import HearthCore
import Testing

@Suite("Moderation rules")
struct ModerationRulesTests {
    @Test("working hours read days and times; the next start is the next working morning")
    func workingHours() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let hours = try #require(WorkingHours("mon-fri 09:00-18:00", timeZone: paris))
        #expect(hours.weekdays == [2, 3, 4, 5, 6])
        #expect(WorkingHours("sat,sun 10:00-12:00", timeZone: paris)?.weekdays == [1, 7])
        #expect(WorkingHours("fri-mon 08:00-20:00", timeZone: paris)?.weekdays == [6, 7, 1, 2])
        #expect(WorkingHours("09:00-18:00", timeZone: paris) != nil)
        for bad in ["", "mon-fri", "18:00-09:00", "mon-xyz 09:00-18:00", "09:00-25:00", "a b c"] {
            #expect(WorkingHours(bad, timeZone: paris) == nil, "\(bad)")
        }
        // Friday 2026-11-27 at 20:00 in Paris (19:00 UTC): the next start is Monday 09:00 in Paris.
        let friday = Date(timeIntervalSince1970: 1_795_806_000)
        #expect(!hours.isWorking(at: friday))
        #expect(hours.nextStart(after: friday) == Date(timeIntervalSince1970: 1_796_025_600))
        #expect(hours.isWorking(at: Date(timeIntervalSince1970: 1_796_025_600)))
    }

    @Test("a review cursor gives back its score exactly, and anything else is a clear error")
    func cursor() throws {
        for score in [0.38, 3.0000000001, 0, -1.5, 1e-9] {
            let cursor = ReviewCursor(score: score, id: ReviewItemID(42))
            #expect(try ReviewCursor(token: cursor.token) == cursor)
        }
        for bad in ["", "3.0_1", "0000000000000000_0", "00000000000000000_1", "zz_1", "0000000000000000_"] {
            #expect(throws: HearthError.self) { try ReviewCursor(token: bad) }
        }
    }

    @Test("the next penalty grows with the member's history")
    func suggestion() {
        func penalty(_ kind: Penalty.Kind) -> Penalty {
            Penalty(
                id: PenaltyID(1), memberID: MemberID(2), kind: kind, reason: "x", endsAt: nil, createdBy: nil,
                createdAt: Date(timeIntervalSince1970: 0), liftedAt: nil)
        }
        #expect(Penalty.suggestion(after: []).kind == .warn)
        #expect(
            Penalty.suggestion(after: [penalty(.warn)]).kind == .silence
                && Penalty.suggestion(after: [penalty(.warn)]).seconds == 3_600)
        #expect(
            Penalty.suggestion(after: [penalty(.warn), penalty(.silence)]).kind == .silence
                && Penalty.suggestion(after: [penalty(.warn), penalty(.silence)]).seconds == 86_400)
        #expect(
            Penalty.suggestion(after: [penalty(.silence), penalty(.silence)]).kind == .suspend
                && Penalty.suggestion(after: [penalty(.silence), penalty(.silence)]).seconds == 3 * 86_400)
        #expect(
            Penalty.suggestion(after: [penalty(.suspend)]).kind == .suspend
                && Penalty.suggestion(after: [penalty(.suspend)]).seconds == 7 * 86_400)
    }
}
