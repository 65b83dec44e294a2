import Foundation
import HearthCore
import HearthInsight
import HearthStore
import Logging
import Synchronization

/// Measures the inbox's ranking: replays a labelled stream of posts (pertinent, troll, chatter; by newcomers or
/// regulars) into a fresh community in a folder of its own, through the services `hearth serve` uses, then reports
/// how well pertinent posts rank above trolls and above chatter, and how much of the first page is pertinent —
/// before any decision, and after the community manager decided on items from one half of the stream (measured
/// on the other half). `hearth inbox eval` prints it.
public struct InboxEvaluation: Sendable {
    public enum Label: String, Sendable, Codable, CaseIterable {
        case pertinent, troll, chatter
    }

    public struct Row: Sendable {
        public var text: String
        /// A row with a title opens a topic; one without is the one reply in a topic staff opened.
        public var title: String
        public var newcomer: Bool
        public var label: Label
        /// As the stream says ("en", "fr"), for figures per language; empty when it does not.
        public var language: String

        public init(text: String, title: String = "", newcomer: Bool, label: Label, language: String = "") {
            self.language = language
            self.text = text
            self.title = title
            self.newcomer = newcomer
            self.label = label
        }
    }

    /// The figures at one point of the community manager's work.
    public struct Stage: Sendable, Codable, Equatable {
        /// Decisions asked for, and made (fewer when the first half had fewer items to decide on).
        public var decisions: Int
        public var made: Int
        public var pertinentOverTroll: Double?
        public var pertinentOverChatter: Double?
        /// Share of pertinent posts among the first page's items (20, or fewer when the inbox holds fewer).
        public var firstPage: Double?
        public var firstPageItems: Int
        /// The first page as the community manager reads it: each item's label, score and reasons.
        public var firstPageLines: [String]
        /// How many of the measured posts are in the inbox.
        public var listed: Int
    }

    public struct Report: Sendable, Codable {
        public var rows: Int
        public var skipped: Int
        public var counts: [String: Int]
        public var measured: Int
        /// Out of the box, on every row.
        public var whole: Stage
        /// Out of the box, on every row of each language the stream names.
        public var languages: [String: Stage]
        /// On the held-out half: out of the box, then after each number of decisions.
        public var stages: [Stage]
    }

    public let rows: [Row]
    public let decisionSteps: [Int]
    public let seed: UInt64

    public init(rows: [Row], decisionSteps: [Int] = [50, 200, 600], seed: UInt64 = 42) {
        self.rows = rows
        self.decisionSteps = decisionSteps.sorted()
        self.seed = seed
    }

    /// Rows from a CSV file with the columns `text`, `label` (pertinent, troll or chatter) and `author`
    /// (newcomer or regular), and optionally `title`.
    public static func rows(csv text: String) throws -> [Row] {
        let table: CSVTable
        do {
            table = try CSVTable(parsing: text)
        } catch {
            throw HearthError.invalid("data", "The file is not CSV this command can read: \(error).")
        }
        let textColumn = try column("text", table)
        let labelColumn = try column("label", table)
        let authorColumn = try column("author", table)
        let titleColumn = table.header.firstIndex(of: "title")
        let languageColumn = table.header.firstIndex(of: "language")
        var rows: [Row] = []
        for (index, row) in table.rows.enumerated() {
            guard let label = Label(rawValue: row[labelColumn]) else {
                throw HearthError.invalid(
                    "data", "Row \(index + 2): label is pertinent, troll or chatter, not \"\(row[labelColumn])\".")
            }
            guard row[authorColumn] == "newcomer" || row[authorColumn] == "regular" else {
                throw HearthError.invalid(
                    "data", "Row \(index + 2): author is newcomer or regular, not \"\(row[authorColumn])\".")
            }
            rows.append(
                Row(
                    text: row[textColumn], title: titleColumn.map { row[$0] } ?? "",
                    newcomer: row[authorColumn] == "newcomer", label: label,
                    language: languageColumn.map { row[$0] } ?? ""))
        }
        return rows
    }

    private static func column(_ name: String, _ table: CSVTable) throws -> Int {
        guard let index = table.header.firstIndex(of: name) else {
            throw HearthError.invalid(
                "data", "The file has no \"\(name)\" column; it needs text, label and author (title is optional).")
        }
        return index
    }

