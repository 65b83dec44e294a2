import Foundation
import HearthCore
import SQLKit

/// The facts of one week, each read from an indexed range (milliseconds `start ..< end`).
extension SQLLetterRepository {
    static func staffWeek(_ start: Int64, _ end: Int64, _ sql: any SQLDatabase) async throws -> LetterDraft.StaffWeek {
        var staff = LetterDraft.StaffWeek()
        staff.replies = try await counts(
            """
            SELECT m.display_name AS label, COUNT(*) AS n FROM posts p JOIN members m ON m.id = p.author_id \
            WHERE p.created_at >= \(bind: start) AND p.created_at < \(bind: end) AND p.deleted_at IS NULL \
            AND p.number > 1 AND m.role IN ('moderator', 'community_manager') GROUP BY m.id, m.display_name \
            ORDER BY n DESC, m.display_name
            """, sql)
        staff.articles = try await sql.raw(
            """
            SELECT id, title, slug FROM articles WHERE status <> 'draft' \
            AND COALESCE(publish_at, created_at) >= \(bind: start) AND COALESCE(publish_at, created_at) < \(bind: end) \
            ORDER BY COALESCE(publish_at, created_at)
            """
        ).all().map { row in
            LetterDraft.Link(
                key: "article:\(try row.decode(column: "id", as: Int64.self))",
                title: try row.decode(column: "title", as: String.self),
                path: "/blog/\(try row.decode(column: "slug", as: String.self))")
        }
        staff.queueOpened = try await SQLHealthRepository.count(
            "SELECT COUNT(*) AS n FROM review_items WHERE created_at >= \(bind: start) AND created_at < \(bind: end)",
            sql)
        staff.queueDecided = try await counts(
            """
            SELECT outcome AS label, COUNT(*) AS n FROM review_items WHERE handled_at >= \(bind: start) \
            AND handled_at < \(bind: end) AND outcome IS NOT NULL GROUP BY outcome ORDER BY n DESC, outcome
            """, sql)
        staff.penalties = try await counts(
            """
            SELECT kind AS label, COUNT(*) AS n FROM penalties WHERE created_at >= \(bind: start) \
            AND created_at < \(bind: end) GROUP BY kind ORDER BY n DESC, kind
            """, sql)
        staff.feedbackMoved = try await sql.raw(
            """
            SELECT i.id, i.title, c.status FROM feedback_changes c JOIN feedback_items i ON i.id = c.item_id \
            WHERE c.created_at >= \(bind: start) AND c.created_at < \(bind: end) ORDER BY c.id LIMIT 20
            """
        ).all().map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            return LetterDraft.Link(
                key: "feedback:\(id)", title: try row.decode(column: "title", as: String.self),
                path: "/feedback/\(id)", detail: try row.decode(column: "status", as: String.self))
        }
        return staff
    }

    /// The two most active topics, the most heated and the most thanked, each once.
    static func bigTopics(_ start: Int64, _ end: Int64, _ sql: any SQLDatabase) async throws -> [LetterDraft.Topic] {
        let active = try await sql.raw(
            """
            SELECT p.topic_id AS id FROM posts p \(joins) WHERE p.created_at >= \(bind: start) \
            AND p.created_at < \(bind: end) AND \(shared) GROUP BY p.topic_id ORDER BY COUNT(*) DESC, p.topic_id LIMIT 2
            """
        ).all(decodingColumn: "id", as: Int64.self)
        let heated = try await sql.raw(
            """
            SELECT h.topic_id AS id FROM topic_heat h JOIN topics t ON t.id = h.topic_id \
            JOIN categories c ON c.id = t.category_id WHERE h.heated_at IS NOT NULL AND h.heated_at < \(bind: end) \
            AND h.updated_at >= \(bind: start) AND \(PublicPosts.topicCondition) AND c.read_policy <> 'staff' \
            ORDER BY h.score DESC, h.topic_id LIMIT 3
            """
        ).all(decodingColumn: "id", as: Int64.self)
        let thanked = try await sql.raw(
            """
            SELECT p.topic_id AS id FROM reactions r JOIN posts p ON p.id = r.post_id \(joins) \
            WHERE r.created_at >= \(bind: start) AND r.created_at < \(bind: end) AND r.kind = 'thanks' AND \(shared) \
            GROUP BY p.topic_id ORDER BY COUNT(*) DESC, p.topic_id LIMIT 3
            """
        ).all(decodingColumn: "id", as: Int64.self)
        var chosen: [(Int64, LetterDraft.Topic.Reason)] = active.map { ($0, .active) }
        for (list, reason) in [(heated, LetterDraft.Topic.Reason.heated), (thanked, .thanked)] {
            if let id = list.first(where: { id in !chosen.contains { $0.0 == id } }) { chosen.append((id, reason)) }
        }
        var topics: [LetterDraft.Topic] = []
        for (id, reason) in chosen {
            guard
                let row = try await sql.raw(
                    """
                    SELECT t.title, (SELECT COUNT(*) FROM posts p WHERE p.topic_id = t.id \
                    AND p.created_at >= \(bind: start) AND p.created_at < \(bind: end) AND p.deleted_at IS NULL \
                    AND p.moderation = 'visible') AS posts, (SELECT COUNT(*) FROM reactions r JOIN posts p \
                    ON p.id = r.post_id WHERE p.topic_id = t.id AND r.kind = 'thanks' AND r.created_at >= \(bind: start) \
                    AND r.created_at < \(bind: end)) AS thanks FROM topics t WHERE t.id = \(bind: id)
                    """
                ).first()
            else { continue }
            topics.append(
                LetterDraft.Topic(
                    id: id, title: try row.decode(column: "title", as: String.self), reason: reason,
                    posts: try row.decode(column: "posts", as: Int.self),
                    thanks: try row.decode(column: "thanks", as: Int.self)))
        }
        return topics
    }

    static func people(_ query: SQLQueryString, _ sql: any SQLDatabase) async throws -> [LetterDraft.Person] {
        try await sql.raw(query).all().map { row in
            LetterDraft.Person(
                id: try row.decode(column: "id", as: Int64.self),
                name: try row.decode(column: "display_name", as: String.self),
                handle: try row.decode(column: "handle", as: String?.self),
                posts: try row.decode(column: "n", as: Int.self))
        }
    }

    /// The week's role reports: what each holder did, and what went well in their words once they sent it.
    static func delegates(_ week: ISOWeek, _ sql: any SQLDatabase) async throws -> [LetterDraft.Delegate] {
        try await sql.raw(
            """
            SELECT d.name_en, d.name_fr, m.display_name, r.acts, r.topics_helped, r.newcomers_welcomed, \
            r.went_well, r.sent_at FROM role_reports r JOIN delegate_roles d ON d.id = r.role_id \
            JOIN members m ON m.id = r.member_id WHERE r.week = \(bind: week.description) ORDER BY d.id, m.id
            """
        ).all().map { row in
            let wentWell = try row.decode(column: "went_well", as: String.self)
            let sent = try row.decode(column: "sent_at", as: Int64?.self) != nil
            return LetterDraft.Delegate(
                role: try row.decode(column: "name_en", as: String.self),
                roleFrench: try row.decode(column: "name_fr", as: String.self),
                name: try row.decode(column: "display_name", as: String.self),
                acts: try row.decode(column: "acts", as: Int.self),
                topicsHelped: try row.decode(column: "topics_helped", as: Int.self),
                newcomersWelcomed: try row.decode(column: "newcomers_welcomed", as: Int.self),
                gist: sent && !wentWell.isEmpty ? String(wentWell.prefix(280)) : nil)
        }
    }

    /// Up to four images posted that week, by the reactions their posts drew; an image since deleted is left out.
    static func images(_ start: Int64, _ end: Int64, _ sql: any SQLDatabase) async throws -> [LetterDraft.Image] {
        var found: [(post: Int64, topic: Int64, title: String, file: String)] = []
        for row in try await sql.raw(
            """
            SELECT p.id, p.topic_id, t.title, p.content FROM posts p \(joins) WHERE p.created_at >= \(bind: start) \
            AND p.created_at < \(bind: end) AND \(shared) ORDER BY p.created_at DESC LIMIT 20000
            """
        ).all() {
            let files = uploadFiles(in: try PostContent.markdown(row))
            guard !files.isEmpty else { continue }
            let post = try row.decode(column: "id", as: Int64.self)
            let topic = try row.decode(column: "topic_id", as: Int64.self)
            let title = try row.decode(column: "title", as: String.self)
            found += files.map { (post, topic, title, $0) }
        }
        guard !found.isEmpty else { return [] }
        let posts = Set(found.map(\.post)).map { String($0) }.joined(separator: ",")
        var reactions: [Int64: Int] = [:]
        for row in try await sql.raw(
            "SELECT post_id, COUNT(*) AS n FROM reactions WHERE post_id IN (\(unsafeRaw: posts)) GROUP BY post_id"
        ).all() {
            reactions[try row.decode(column: "post_id", as: Int64.self)] = try row.decode(column: "n", as: Int.self)
        }
        // The file names were checked (64 hex digits and an extension), so the hashes are safe in the list.
        var files: [String: String] = [:]
        for file in Set(found.map(\.file)) {
            if let (hash, _) = Upload.parse(fileName: file) { files[hash] = file }
        }
        let hashes = files.keys.map { "'\($0)'" }.joined(separator: ",")
        var sizes: [String: (Int, Int, Int)] = [:]
        for row in try await sql.raw(
            "SELECT hash, width, height, byte_count FROM uploads WHERE hash IN (\(unsafeRaw: hashes))"
        ).all() {
            guard let file = files[try row.decode(column: "hash", as: String.self)] else { continue }
            sizes[file] = (
                try row.decode(column: "width", as: Int.self), try row.decode(column: "height", as: Int.self),
                try row.decode(column: "byte_count", as: Int.self)
            )
        }
        var seen = Set<String>()
        return found.filter { sizes[$0.file] != nil }
            .sorted { (reactions[$0.post] ?? 0, $0.post) > (reactions[$1.post] ?? 0, $1.post) }
            .filter { seen.insert($0.file).inserted }.prefix(4)
            .map {
                LetterDraft.Image(
                    fileName: $0.file, width: sizes[$0.file]?.0 ?? 0, height: sizes[$0.file]?.1 ?? 0, topicID: $0.topic,
                    topicTitle: $0.title, reactions: reactions[$0.post] ?? 0, bytes: sizes[$0.file]?.2)
            }
    }

    /// The upload file names (`<hash>.<ext>`) a post's Markdown shows.
    static func uploadFiles(in markdown: String) -> [String] {
        var files: [String] = []
        var rest = markdown[...]
        while let found = rest.range(of: "/uploads/") {
            let name = rest[found.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "." }
            if Upload.parse(fileName: String(name)) != nil, !files.contains(String(name)) { files.append(String(name)) }
            rest = rest[found.upperBound...]
        }
        return files
    }

    static func board(_ start: Int64, _ end: Int64, _ sql: any SQLDatabase) async throws -> LetterDraft.Board {
        var board = LetterDraft.Board()
        board.new = try await sql.raw(
            """
            SELECT id, title, vote_count FROM feedback_items WHERE created_at >= \(bind: start) \
            AND created_at < \(bind: end) AND merged_into IS NULL ORDER BY vote_count DESC, id LIMIT 8
            """
        ).all().map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            return LetterDraft.Link(
                key: "feedback:\(id)", title: try row.decode(column: "title", as: String.self), path: "/feedback/\(id)",
                detail: String(try row.decode(column: "vote_count", as: Int.self)))
        }
        for status in [FeedbackItem.Status.planned, .done] {
            let links = try await sql.raw(
                """
                SELECT DISTINCT i.id, i.title FROM feedback_changes c JOIN feedback_items i ON i.id = c.item_id \
                WHERE c.created_at >= \(bind: start) AND c.created_at < \(bind: end) \
                AND c.status = \(bind: status.rawValue) AND i.merged_into IS NULL ORDER BY i.id LIMIT 8
                """
            ).all().map { row in
                let id = try row.decode(column: "id", as: Int64.self)
                return LetterDraft.Link(
                    key: "feedback:\(id)", title: try row.decode(column: "title", as: String.self),
                    path: "/feedback/\(id)")
            }
            if status == .planned { board.planned = links } else { board.done = links }
        }
        return board
    }

    static func counts(_ query: SQLQueryString, _ sql: any SQLDatabase) async throws -> [LetterDraft.Count] {
        try await sql.raw(query).all().map {
            LetterDraft.Count(
                label: try $0.decode(column: "label", as: String.self), count: try $0.decode(column: "n", as: Int.self))
        }
    }
}
