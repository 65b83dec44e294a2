import Foundation
import HearthApp
import HearthCore
import HearthTestSupport
import Testing

@testable import HearthStore

/// The same search cases on SQLite's FTS5 and PostgreSQL's tsvector.
@Suite("Search")
struct SearchTests {
    @Test(
        "SQLite queues new and edited posts and indexes them in batches, from their latest text; nothing is lost",
        arguments: TestEngine.allCases)
    func backlog(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        let search = f.services.search
        let database = f.services.database
        func waiting() async throws -> Int { try await database.count(from: "search_backlog") }
        func found(_ text: String) async throws -> [PostID] {
            try await search.search(f.bo, SearchQuery(text: text)).hits.map(\.post.id)
        }

        try await search.catchUp()
        let (topic, _) = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Roadmap", body: "Dark mode.")
        let reply = try await f.forum.reply(f.bo, to: topic.id, body: "I would like a zebra theme.")
        _ = try await f.forum.edit(f.bo, post: reply.id, body: "I would like a giraffe theme.")
        if engine == .sqlite {
            #expect(try await waiting() == 2, "the opening post and the reply, queued once though edited")
            #expect(try await search.catchUp() == 2)
            #expect(try await waiting() == 0)
        }
        #expect(try await search.catchUp() == 0, "nothing left (PostgreSQL indexes as it writes)")
        #expect(try await found("giraffe") == [reply.id])
        #expect(try await found("zebra").isEmpty, "the entry holds the text as edited")
        #expect(try await found("roadmap").count == 1)

        if engine == .sqlite {
            // A queued post that is gone by the time of the catch-up is dropped from the queue, not retried.
            try await database.write { sql in
                try await sql.raw("INSERT INTO search_backlog (post_id) VALUES (987654)").run()
            }
            #expect(try await search.catchUp() == 1)
            #expect(try await waiting() == 0)
        }
    }

    @Test("accent-insensitive, prefix, ranked, filtered, and kept up to date", arguments: TestEngine.allCases)
    func search(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        let search = f.services.search
        func titles(_ text: String, _ configure: (inout SearchQuery) -> Void = { _ in }) async throws -> [String] {
            var query = SearchQuery(text: text)
            configure(&query)
            return try await search.search(f.bo, query).hits.map { "\($0.topicTitle)#\($0.post.number)" }
        }

        let (school, _) = try await f.forum.startTopic(
            f.ana, in: f.general.id, title: "L'école ferme tôt", body: "Les enfants sortent à 15 h.")
        f.clock.advance(by: 86_400)
        let (export, _) = try await f.forum.startTopic(
            f.bo, in: f.general.id, title: "Exporting data", body: "How do I export my posts to CSV?")
        let reply = try await f.forum.reply(f.ana, to: export.id, body: "Go to the settings of your ECOLE account.")
        let (_, news) = try await f.forum.startTopic(
            f.manager, in: f.announcements.id, title: "Œuvres et cœurs", body: "Nothing about schools.")

        #expect(try await titles("ecole") == ["L'école ferme tôt#1", "Exporting data#2"], "a title match ranks first")
        #expect(try await titles("ÉCOLE tôt") == ["L'école ferme tôt#1"], "every word must match")
        #expect(try await titles("export") == ["Exporting data#1"])
        #expect(try await titles("oeuvre") == ["Œuvres et cœurs#1"])
        #expect(try await titles("csv") == ["Exporting data#1"])
        #expect(
            try await titles("ecole") { $0.authorHandle = "@ana_lopez".replacingOccurrences(of: "@", with: "") }.count
                == 2)
        #expect(try await titles("ecole") { $0.authorHandle = "bo" }.isEmpty)
        #expect(try await titles("nothing") { $0.categoryID = f.general.id }.isEmpty)
        #expect(try await titles("nothing") { $0.categoryID = f.announcements.id } == ["Œuvres et cœurs#1"])
        let day = f.clock.now.addingTimeInterval(-3_600)
        #expect(try await titles("ecole") { $0.from = day } == ["Exporting data#2"])
        #expect(try await titles("ecole") { $0.to = day } == ["L'école ferme tôt#1"])

