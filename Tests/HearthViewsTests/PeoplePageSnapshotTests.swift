import Foundation
import HearthCore
import Testing

@testable import HearthViews

/// `/people` with a segment and the equity of attention, and a member's standing on their profile, in each language.
extension PageSnapshotTests {
    @Test("the people page and a member's standing, in English and French", arguments: Language.allCases)
    func peoplePage(language: Language) async throws {
        let renderer = try await Renderer.load()
        let words = PeopleWords(localization: renderer.localization, language: language, timeZone: .gmt)
        let ana = MemberSummary(id: MemberID(2), handle: "ana", displayName: "Ana <Lopez>", role: .member)
        let leo = MemberSummary(id: MemberID(3), handle: "leo", displayName: "Léo", role: .member)
        let people = HearthCore.PeoplePage(
            segment: .shy,
            entries: [
                PersonEntry(
                    member: ana, joinedAt: Self.date,
                    reasons: [.unansweredQuestions(2), .readsWithoutPosting(daysVisited: 9, postsRead: 140)],
                    level: .participant, trust: .basic, rank: 31, topicID: TopicID(12)),
                PersonEntry(
                    member: leo, joinedAt: Self.date, reasons: [.postedOnce(Self.date, answered: false)],
                    level: .explorer, trust: .new, rank: 15),
            ],
            next: PeopleCursor(rank: 15, memberID: leo.id), computedAt: Self.date)
        let equity = AttentionEquity(
            days: 90,
            newcomers: GroupAttention(
                topics: 12, firstReplyP50: 5_400, firstReplyP90: 86_400, questions: 8, questionsAnswered: 5),
            regulars: GroupAttention(
                topics: 40, firstReplyP50: 1_800, firstReplyP90: 14_400, questions: 20, questionsAnswered: 19),
            staffReplies: 60, membersReached: 14, topFifthShare: 0.55,
            mostAttended: [
                AttendedMember(memberID: MemberID(4), handle: "vocal", replies: 21),
                AttendedMember(memberID: ana.id, handle: "ana", replies: 3),
            ])
        let page = HearthViews.PeoplePage(
            page: chrome(renderer, language, title: "People"), people: people, equity: (equity, Self.date),
            words: words)
        try check(
            main(try renderer.render(page, template: HearthViews.PeoplePage.template)), "people-\(language.rawValue)")

        let empty = HearthViews.PeoplePage(
            page: chrome(renderer, language, title: "People"),
            people: HearthCore.PeoplePage(segment: .power, entries: [], next: nil, computedAt: nil), equity: nil,
            words: words)
        let before = try renderer.render(empty, template: HearthViews.PeoplePage.template)
        #expect(before.contains(renderer.localization.text("people_notYet", language)))

        let standing = StandingView(
            MemberStanding(
                trust: .regular, trustLocked: true, level: .contributor, move: .up,
                history: [
                    LevelRecord(week: ISOWeek("2026-W49")!, level: .contributor, score: 14.5),
                    LevelRecord(week: ISOWeek("2026-W48")!, level: .participant, score: 9),
                ]), handle: "ana", canSetTrust: true, words: words)
        #expect(standing.trust == words.trust(.regular) + " " + renderer.localization.text("standing_locked", language))
        #expect(standing.level == words.level(.contributor) + ", " + words.move(.up))
        #expect(standing.trustOptions.first { $0.selected }?.value == "regular")
        #expect(standing.history.count == 2 && standing.hasHistory)
    }
}
