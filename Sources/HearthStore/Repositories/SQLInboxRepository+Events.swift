import Foundation
import HearthCore
import SQLKit

/// The inbox kept current by the forum's and moderation's own writes, in their transactions: a post that asks
/// for attention comes in, a reply answers a question, a flag or a fire brings something in, a deletion or a
/// moderator's decision takes it out. Never a scan of the forum.
extension SQLInboxRepository {
    /// A new post whose rank says it belongs in the inbox. A newcomer's first post is told from their others by
    /// one probe of the author's posts.
    static func add(
        _ draft: InboxDraft, post postID: PostID, topic topicID: TopicID, author: MemberID, at date: Date,
        _ sql: any SQLDatabase
    ) async throws {
        var facts = draft.facts
        if facts.newcomer {
            facts.firstPost =
                try await sql.raw(
                    """
                    SELECT id FROM posts WHERE author_id = \(bind: author.rawValue) AND id < \(bind: postID.rawValue) \
                    LIMIT 1
                    """
                ).first() == nil
        }
        (facts.authorTrolls, facts.authorPertinent) = try await authorMarks(author, sql)
        let rank = InboxRanking.rank(facts)
        guard rank.listed else { return }
        try await insert(
            key: "post:\(postID.rawValue)", kind: .post, post: postID, topic: topicID, category: draft.categoryID,
            author: author, facts, rank, at: date, sql)
    }

    /// A reply by `replier` answers the questions waiting in its topic that others asked.
    static func answer(in topicID: TopicID, by replier: MemberSummary, at date: Date, _ sql: any SQLDatabase)
        async throws
    {
        // Two index ranges, below and above the replier: `author_id <> ?` read every waiting item of the topic,
        // the replier's own included, so a member posting thousands of replies in one thread slowed every reply
        // (create post fell from about 5,900 to 900 a second in `bench/forum.sh`).
        let waiting: SQLQueryString = "i.topic_id = \(bind: topicID.rawValue) AND i.awaiting_answer = 1 AND i.author_id"
        let statement: SQLQueryString =
            select + " WHERE " + waiting + " < \(bind: replier.id.rawValue) UNION ALL " + select + " WHERE " + waiting
            + " > \(bind: replier.id.rawValue)"
        let waitingItems = try await sql.raw(statement).all().map(item)
        for item in waitingItems where item.state == .open {
            var facts = item.facts
            facts.answeredBy = replier.displayName
            try await rerank(item, facts, at: date, sql)
        }
    }

    /// A review item opened or grew: the flagged or held post, the heated topic or the flagged profile comes into
    /// the inbox (back in, when it had left), linked to the review queue by its reasons.
    static func reviewOpened(_ review: ReviewItem, at date: Date, _ sql: any SQLDatabase) async throws {
        switch review.kind {
        case .heatedTopic:
            guard let postID = review.postID, let place = try await place(of: postID, sql) else { return }
            var facts = InboxFacts()
            facts.heat = review.reasons
            try await upsert(
                key: "topic:\(place.topic.rawValue)", kind: .heated, post: nil, topic: place.topic,
                category: place.category, author: nil, facts: facts, for: review, at: date, sql)
        case .flaggedProfile:
            guard let memberID = review.memberID else { return }
            var facts = InboxFacts()
            facts.review = review.reasons
            try await upsert(
                key: "member:\(memberID.rawValue)", kind: .profile, post: nil, topic: nil, category: nil,
                author: memberID, facts: facts, for: review, at: date, sql)
        case .flaggedPost, .heldPost, .engineFlag:
            guard let postID = review.postID else { return }
            let key = "post:\(postID.rawValue)"
            if let existing = try await sql.raw(select + " WHERE i.source_key = \(bind: key)").first().map(item) {
                var facts = existing.facts
                facts.review = review.reasons
                try await reopen(existing, facts, for: review, at: date, sql)
                return
            }
            guard let (found, place) = try await postFacts(postID, sql) else { return }
            var facts = found
            facts.review = review.reasons
            try await insert(
                key: key, kind: .post, post: postID, topic: place.topic, category: place.category,
                author: place.author, facts, InboxRanking.rank(facts), at: date, sql)
        }
    }

