import Foundation
import HearthCore
import HearthStore
import HearthViews
import SQLKit

extension HearthServices {
    /// What one import brought in.
    public struct ImportSummary: Sendable {
        public let site: String
        public let counts: ImportCounts
    }

    /// Runs an import (`body`), into a community with nothing to search yet, with the search index's own indexes
    /// built once at its end rather than kept up to date entry by entry (see
    /// `SQLSearchRepository.deferIndexesForFirstImport`); built again even when the import fails.
    public func importing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let search = SQLSearchRepository(database: database)
        let deferred = try await search.deferIndexesForFirstImport()
        let result: T
        do {
            result = try await body()
        } catch {
            if deferred { try? await search.restoreIndexes() }
            throw error
        }
        if deferred { try await search.restoreIndexes() }
        return result
    }

    /// Imports a Stack Exchange dump folder (see `StackExchangeImporter` for how it maps). Safe to run again.
    /// `progress` is called with (posts done, posts in the dump) as batches are written.
    public func importStackExchange(
        directory: URL, site: String? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportSummary {
        var importer = StackExchangeImporter(
            repository: SQLImportRepository(database: database), cooker: SafeMarkdown())
        importer.progress = progress
        let summary = try await importer.run(directory: directory, site: site)
        try await search.catchUp()
        logger.info(
            "Imported a Stack Exchange dump",
            metadata: [
                "site": "\(summary.site)", "topics": "\(summary.counts.topics)", "posts": "\(summary.counts.posts)",
            ])
        return ImportSummary(site: summary.site, counts: summary.counts)
    }

    /// The small, attributed sample community `hearth serve --demo` starts with: threads cut from
    /// french.meta.stackexchange.com (CC BY-SA; see Demo/french.meta/LICENSE-note.txt).
    public static var demoDump: URL? {
        Bundle.module.resourceURL?.appendingPathComponent("Demo/french.meta")
    }

    /// Loads the demo community (once; later runs find it already there).
    public func loadDemo() async throws -> ImportSummary {
        guard let dump = Self.demoDump else {
            throw HearthError.unavailable("The demo community is missing from this build.")
        }
        let summary = try await importStackExchange(directory: dump, site: "french.meta.stackexchange.com")
        try await seedDemoReviewQueue()
        // The demo's inbox: its latest posts, read and ranked as if they had just come in.
        try await SQLInboxRepository(database: database).gather(latest: 400, at: now())
        try await seedDemoBoard()
        try await seedDemoLetter()
        return summary
    }
}

extension HearthServices {
    /// The demo's feedback board: the suggestions, bug reports and complaints the engine finds among the latest
    /// posts, grouped, with the votes of a few imported members. Only on an empty board.
    func seedDemoBoard() async throws {
        guard try await feedback.gather(latest: 60) > 0 else { return }
        let voters = try await database.read { sql in
            try await sql.raw(
                "SELECT id FROM members WHERE email LIKE '%@import.invalid' ORDER BY id LIMIT 12"
            ).all(decodingColumn: "id", as: Int64.self)
        }
        let board = SQLFeedbackRepository(
            database: database, publicURL: config.publicURL, secrets: config.secretBox)
        let items = try await board.items(FeedbackQuery(sort: .new, limit: 100))
        // Earlier items drew more votes: a board with a clear top, as a live one has.
        for (rank, item) in items.reversed().enumerated() {
            for voter in voters.prefix(max(1, voters.count - rank * 2)) {
                _ = try await board.vote(item.id, by: MemberID(voter), at: now())
            }
        }
    }

    /// The demo's weekly letter, about the busiest week among its latest 1,000 posts (long past: the sample's
    /// dates are the site's), drafted once with its figures counted, so that `/letters` shows one at once.
    func seedDemoLetter() async throws {
        guard try await SQLLetterRepository(database: database).letters(limit: 1).isEmpty else { return }
        let latest = try await database.read { sql in
            try await sql.raw("SELECT created_at FROM posts ORDER BY created_at DESC LIMIT 1000").all(
                decodingColumn: "created_at", as: Int64.self)
        }
        let zone = community.current.timeZone
        let weeks = Dictionary(grouping: latest) { ISOWeek(containing: Date(millisecondsSince1970: $0), in: zone) }
        guard let busiest = weeks.max(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) })?.key else { return }
        try await health.rollUp()
        try await letters.draft(week: busiest)
    }

    /// A few items in the review queue of the demo community, so that a newcomer sees it at once: two posts
    /// flagged by members of the imported site, and the post the engine reads as the most heated. Only when the
    /// queue has never had an item.
    func seedDemoReviewQueue() async throws {
        let items = try await database.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM review_items").first(decodingColumn: "n", as: Int.self)
        }
        guard items == 0 else { return }
        try await backfill?.run()
        let reporters = try await database.read { sql in
            try await sql.raw(
                "SELECT id FROM members WHERE email LIKE '%@import.invalid' ORDER BY id LIMIT 3"
            ).all(decodingColumn: "id", as: Int64.self)
        }
        var viewers: [Viewer] = []
        for id in reporters {
            viewers.append(
                Viewer(member: try await profiles.member(id: MemberID(id)), credential: .session(SessionID(0))))
        }
        let topics = try await forum.topicList(nil, limit: 5).topics
        var replies: [Post] = []
        for topic in topics {
            replies += try await forum.topicPage(nil, topic: topic.id).posts.filter { $0.number > 1 && !$0.isDeleted }
        }
        let flags: [(FlagReason, String?)] = [(.offTopic, nil), (.other, "Ce message répond à une autre question.")]
        for (post, (reason, message)) in zip(replies, flags) {
            for reporter in viewers where reporter.member.id != post.author.id {
                _ = try? await moderation.flag(reporter, post: post.id, reason: reason, message: message)
            }
        }
        // The most heated of the others: a flagged post the engine also reads as heated would be one item.
        let readings = try await SQLForumRepository(database: database).readings(
            of: replies.dropFirst(flags.count).map(\.id))
        if let (id, reading) = readings.max(by: { $0.value.toxicity < $1.value.toxicity }) {
            try await SQLModerationRepository(database: database).open(
                NewReviewItem(
                    kind: .engineFlag, postID: id, memberID: nil,
                    reasons: ["toxicity \(Int(reading.toxicity * 100)) %"]
                        + [reading.explanation].filter { !$0.isEmpty },
                    score: reading.toxicity),
                at: now())
        }
    }
}