    /// Runs the evaluation in `directory` (a fresh SQLite community is made there).
    public func run(in directory: URL, logger: Logger, progress: @Sendable (String) -> Void = { _ in }) async throws
        -> Report
    {
        let clock = EvaluationClock(Date(timeIntervalSince1970: 1_767_603_600))  // Monday 2026-01-05 09:00 UTC
        let config = try await AppConfig.load(
            overrides: ["hearth.data.dir": directory.path, "hearth.log.level": "error"], environment: [:], envFile: nil)
        let services = try await HearthServices.open(
            config: config, logger: logger, hasher: NoPasswords(), now: { clock.now })
        do {
            let report = try await replayAndMeasure(services, clock: clock, progress: progress)
            await services.shutdown()
            return report
        } catch {
            await services.shutdown()
            throw error
        }
    }

    private func replayAndMeasure(
        _ services: HearthServices, clock: EvaluationClock, progress: @Sendable (String) -> Void
    ) async throws -> Report {
        try await services.migrate()
        guard let learning = services.learning else {
            throw HearthError.unavailable("The triage engine's models are missing from this build.")
        }
        let members = SQLMemberRepository(database: services.database)
        let start = clock.now
        let manager = try await viewer(
            members, role: .communityManager, name: "Community manager", joined: start.addingTimeInterval(-800 * 86_400)
        )
        let category = try await services.forum.createCategory(
            manager, name: "General", description: "", startPolicy: .everyone)
        // One author per row: what the community manager teaches about one post's author must not move another
        // row's rank here, since the stream does not say who wrote what.
        var posts: [PostID?] = []
        for (index, row) in rows.enumerated() {
            clock.now = start.addingTimeInterval(TimeInterval(index) * 180)
            let joined = clock.now.addingTimeInterval(row.newcomer ? -86_400 : -400 * 86_400)
            let author = try await viewer(members, role: .member, name: "Member \(index)", joined: joined)
            posts.append(try? await post(row, index: index, by: author, staff: manager, in: category.id, services))
            if (index + 1) % 500 == 0 { progress("replayed \(index + 1) of \(rows.count) posts") }
        }
        clock.now = start.addingTimeInterval(TimeInterval(rows.count) * 180 + 3_600)
        var order = Array(rows.indices)
        var generator = SeededGenerator(seed: seed)
        order.shuffle(using: &generator)
        let learnHalf = Set(order.prefix(rows.count / 2))
        let measured = rows.indices.filter { !learnHalf.contains($0) && posts[$0] != nil }
        let inbox = SQLInboxRepository(database: services.database)
        let forumStore = SQLForumRepository(database: services.database)
        let readings = try await forumStore.readings(of: posts.compactMap { $0 })
        let postIndex = Dictionary(
            posts.enumerated().compactMap { index, id in id.map { ($0, index) } },
            uniquingKeysWith: { first, _ in first })

        func measure(_ indices: [Int], decisions: Int, made: Int) async throws -> Stage {
            let items = try await inbox.items(forPosts: indices.compactMap { posts[$0] })
            let reader = learning.reader
            var scores: [Label: [Double]] = [:]
            for index in indices {
                guard let postID = posts[index] else { continue }
                let score: Double
                if let item = items[postID] {
                    score = item.score
                } else {
                    // Not in the inbox: the rank the post would have, from the same facts the forum gives it.
                    let row = rows[index]
                    let text = row.title.isEmpty ? row.text : row.title + "\n\n" + row.text
                    guard var reading = readings[postID] else { continue }
                    // The stored reading, with what the engine knows now (as a new post would be read).
                    reading.learnedPertinence = reader.pertinence(text)
                    var facts = InboxFacts(
                        reading: reading, text: text, newcomer: row.newcomer, opensTopic: !row.title.isEmpty)
                    facts.firstPost = row.newcomer
                    score = InboxRanking.rank(facts).score - Self.unlistedPenalty
                }
                scores[rows[index].label, default: []].append(score)
            }
            let wanted = Set(indices.compactMap { posts[$0] })
            var firstPage: [Label] = []
            var lines: [String] = []
            var cursor: InboxCursor?
            while firstPage.count < 20 {
                let page = try await services.inbox.page(manager, after: cursor, limit: 100)
                for item in page.items {
                    guard let postID = item.postID, wanted.contains(postID), let index = postIndex[postID] else {
                        continue
                    }
                    if firstPage.count < 20 {
                        firstPage.append(rows[index].label)
                        lines.append(
                            "\(rows[index].label.rawValue) \(item.score): "
                                + item.reasons.map(\.text).joined(separator: "; "))
                    }
                }
                guard let next = page.next else { break }
                cursor = next
            }
            return Stage(
                decisions: decisions, made: made,
                pertinentOverTroll: Self.auc(scores[.pertinent] ?? [], over: scores[.troll] ?? []),
                pertinentOverChatter: Self.auc(scores[.pertinent] ?? [], over: scores[.chatter] ?? []),
                firstPage: firstPage.isEmpty
                    ? nil : Double(firstPage.count { $0 == .pertinent }) / Double(firstPage.count),
                firstPageItems: firstPage.count, firstPageLines: lines, listed: items.count)
        }

        progress("measuring")
        let whole = try await measure(Array(rows.indices), decisions: 0, made: 0)
        var languages: [String: Stage] = [:]
        for language in Set(rows.map(\.language)) where !language.isEmpty {
            languages[language] = try await measure(
                rows.indices.filter { rows[$0].language == language }, decisions: 0, made: 0)
        }
        var stages = [try await measure(measured, decisions: 0, made: 0)]
        var decided: Set<InboxItemID> = []
        for target in decisionSteps {
            // The community manager works from the top of the inbox, on the first half's items.
            var cursor: InboxCursor?
            pages: while decided.count < target {
                let page = try await services.inbox.page(manager, after: cursor, limit: 100)
                for item in page.items where !decided.contains(item.id) {
                    guard decided.count < target, let postID = item.postID, let index = postIndex[postID],
                        learnHalf.contains(index)
                    else { continue }
                    let action: InboxAction =
                        switch rows[index].label {
                        case .pertinent: .pertinent
                        case .troll: .ignore
                        case .chatter: .handled
                        }
                    _ = try await services.inbox.act(manager, item.id, action)
                    decided.insert(item.id)
                }
                guard let next = page.next else { break pages }
                cursor = next
            }
            try await learning.learnPending()
            try await services.inbox.rerankLearned(limit: rows.count)
            progress("\(decided.count) decisions learned")
            stages.append(try await measure(measured, decisions: target, made: decided.count))
        }
        var counts: [String: Int] = [:]
        for row in rows { counts[row.label.rawValue, default: 0] += 1 }
        return Report(
            rows: rows.count, skipped: posts.count { $0 == nil }, counts: counts, measured: measured.count,
            whole: whole, languages: languages, stages: stages)
    }