    /// A moderator decided a review item: a fire or a profile is dealt with; a post hidden or deleted leaves; a
    /// post kept stays for whatever else it asks (a question, a bug) without the flag.
    static func reviewDecided(
        _ kind: ReviewItem.Kind, post postID: PostID?, member memberID: MemberID?, outcome: ReviewItem.Outcome,
        by moderator: MemberID, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        let key: String
        switch kind {
        case .heatedTopic:
            guard let postID, let place = try await place(of: postID, sql) else { return }
            key = "topic:\(place.topic.rawValue)"
        case .flaggedProfile:
            guard let memberID else { return }
            key = "member:\(memberID.rawValue)"
        case .flaggedPost, .heldPost, .engineFlag:
            guard let postID else { return }
            key = "post:\(postID.rawValue)"
        }
        guard let item = try await sql.raw(select + " WHERE i.source_key = \(bind: key)").first().map(item),
            item.state == .open
        else { return }
        if item.kind == .post, outcome == .approved || outcome == .ignored {
            var facts = item.facts
            facts.review = []
            try await rerank(item, facts, at: date, sql)
            return
        }
        try await sql.raw(
            """
            UPDATE inbox_items SET state = 'handled', awaiting_answer = 0, decided_by = \(bind: moderator.rawValue), \
            decision = 'handled', decided_at = \(bind: date.millisecondsSince1970), \
            updated_at = \(bind: date.millisecondsSince1970) WHERE id = \(bind: item.id.rawValue)
            """
        ).run()
    }

    /// A post deleted or hidden: its item leaves the inbox; with its topic (`topic`), every item in it.
    static func postRemoved(_ postID: PostID, topic: TopicID?, at date: Date, _ sql: any SQLDatabase) async throws {
        let which: SQLQueryString =
            topic.map { "topic_id = \(bind: $0.rawValue)" } ?? "source_key = \(bind: "post:\(postID.rawValue)")"
        try await sql.raw(
            "UPDATE inbox_items SET state = 'closed', awaiting_answer = 0, updated_at = \(bind: date.millisecondsSince1970) WHERE "
                + which + " AND state = 'open'"
        ).run()
    }

    /// Brings the latest `limit` posts of members that have no item yet into the inbox, from their stored
    /// readings, answered or not by what followed them: after an import, or for the demo community.
    static func gather(latest limit: Int, at date: Date, _ sql: any SQLDatabase) async throws -> Int {
        let candidates = try await sql.raw(
            """
            SELECT p.id, (SELECT a.display_name FROM posts q JOIN members a ON a.id = q.author_id \
            WHERE q.topic_id = p.topic_id AND q.number > p.number AND q.author_id <> p.author_id \
            AND q.deleted_at IS NULL AND q.moderation = 'visible' ORDER BY q.number LIMIT 1) AS answered_by \
            FROM posts p JOIN members m ON m.id = p.author_id \
            WHERE m.role = 'member' AND p.deleted_at IS NULL AND p.moderation = 'visible' \
            AND NOT EXISTS (SELECT 1 FROM inbox_items i WHERE i.post_id = p.id) ORDER BY p.id DESC LIMIT \(bind: limit)
            """
        ).all()
        var added = 0
        for row in candidates {
            let postID = PostID(try row.decode(column: "id", as: Int64.self))
            guard let (found, place) = try await postFacts(postID, sql) else { continue }
            var facts = found
            facts.answeredBy = try row.decode(column: "answered_by", as: String?.self)
            let rank = InboxRanking.rank(facts)
            guard rank.listed else { continue }
            try await insert(
                key: "post:\(postID.rawValue)", kind: .post, post: postID, topic: place.topic, category: place.category,
                author: place.author, facts, rank, at: date, sql)
            added += 1
        }
        return added
    }

    // MARK: Helpers

    /// Stores new facts on an item, opening it again if it had left before `review` opened (a topic heating up a
    /// second time, a post flagged after it was handled); one decided since the review item opened stays decided,
    /// however much the review item grows.
    static func reopen(
        _ item: InboxItem, _ facts: InboxFacts, for review: ReviewItem, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        if item.state != .open {
            if let decided = item.decidedAt, decided >= review.createdAt { return }
            try await sql.raw(
                """
                UPDATE inbox_items SET state = 'open', decided_by = NULL, decision = NULL, decided_at = NULL, \
                snoozed_until = NULL WHERE id = \(bind: item.id.rawValue)
                """
            ).run()
        }
        try await rerank(item, facts, at: date, sql)
    }

