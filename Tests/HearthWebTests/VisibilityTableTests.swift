import Foundation
import HTTPTypes
import HearthApp
import HearthCore
import HearthStore
import HearthTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// One rule for who sees what: every post state × every kind of viewer, through every surface. A post's text
/// shows where the table says, and nowhere else.
@Suite("Post visibility on every surface")
struct VisibilityTableTests {
    enum State: String, CaseIterable {
        case live, deleted, hidden, pending
        /// A word found only in the post in this state.
        var word: String { "marker\(rawValue)word" }
    }

    enum Who: String, CaseIterable {
        case anonymous, author, other, moderator, manager
    }

    /// The rule, written out: the author and moderators see every state, others only live posts.
    static func sees(_ who: Who, _ state: State) -> Bool {
        state == .live || [.author, .moderator, .manager].contains(who)
    }

    /// Deleting an opening post removes its topic: then only moderators still see it, the author included out.
    static func seesOpening(_ who: Who, _ state: State) -> Bool {
        state == .deleted ? [.moderator, .manager].contains(who) : sees(who, state)
    }

    @Test(
        "post states × viewers through pages, the API, search, feeds and notifications", arguments: TestEngine.allCases)
    func table(engine: TestEngine) async throws {
        let community = try await TestCommunity.make(engine: engine)
        defer { community.close() }
        let services = community.services
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let moderator = try await community.member("mod@example.org")
        try await services.database.write { sql in
            try await sql.update("members").set("role", to: "moderator").where("id", .equal, moderator.id.rawValue)
                .run()
        }
        let author = Viewer(member: try await community.member("ana@example.org"), credential: .session(SessionID(0)))
        let other = try await community.member("bob@example.org")
        let category = try await services.forum.createCategory(
            staff, name: "General", description: "", startPolicy: .everyone)
        let (topic, _) = try await services.forum.startTopic(staff, in: category.id, title: "Visibility", body: "Hi")
        var posts: [State: Post] = [:]
        var openings: [State: Topic] = [:]
        for state in State.allCases {
            posts[state] = try await services.forum.reply(
                author, to: topic.id, body: "A \(state.word) for @\(other.handle)")
            openings[state] = try await services.forum.startTopic(
                author, in: category.id, title: "Topic \(state.rawValue)", body: "Opening \(state.word)"
            ).0
        }
        let store = SQLModerationRepository(database: services.database)
        for (state, topicOfState) in openings {
            let opening = try await services.forum.topicPage(staff, topic: topicOfState.id).posts[0]
            for post in [posts[state]!, opening] {
                switch state {
                case .live: break
                case .deleted: try await services.forum.delete(author, post: post.id)
                case .hidden, .pending:
                    try await store.setState(
                        post.id, to: state == .hidden ? .hidden : .pending,
                        log: NewLogEntry(
                            actorID: manager.id, action: "test", target: .post, targetID: post.id.rawValue),
                        label: nil, at: community.clock.now)
                }
            }
            if state == .pending {
                try await services.database.write { sql in
                    try await sql.update("topics").set("held_at", to: 1).where("id", .equal, topicOfState.id.rawValue)
                        .run()
                }
            }
        }
        var keys: [Who: String] = [:]
        for (who, email) in [(Who.author, "ana"), (.other, "bob"), (.moderator, "mod"), (.manager, "cm")] {
            keys[who] = try await services.apiKeys.create(
                name: who.rawValue, scope: .read, ownerEmail: "\(email)@example.org"
            ).1
        }
        let emails: [Who: String] = [.author: "ana", .other: "bob", .moderator: "mod", .manager: "cm"]
        let (apiKeys, statePosts, stateTopics) = (keys, posts, openings)

        try await community.test { client in
            for who in Who.allCases {
                var browser = WebClient(client)
                if let email = emails[who] { try await ForumPagesTests.logIn(&browser, "\(email)@example.org") }
                var api: HTTPFields = [:]
                if let key = apiKeys[who] { api[.authorization] = "Bearer \(key)" }
                let page = try await browser.get("/t/\(topic.id)").body
                let topicJSON = String(
                    buffer: try await client.execute(uri: "/api/v1/topics/\(topic.id)", method: .get, headers: api).body
                )
                for state in State.allCases {
                    let expected = Self.sees(who, state)
                    let label = "\(who) × \(state)"
                    #expect(page.contains(state.word) == expected, "topic page: \(label)")
                    #expect(topicJSON.contains(state.word) == expected, "API topic: \(label)")
                    let single = try await client.execute(
                        uri: "/api/v1/posts/\(statePosts[state]!.id)", method: .get, headers: api)
                    #expect(String(buffer: single.body).contains(state.word) == expected, "API post: \(label)")
                    let openingPage = try await browser.get("/t/\(stateTopics[state]!.id)")
                    #expect(
                        openingPage.body.contains(state.word) == Self.seesOpening(who, state),
                        "opening post's page: \(label)")
                    // Search and the lists serve everyone alike: only what everyone may see.
                    let search = try await client.execute(
                        uri: "/api/v1/search?q=\(state.word)", method: .get, headers: api)
                    #expect(String(buffer: search.body).contains(state.word) == (state == .live), "search: \(label)")
                }
                let profile = try await browser.get("/u/member_ana").body
                #expect(profile.contains("Topic live"), "profile: \(who)")
                // The profile lists posts through the same rule: the author sees their own held topic there too.
                #expect(profile.contains("Topic pending") == Self.seesOpening(who, .pending), "profile: \(who)")
            }
            for feed in ["/latest.rss", "/latest.atom", "/c/general/feed.rss"] {
                let text = String(buffer: try await client.execute(uri: feed, method: .get).body)
                for state in State.allCases {
                    #expect(text.contains(state.word) == (state == .live), "\(feed): \(state)")
                }
            }
            var bob = WebClient(client)
            try await ForumPagesTests.logIn(&bob, "bob@example.org")
            let notes = try await services.forum.notifications(
                Viewer(member: other, credential: .session(SessionID(0))))
            #expect(notes.map(\.postID) == [statePosts[.live]!.id], "Bob is told only of the post he may read")
            #expect(try await bob.get("/notifications").status == .ok)
        }
    }
}