        _ = try await f.forum.edit(f.ana, post: reply.id, body: "Go to the settings page.")
        #expect(try await titles("ecole") == ["L'école ferme tôt#1"], "an edit re-indexes the post")
        #expect(try await titles("settings") == ["Exporting data#2"])
        try await f.forum.delete(f.manager, post: news.id)
        #expect(try await titles("oeuvres").isEmpty, "deleted posts are not found")
        _ = school

        // Whole words however the engine's tokenizer reads them: FTS5's unicode61 split "हिन्दी" and "x²y" into two
        // tokens, and a word of two tokens was a phrase, which the index refuses.
        _ = try await f.forum.startTopic(
            f.ana, in: f.general.id, title: "भाषा और लिपि", body: "हिन्दी and x²y, ǆemal.")
        for word in ["हिन्दी", "x²y", "ǆemal", "भाषा", "हि"] {
            #expect(try await titles(word) == ["भाषा और लिपि#1"], "\(word)")
        }

        for odd in [
            #""ecole"#, "ecole*", "ecole OR x", "NEAR(a b)", "a:* & !b", "'; DROP TABLE posts; --", "ecole AND",
        ] {
            _ = try await search.search(f.bo, SearchQuery(text: odd))
        }
        await #expect(throws: HearthError.invalid("q", "Type at least one word to search for.")) {
            try await search.search(f.bo, SearchQuery(text: " ?! "))
        }
    }

    @Test("results page with a limit and say when there are more", arguments: TestEngine.allCases)
    func paging(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        for index in 1...5 {
            _ = try await f.forum.startTopic(f.ana, in: f.general.id, title: "Question \(index)", body: "about billing")
        }
        let first = try await f.services.search.search(f.bo, SearchQuery(text: "billing", limit: 3))
        #expect(first.hits.count == 3)
        #expect(first.more)
        let second = try await f.services.search.search(f.bo, SearchQuery(text: "billing", limit: 3, offset: 3))
        #expect(second.hits.count == 2)
        #expect(!second.more)
        #expect(Set((first.hits + second.hits).map(\.post.id)).count == 5)
    }

    @Test(
        "filters are scope words of the index: kept apart from the text, and moved with a deleted category's topics",
        arguments: TestEngine.allCases)
    func scope(engine: TestEngine) async throws {
        let f = try await ForumServiceTests.Fixture.make(engine)
        defer { f.close() }
        let search = f.services.search
        func found(_ text: String, in category: CategoryID? = nil) async throws -> [PostID] {
            try await search.search(f.bo, SearchQuery(text: text, categoryID: category)).hits.map(\.post.id)
        }
        let words = "c\(f.announcements.id.rawValue) a\(f.bo.member.id.rawValue) y2026"
        let (_, opening) = try await f.forum.startTopic(
            f.ana, in: f.general.id, title: "Replies", body: "The words \(words) are only text here.")
        #expect(try await found(words) == [opening.id], "scope words typed in a post are found as text")
        #expect(try await found("words", in: f.announcements.id).isEmpty, "and do not put the post in that category")
        #expect(try await found("reply") == [opening.id], "a longer word finds its common endings")

        let archive = try await f.services.categories.create(
            f.manager, name: "Archive", description: "Old things", startPolicy: .everyone)
        let (_, old) = try await f.forum.startTopic(f.ana, in: archive.id, title: "Kites", body: "A red kite.")
        #expect(try await found("kite", in: archive.id) == [old.id])
        try await f.services.categories.delete(f.manager, archive.id, movingTopicsTo: f.announcements.id)
        #expect(try await found("kite", in: f.announcements.id) == [old.id], "the moved topic is found where it went")
        #expect(try await found("kite", in: f.general.id).isEmpty)
    }

    @Test("a date range becomes the years and months it covers")
    func dateWords() throws {
        func day(_ text: String) throws -> Int64 {
            try Date(text + "T00:00:00Z", strategy: .iso8601).millisecondsSince1970
        }
        #expect(
            SearchScope.dateWords(from: try day("2025-11-15"), to: try day("2027-02-10"))
                == ["m202511", "m202512", "y2026", "m202701", "m202702"])
        #expect(SearchScope.dateWords(from: try day("2026-03-01"), to: try day("2026-04-01")) == ["m202603"])
        #expect(SearchScope.dateWords(from: try day("2026-01-01"), to: try day("2027-01-01")) == ["y2026"])
    }
}