    static func upsert(
        key: String, kind: InboxItem.Kind, post: PostID?, topic: TopicID?, category: CategoryID?, author: MemberID?,
        facts: InboxFacts, for review: ReviewItem, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        if let existing = try await sql.raw(select + " WHERE i.source_key = \(bind: key)").first().map(item) {
            try await reopen(existing, facts, for: review, at: date, sql)
        } else {
            try await insert(
                key: key, kind: kind, post: post, topic: topic, category: category, author: author, facts,
                InboxRanking.rank(facts, kind: kind), at: date, sql)
        }
    }

    static func insert(
        key: String, kind: InboxItem.Kind, post: PostID?, topic: TopicID?, category: CategoryID?, author: MemberID?,
        _ facts: InboxFacts, _ rank: InboxRank, at date: Date, _ sql: any SQLDatabase
    ) async throws {
        let millis = date.millisecondsSince1970
        let awaiting = kind == .post && facts.answeredBy == nil ? 1 : 0
        try await sql.raw(
            """
            INSERT INTO inbox_items (source_key, kind, post_id, topic_id, category_id, author_id, facts, reasons, \
            score, state, awaiting_answer, waited, created_at, updated_at) VALUES (\(bind: key), \
            \(bind: kind.rawValue), \(bind: post?.rawValue), \(bind: topic?.rawValue), \(bind: category?.rawValue), \
            \(bind: author?.rawValue), \(bind: encode(facts)), \(bind: encode(rank.reasons)), \(bind: rank.score), \
            'open', \(bind: awaiting), 0, \(bind: millis), \(bind: millis))
            """
        ).run()
    }

    /// Where a post is: its topic, category and author.
    static func place(of postID: PostID, _ sql: any SQLDatabase) async throws
        -> (topic: TopicID, category: CategoryID, author: MemberID)?
    {
        guard
            let row = try await sql.raw(
                """
                SELECT p.topic_id, p.author_id, t.category_id FROM posts p JOIN topics t ON t.id = p.topic_id \
                WHERE p.id = \(bind: postID.rawValue)
                """
            ).first()
        else { return nil }
        return (
            TopicID(try row.decode(column: "topic_id", as: Int64.self)),
            CategoryID(try row.decode(column: "category_id", as: Int64.self)),
            MemberID(try row.decode(column: "author_id", as: Int64.self))
        )
    }

    /// The facts of a stored post, from its stored reading (a post flagged or held that did not come in when
    /// written, or one imported): whether its author was a newcomer is told at the time it was written.
    static func postFacts(_ postID: PostID, _ sql: any SQLDatabase) async throws
        -> (InboxFacts, (topic: TopicID, category: CategoryID, author: MemberID))?
    {
        guard
            let row = try await sql.raw(
                """
                SELECT p.topic_id, p.author_id, p.number, p.content, p.created_at, t.category_id, \
                m.created_at AS joined, \
                r.feedback_kind, r.toxicity, r.sentiment, r.noise, r.counter_speech, r.explanation \
                FROM posts p JOIN topics t ON t.id = p.topic_id JOIN members m ON m.id = p.author_id \
                LEFT JOIN post_readings r ON r.post_id = p.id WHERE p.id = \(bind: postID.rawValue)
                """
            ).first()
        else { return nil }
        let author = MemberID(try row.decode(column: "author_id", as: Int64.self))
        let joined = Date(millisecondsSince1970: try row.decode(column: "joined", as: Int64.self))
        var facts = InboxFacts()
        if let kind = try row.decode(column: "feedback_kind", as: String?.self) {
            let reading = PostReading(
                language: "", toxicity: try row.decode(column: "toxicity", as: Double.self), feedbackKind: kind,
                sentiment: try row.decode(column: "sentiment", as: Double.self),
                noise: try row.decode(column: "noise", as: Double.self),
                counterSpeech: try row.decode(column: "counter_speech", as: Int64.self) != 0,
                explanation: try row.decode(column: "explanation", as: String.self))
            facts = InboxFacts(
                reading: reading, text: try PostContent.markdown(row),
                newcomer: InboxRules.isNewcomer(
                    joinedAt: joined,
                    at: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self))),
                opensTopic: try row.decode(column: "number", as: Int.self) == 1)
        }
        (facts.authorTrolls, facts.authorPertinent) = try await authorMarks(author, sql)
        return (
            facts,
            (
                TopicID(try row.decode(column: "topic_id", as: Int64.self)),
                CategoryID(try row.decode(column: "category_id", as: Int64.self)), author
            )
        )
    }
}
