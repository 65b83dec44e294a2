import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Testing

@testable import HearthApp

/// The feedback board through the services `hearth serve` uses, on both engines: a suggestion written in the
/// forum is found, grouped with the one that repeats it, voted, planned, and answered back in its threads.
@Suite("Feedback board")
struct FeedbackBoardTests {
    static let darkMode =
        "It would be great if you could add a dark mode to the mobile app. Please consider a dark theme option for reading at night."
    static let darkModeAgain =
        "Please add a dark mode to the mobile app, a dark theme would make reading at night much easier."
    static let export =
        "The export to CSV crashes every time since the last update: the app closes as soon as I press the button."

    struct Community {
        let services: HearthServices
        let cm: Viewer
        let general: HearthCore.Category
        var board: FeedbackService { services.feedback }

        func member(_ name: String, role: Role = .member) async throws -> Viewer {
            let member = try await services.accounts.signUp(
                try AccountForm(
                    email: "\(name.lowercased())@example.org", displayName: name, password: "a long enough password"),
                inviteToken: nil)
            if role != .member {
                try await services.database.write { sql in
                    try await sql.update("members").set("role", to: role.rawValue)
                        .where("id", .equal, member.id.rawValue).run()
                }
            }
            return Viewer(
                member: try await services.profiles.member(id: member.id), credential: .session(SessionID(0)))
        }

        func topic(_ viewer: Viewer, _ title: String, _ body: String) async throws -> (Topic, Post) {
            try await services.forum.startTopic(viewer, in: general.id, title: title, body: body)
        }
    }

    static func community(_ engine: TestEngine) async throws -> Community {
        let database = try await TestDatabase.make(engine)
        let services = try await HearthServices.forTesting(database: database)
        let cm = try await services.accounts.createCommunityManager(
            try AccountForm(email: "cm@example.org", displayName: "Camille", password: "a long enough password"))
        let staff = Viewer(member: cm, credential: .session(SessionID(0)))
        let general = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        return Community(services: services, cm: staff, general: general)
    }

    @Test(
        "a suggestion is found, grouped, voted, planned and answered back in its threads",
        arguments: TestEngine.allCases)
    func wholeLoop(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let board = community.board
        let marie = try await community.member("Marie")
        let paul = try await community.member("Paul")
        let (firstTopic, first) = try await community.topic(marie, "Dark mode for the app", Self.darkMode)
        let (secondTopic, second) = try await community.topic(paul, "A dark theme, please", Self.darkModeAgain)
        let (_, unrelated) = try await community.topic(paul, "Export crashes", Self.export)

        // The engine proposes the posts, with why.
        let candidates = try await board.candidates(community.cm)
        let proposed = try #require(candidates.first { $0.postID == first.id })
        #expect(proposed.kind == .suggestion)
        #expect(!proposed.explanation.isEmpty)
        #expect(candidates.contains { $0.postID == second.id })
        #expect(try await board.candidateCount(community.cm) == candidates.count)
        await #expect(throws: HearthError.self) { try await board.candidates(marie) }

        // Yes to both: the second repeats the first, so it joins its item; the crash starts its own.
        let item = try await board.accept(community.cm, post: first.id)
        let joined = try await board.accept(community.cm, post: second.id)
        #expect(joined.id == item.id)
        #expect(joined.postIDs == [first.id, second.id])
        let crash = try await board.accept(community.cm, post: unrelated.id)
        #expect(crash.id != item.id)
        #expect(try await board.candidates(community.cm).allSatisfy { ![first.id, second.id].contains($0.postID) })
        await #expect(throws: HearthError.conflict("This post is already on the board, in item #\(item.id.rawValue)."))
        {
            try await board.accept(community.cm, post: first.id)
        }

        // Members vote once, and follow.
        let reader = try await community.member("Rita")
        #expect(try await board.vote(reader, item.id).votes == 1)
        await #expect(throws: HearthError.conflict("You have already voted for this item: one vote each.")) {
            try await board.vote(reader, item.id)
        }
        #expect(try await board.vote(marie, item.id).votes == 2)
        try await board.follow(reader, crash.id, true)
        #expect(try await board.items(nil, FeedbackQuery()).items.first?.id == item.id, "most voted first")
        #expect(try await board.items(nil, FeedbackQuery(sort: .new)).items.first?.id == crash.id)