    /// A post the inbox left out ranks below every one it holds: its would-be score, lowered by this much.
    static let unlistedPenalty = 20.0

    /// The chance that a random row of `high` scores above a random row of `low` (ties count half).
    static func auc(_ high: [Double], over low: [Double]) -> Double? {
        guard !high.isEmpty, !low.isEmpty else { return nil }
        let scores = high + low
        let gold = Array(repeating: 1, count: high.count) + Array(repeating: 0, count: low.count)
        return Metrics.rocAUC(scores: scores, gold: gold)
    }

    private func post(
        _ row: Row, index: Int, by author: Viewer, staff: Viewer, in category: CategoryID, _ services: HearthServices
    ) async throws -> PostID {
        let body = String(row.text.prefix(PostRules.bodyLength.upperBound))
        if !row.title.isEmpty {
            let title = String(row.title.prefix(PostRules.titleLength.upperBound))
            return try await services.forum.startTopic(author, in: category, title: title, body: body).1.id
        }
        let (topic, _) = try await services.forum.startTopic(
            staff, in: category, title: "Open thread \(index + 1)", body: "What is on your mind today?")
        return try await services.forum.reply(author, to: topic.id, body: body).id
    }

    private func viewer(_ members: SQLMemberRepository, role: Role, name: String, joined: Date) async throws -> Viewer {
        let member = try await members.create(
            NewMember(
                email: "\(UUID().uuidString.lowercased())@evaluation.invalid", displayName: name, role: role,
                passwordHash: "-", createdAt: joined))
        return Viewer(member: member, credential: .session(SessionID(0)))
    }
}

/// The evaluation's clock: each post is written a few minutes after the last.
final class EvaluationClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) {
        current = Mutex(start)
    }

    var now: Date {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

/// Nobody logs in to an evaluation's community.
struct NoPasswords: PasswordHasher {
    func hash(_ password: String) async -> String { "-" }
    func verify(_ password: String, against hash: String) async -> Bool { false }
    var decoyHash: String { "-" }
}