        // A member may not plan it.
        await #expect(throws: HearthError.forbidden("Only the community team may change an item's status.")) {
            try await board.changeStatus(reader, item.id, to: .planned, note: "")
        }

        // A French reply in an English thread joins the item (by a merge if the board did not group it); the
        // thread stays English.
        let (thirdTopic, _) = try await community.topic(
            marie, "Reading at night", "How do you all read the forum at night? The screen is so bright.")
        let french = try await community.services.forum.reply(
            paul, to: thirdTopic.id,
            body: "Oui, un mode sombre pour l'application, s'il vous plaît : l'écran blanc fait mal aux yeux la nuit.")
        let frenchItem = try await board.accept(community.cm, post: french.id)
        if frenchItem.id != item.id { try await board.merge(community.cm, frenchItem.id, into: item.id) }

        // Planned: a notice in each thread, in the thread's language, and every member told.
        let planned = try await board.changeStatus(
            community.cm, item.id, to: .planned, note: "Coming in the spring version.")
        #expect(planned.status == .planned)
        await #expect(
            throws: HearthError.conflict(
                "This status and note were already saved and announced; nothing was sent again.")
        ) {
            try await board.changeStatus(community.cm, item.id, to: .planned, note: "Coming in the spring version.")
        }
        try await community.services.jobs.drain()
        for topic in [firstTopic, secondTopic, thirdTopic] {
            let page = try await community.services.forum.topicPage(nil, topic: topic.id)
            let notice = try #require(page.posts.last)
            #expect(notice.author.id == community.cm.member.id)
            #expect(notice.body.contains("**planned**"), "in English: \(notice.body)")
            #expect(notice.body.contains("Coming in the spring version."))
        }
        let firstPage = try await community.services.forum.topicPage(nil, topic: firstTopic.id)
        #expect(try #require(firstPage.posts.last).body.contains("@\(marie.member.handle)"))
        let detail = try await board.detail(reader, item.id)
        #expect(detail.item.answeredAt != nil, "the loop shows closed")
        #expect(
            Set(detail.changes.first?.answers.map(\.topicID) ?? []) == [firstTopic.id, secondTopic.id, thirdTopic.id])
        for member in [marie, paul, reader] {
            let notices = try await board.notices(member)
            #expect(notices.first?.status == .planned, "\(member.member.displayName) is told")
        }
        #expect(try await board.notices(community.cm).isEmpty, "not the one who made the change")

        // Running the job again answers no thread twice.
        let before = try await community.services.forum.topicPage(nil, topic: firstTopic.id).posts.count
        try await board.carryBack(FeedbackCarryBack(changeID: try #require(detail.changes.first?.id)))
        #expect(try await community.services.forum.topicPage(nil, topic: firstTopic.id).posts.count == before)
    }

    @Test("merge and split move posts and votes; bad merges are refused", arguments: TestEngine.allCases)
    func mergeAndSplit(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let board = community.board
        let marie = try await community.member("Marie")
        let paul = try await community.member("Paul")
        let (_, first) = try await community.topic(marie, "Dark mode", Self.darkMode)
        let (_, crashPost) = try await community.topic(paul, "Export crashes", Self.export)
        let dark = try await board.accept(community.cm, post: first.id)
        let crash = try await board.accept(community.cm, post: crashPost.id)
        _ = try await board.vote(paul, dark.id)
        _ = try await board.vote(paul, crash.id)
        _ = try await board.vote(marie, crash.id)

        await #expect(throws: HearthError.invalid("mergeInto", "An item cannot be merged into itself.")) {
            try await board.merge(community.cm, dark.id, into: dark.id)
        }
        let merged = try await board.merge(community.cm, crash.id, into: dark.id)
        #expect(merged.id == dark.id)
        #expect(merged.votes == 2, "Paul's two votes count once")
        #expect(Set(merged.postIDs) == [first.id, crashPost.id])
        let gone = try await board.detail(nil, crash.id).item
        #expect(gone.status == .duplicate)
        #expect(gone.mergedInto == dark.id)
        #expect(!(try await board.items(nil, FeedbackQuery()).items.contains { $0.id == crash.id }))
        await #expect(throws: HearthError.self) { try await board.merge(community.cm, dark.id, into: crash.id) }
        await #expect(
            throws: HearthError.conflict("This item was merged into item #\(dark.id.rawValue): act on that one.")
        ) {
            try await board.vote(marie, crash.id)
        }

        let history = try await board.detail(community.cm, dark.id).changes
        #expect(history.first?.merged == FeedbackChange.Merged(id: crash.id, title: crash.title))
        #expect(history.first?.by?.id == community.cm.member.id, "the item merged into says what joined it, and who")

        // Two copies of a status sent at the same moment announce once: the second is refused in its transaction.
        @Sendable func saved() async throws -> Bool {
            do {
                _ = try await board.changeStatus(community.cm, dark.id, to: .planned, note: "Spring.")
                return true
            } catch HearthError.conflict(let message) {
                #expect(message == "This status and note were already saved and announced; nothing was sent again.")
                return false
            }
        }
        async let left = saved()
        async let right = saved()
        #expect(try await [left, right].filter { $0 }.count == 1, "one of two copies is saved, the other refused")
        #expect(try await board.detail(community.cm, dark.id).changes.filter { $0.status == .planned }.count == 1)

        let split = try await board.split(community.cm, dark.id, post: crashPost.id)
        #expect(split.postIDs == [crashPost.id])
        #expect(try await board.detail(nil, dark.id).item.postIDs == [first.id])
        await #expect(throws: HearthError.conflict("This is the item's only post: there is nothing to split it from."))
        {
            try await board.split(community.cm, dark.id, post: first.id)
        }
    }

    @Test("the team reads, comments and follows, but neither moderates nor plans", arguments: TestEngine.allCases)
    func teamRole(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let board = community.board
        let colleague = try await community.member("Colin", role: .team)
        let member = try await community.member("Marie")
        let (_, post) = try await community.topic(member, "Dark mode", Self.darkMode)
        let item = try await board.accept(community.cm, post: post.id)

        try await board.comment(colleague, item.id, "Design says the tokens are ready.")
        #expect(
            try await board.detail(colleague, item.id).comments.map(\.body) == ["Design says the tokens are ready."])
        #expect(try await board.detail(member, item.id).comments.isEmpty, "members never see internal comments")
        await #expect(throws: HearthError.self) { try await board.comment(member, item.id, "me too") }
        try await board.follow(colleague, item.id, true)
        #expect(try await board.export(colleague).map(\.id) == [item.id])
        await #expect(throws: HearthError.self) { try await board.export(member) }
        await #expect(throws: HearthError.self) {
            try await board.changeStatus(colleague, item.id, to: .planned, note: "")
        }
        await #expect(throws: HearthError.self) { try await board.candidates(colleague) }
        let policy = AccessPolicy()
        for power in Action.moderation
        where power != .seeFeedbackInternals && power != .commentFeedback
            && power != .seeHealth
        {
            #expect(!policy.decide(colleague, power, at: Date()).isAllowed, "the team may not \(power.name)")
        }
    }

    @Test("a no takes a candidate off the list and is learned", arguments: TestEngine.allCases)
    func declineIsLearned(engine: TestEngine) async throws {
        let community = try await Self.community(engine)
        let board = community.board
        let marie = try await community.member("Marie")
        let (_, post) = try await community.topic(marie, "Dark mode", Self.darkMode)
        #expect(try await board.candidates(community.cm).contains { $0.postID == post.id })
        try await board.decline(community.cm, post: post.id)
        #expect(!(try await board.candidates(community.cm).contains { $0.postID == post.id }))
        let labels = try await SQLEngineLearningRepository(database: community.services.database)
            .unlearnedLabels(.feedback, limit: 10)
        #expect(labels.map(\.postID) == [post.id])
        #expect(labels.first?.value == 5, "learned as discussion")
        // Put on the board after all, it leaves the declined list.
        _ = try await board.accept(community.cm, post: post.id)
        #expect(
            try await board.detail(nil, try #require(try await board.items(nil, FeedbackQuery()).items.first).id)
                .links.map(\.postID) == [post.id])
    }
}
