import Foundation
import HearthCore
import SQLKit

/// Writes one `ImportBatch` inside the transaction `SQLImportRepository.write` opened, a few statements for the
/// whole batch rather than several per row:
///
/// 1. one look-up in the ledger for everything the batch names (members, topics, posts and quoted posts);
/// 2. the members the ledger does not know, with free handles;
/// 3. the topics it does not know, their counters already final; topics it knows get their new posts numbered
///    after their last one;
/// 4. the posts it does not know, in their threads' order, with ids taken beforehand so that quotes of posts of the
///    same batch are set as they are written;
/// 5. revisions, reactions, counters of topics that were there already, the ledger's rows and search entries.
///
/// A topic or post the ledger knows is counted as already there and left as it is, so a batch written twice (a
/// re-run, or a newer dump of the same site) adds only what is new.
struct ImportBatchWriter {
    let source: String
    /// The ledger's number for `source`.
    let sourceID: Int64
    let engine: DatabaseEngine
    let sql: any SQLDatabase

    /// What the ledger says each external id became, by kind.
    private var members: [String: Int64] = [:]
    private var topics: [String: Int64] = [:]
    private var posts: [String: Int64] = [:]
    /// Ledger rows to add: kind, external id, local id.
    private var ledger: [[any Encodable & Sendable]] = []
    private var counts = ImportCounts()

    init(source: String, sourceID: Int64, engine: DatabaseEngine, sql: any SQLDatabase) {
        self.source = source
        self.sourceID = sourceID
        self.engine = engine
        self.sql = sql
    }

    /// A topic of the batch and the posts it gets.
    private struct TopicPlan {
        let thread: ImportedThread
        var topicID: Int64?
        /// The post numbers continue after this one (0 for a new topic).
        var highestNumber = 0
        var lastPostedAt: Int64
        var lastPosterID: Int64
        var newPosts: [ImportedPost] = []
    }

    mutating func write(_ batch: ImportBatch) async throws -> ImportCounts {
        try await lookUp(batch)
        try await createMembers(batch.members)
        var plans = try planTopics(batch.threads)
        try await createTopics(&plans)
        try await continueTopics(&plans)
        let written = try await createPosts(plans)
        try await createRevisionsAndReactions(written)
        _ = try await MultiRowInsert.run(ledger, on: sql) { rows in
            MultiRowInsert(
                head: "INSERT INTO import_ledger (source_id, kind, external_id, local_id) VALUES ",
                row: [
                    .text("("), .value(0), .text(", "), .value(1), .text(", "), .value(2), .text(", "), .value(3),
                    .text(")"),
                ],
                rows: rows, tail: "")
        }
        // Last: on SQLite, FTS5 would write its pending entries out at the next statement.
        try await engine.indexImported(
            written.map {
                SearchEntry(
                    postID: $0.id, title: $0.number == 1 ? $0.title : "", body: $0.post.body, scope: $0.scope)
            }, sql)
        return counts
    }

    // MARK: The ledger

    private mutating func lookUp(_ batch: ImportBatch) async throws {
        var memberKeys = Set(batch.members.map(\.externalID))
        var postKeys: Set<String> = []
        for thread in batch.threads {
            for post in thread.posts {
                memberKeys.insert(post.authorExternalID)
                postKeys.insert(post.externalID)
                if let quoted = post.quotesExternalID { postKeys.insert(quoted) }
                for revision in post.revisions { memberKeys.insert(revision.editorExternalID) }
                for reaction in post.reactions { memberKeys.insert(reaction.memberExternalID) }
            }
        }
        members = try await known("member", memberKeys)
        topics = try await known("topic", Set(batch.threads.map(\.externalID)))
        posts = try await known("post", postKeys)
    }

    /// The local ids the ledger holds for `keys` of `kind`, a few hundred keys per statement.
    private func known(_ kind: String, _ keys: Set<String>) async throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        let keys = Array(keys)
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + MultiRowInsert.rowsPerStatement * 4)
            let rows = try await sql.raw(
                """
                SELECT external_id, local_id FROM import_ledger \
                WHERE source_id = \(bind: sourceID) AND kind = \(bind: kind) AND external_id IN (\(binds: Array(keys[start..<end])))
                """
            ).all()
            for row in rows {
                found[try row.decode(column: "external_id", as: String.self)] = try row.decode(
                    column: "local_id", as: Int64.self)
            }
            start = end
        }
        return found
    }

    private mutating func record(_ kind: String, _ externalID: String, _ localID: Int64) {
        ledger.append([sourceID, kind, externalID, localID])
    }

    // MARK: Members

    private mutating func createMembers(_ candidates: [ImportedMember]) async throws {
        var seen: Set<String> = []
        let fresh = candidates.filter { members[$0.externalID] == nil && seen.insert($0.externalID).inserted }
        guard !fresh.isEmpty else { return }
        let handles = try await freeHandles(fresh.map { Handle.base(for: $0.displayName) })
        let ids = try await reserveIDs(in: "members", fresh.count)
        var rows: [[any Encodable & Sendable]] = []
        for ((member, handle), id) in zip(zip(fresh, handles), ids) {
            // An address under .invalid (RFC 2606) can never receive mail; the account cannot log in until
            // staff give it a real address. Members who wrote elsewhere start basic on the trust ladder, not new.
            let email =
                "\(Slug.make(source, fallback: "import"))-\(Slug.make(member.externalID, fallback: "x"))@import.invalid"
            let joined = member.createdAt.millisecondsSince1970
            rows.append([
                id, email, handle, String(member.displayName.prefix(60)), member.bio, Role.member.rawValue,
                "!imported", joined, joined, TrustLevel.basic.rawValue,
            ])
            members[member.externalID] = id
            record("member", member.externalID, id)
        }
        _ = try await MultiRowInsert.run(rows, on: sql) { rows in
            MultiRowInsert(
                into: "members",
                columns: [
                    "id", "email", "handle", "display_name", "bio", "role", "password_hash", "created_at",
                    "email_confirmed_at", "trust_level",
                ], rows: rows)
        }
        counts.members += fresh.count
    }

    /// A free handle for each base, in order: the base itself when no member has it, else the base followed by the
    /// smallest number from 2 that is free, as `SQLMemberRepository.freeHandle` chooses for one member.
    private func freeHandles(_ bases: [String]) async throws -> [String] {
        var taken = try await existingHandles(Set(bases))
        /// Per base: the numbers already looked up, up to which, and the next to try.
        var checkedUpTo: [String: Int] = [:]
        var nextNumber: [String: Int] = [:]
        var handles: [String] = []
        for base in bases {
            if taken.insert(base).inserted {
                handles.append(base)
                continue
            }
            var number = nextNumber[base] ?? 2
            while true {
                let checked = checkedUpTo[base] ?? 1
                if number > checked {
                    // Look a window of candidates up at once: names that many people share ("John") would
                    // otherwise cost a statement per number.
                    let window = (checked + 1)...(checked + 64)
                    taken.formUnion(try await existingHandles(Set(window.map { "\(base)\($0)" })))
                    checkedUpTo[base] = window.upperBound
                }
                if taken.insert("\(base)\(number)").inserted { break }
                number += 1
            }
            handles.append("\(base)\(number)")
            nextNumber[base] = number + 1
        }
        return handles
    }

    private func existingHandles(_ candidates: Set<String>) async throws -> Set<String> {
        guard !candidates.isEmpty else { return [] }
        var found: Set<String> = []
        let list = Array(candidates)
        var start = 0
        while start < list.count {
            let end = min(list.count, start + MultiRowInsert.rowsPerStatement * 4)
            let rows = try await sql.raw(
                "SELECT handle FROM members WHERE handle IN (\(binds: Array(list[start..<end])))"
            ).all()
            for row in rows { found.insert(try row.decode(column: "handle", as: String.self)) }
            start = end
        }
        return found
    }

    private func member(_ key: String) throws -> Int64 {
        guard let id = members[key] else {
            throw HearthError.unavailable("An imported post names someone the import did not bring in (\(key)).")
        }
        return id
    }

    // MARK: Topics

    /// Each thread's topic and the posts the ledger does not know, in the thread's order. A post named twice in
    /// the batch is written once.
    private mutating func planTopics(_ threads: [ImportedThread]) throws -> [TopicPlan] {
        var plans: [TopicPlan] = []
        var byThread: [String: Int] = [:]
        var planned: Set<String> = []
        for thread in threads {
            guard let opening = thread.posts.first else { continue }
            let index: Int
            if let known = byThread[thread.externalID] {
                index = known
            } else {
                index = plans.count
                byThread[thread.externalID] = index
                let openedAt = opening.createdAt.millisecondsSince1970
                plans.append(
                    TopicPlan(
                        thread: thread, topicID: topics[thread.externalID], lastPostedAt: openedAt,
                        lastPosterID: try member(opening.authorExternalID)))
                if topics[thread.externalID] != nil {
                    counts.alreadyThere += 1
                } else {
                    counts.topics += 1
                    if thread.closedAt != nil { counts.closedTopics += 1 }
                }
            }
            for post in thread.posts {
                guard posts[post.externalID] == nil, planned.insert(post.externalID).inserted else {
                    counts.alreadyThere += 1
                    continue
                }
                plans[index].newPosts.append(post)
            }
        }
        return plans
    }

    /// Creates the new topics with their counters as they will be once their posts are in.
    private mutating func createTopics(_ plans: inout [TopicPlan]) async throws {
        let fresh = plans.indices.filter { plans[$0].topicID == nil }
        guard !fresh.isEmpty else { return }
        let ids = try await reserveIDs(in: "topics", fresh.count)
        var rows: [[any Encodable & Sendable]] = []
        for (index, id) in zip(fresh, ids) {
            let plan = plans[index]
            let opening = plan.thread.posts[0]
            let (lastPostedAt, lastPosterID) = try latest(plan)
            rows.append([
                id, plan.thread.categoryID.rawValue, try member(opening.authorExternalID),
                String(plan.thread.title.prefix(PostRules.titleLength.upperBound)),
                opening.createdAt.millisecondsSince1970, lastPostedAt, lastPosterID, plan.newPosts.count,
                plan.newPosts.count, plan.thread.closedAt?.millisecondsSince1970,
            ])
            plans[index].topicID = id
            record("topic", plan.thread.externalID, id)
        }
        _ = try await MultiRowInsert.run(rows, on: sql) { rows in
            MultiRowInsert(
                into: "topics",
                columns: [
                    "id", "category_id", "author_id", "title", "created_at", "last_posted_at", "last_poster_id",
                    "post_count", "highest_number", "closed_at",
                ], rows: rows)
        }
    }

    /// When the topic was last posted in and by whom, once its new posts are in: the latest of its new posts (the
    /// later one in the thread's order on a tie), or what it had when that was later.
    private func latest(_ plan: TopicPlan) throws -> (Int64, Int64) {
        var at = plan.lastPostedAt
        var poster = plan.lastPosterID
        for post in plan.newPosts where post.createdAt.millisecondsSince1970 >= at {
            at = post.createdAt.millisecondsSince1970
            poster = try member(post.authorExternalID)
        }
        return (at, poster)
    }

    /// Topics that were there already and get new posts: their numbers continue after their highest, and their
    /// counters move on.
    private mutating func continueTopics(_ plans: inout [TopicPlan]) async throws {
        let continued = plans.indices.filter {
            topics[plans[$0].thread.externalID] != nil && !plans[$0].newPosts.isEmpty
        }
        guard !continued.isEmpty else { return }
        let ids = continued.compactMap { plans[$0].topicID }
        let rows = try await sql.raw(
            "SELECT id, highest_number, last_posted_at, last_poster_id FROM topics WHERE id IN (\(binds: ids))"
        ).all()
        var current: [Int64: (Int, Int64, Int64)] = [:]
        for row in rows {
            current[try row.decode(column: "id", as: Int64.self)] = (
                try row.decode(column: "highest_number", as: Int.self),
                try row.decode(column: "last_posted_at", as: Int64.self),
                try row.decode(column: "last_poster_id", as: Int64.self)
            )
        }
        for index in continued {
            guard let id = plans[index].topicID, let (highest, lastPostedAt, lastPosterID) = current[id] else {
                throw HearthError.notFound("An imported topic is missing.")
            }
            plans[index].highestNumber = highest
            plans[index].lastPostedAt = lastPostedAt
            plans[index].lastPosterID = lastPosterID
            let (at, poster) = try latest(plans[index])
            let added = plans[index].newPosts.count
            try await sql.raw(
                """
                UPDATE topics SET highest_number = \(bind: highest + added), post_count = post_count + \(bind: added), \
                last_posted_at = \(bind: at), last_poster_id = \(bind: poster) WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    // MARK: Posts

    /// A post as written.
    struct WrittenPost {
        let id: Int64
        let topicID: Int64
        let number: Int
        let title: String
        let post: ImportedPost
        /// Where it is, who wrote it and when, for its search entry.
        let scope: SearchScope
    }

    /// Inserts the new posts in the order of their threads, with ids taken beforehand so that a post can quote
    /// one written before it in the same batch as it is inserted (an UPDATE of the quotes afterwards rewrote
    /// every such row on PostgreSQL).
    private mutating func createPosts(_ plans: [TopicPlan]) async throws -> [WrittenPost] {
        let count = plans.reduce(0) { $0 + ($1.topicID == nil ? 0 : $1.newPosts.count) }
        guard count > 0 else { return [] }
        var ids = try await reserveIDs(in: "posts", count)[...]
        var written: [WrittenPost] = []
        written.reserveCapacity(count)
        for plan in plans {
            guard let topicID = plan.topicID else { continue }
            for (offset, post) in plan.newPosts.enumerated() {
                let id = ids.removeFirst()
                record("post", post.externalID, id)
                written.append(
                    WrittenPost(
                        id: id, topicID: topicID, number: plan.highestNumber + offset + 1, title: plan.thread.title,
                        post: post,
                        scope: SearchScope(
                            categoryID: plan.thread.categoryID.rawValue, authorID: try member(post.authorExternalID),
                            createdAt: post.createdAt.millisecondsSince1970)))
            }
        }
        var rows: [[any Encodable & Sendable]] = []
        rows.reserveCapacity(count)
        for item in written {
            let post = item.post
            // A quote names a post imported before, or written before it in this batch, as when posts were
            // written one by one (a comment dated before the answer it comments on quotes nothing).
            rows.append([
                item.id, item.topicID, item.number, try member(post.authorExternalID),
                PostContent.pack(markdown: post.body, html: post.html),
                post.quotesExternalID.flatMap { posts[$0] }, post.createdAt.millisecondsSince1970,
                post.revisions.last?.replacedAt.millisecondsSince1970, post.revisions.count,
            ])
            posts[post.externalID] = item.id
        }
        _ = try await MultiRowInsert.run(rows, on: sql) { rows in
            MultiRowInsert(
                into: "posts",
                columns: [
                    "id", "topic_id", "number", "author_id", "content", "quote_post_id", "created_at",
                    "edited_at", "edit_count",
                ], rows: rows)
        }
        counts.posts += written.count
        return written
    }

    /// `count` new ids for rows of `table`, in increasing order. SQLite gives a new row the largest id plus one,
    /// and this transaction holds the only writer; PostgreSQL draws them from the column's sequence, which no one
    /// else will draw again.
    private func reserveIDs(in table: String, _ count: Int) async throws -> [Int64] {
        guard count > 0 else { return [] }
        switch engine {
        case .sqlite:
            let largest =
                try await sql.raw("SELECT MAX(id) AS id FROM \(ident: table)").first(
                    decodingColumn: "id", as: Int64?.self)
                ?? nil
            let first = (largest ?? 0) + 1
            return Array(first..<(first + Int64(count)))
        case .postgres:
            let rows = try await sql.raw(
                """
                SELECT nextval(pg_get_serial_sequence(\(bind: table), 'id')) AS id \
                FROM generate_series(1, \(bind: count))
                """
            ).all()
            let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }.sorted()
            guard ids.count == count else {
                throw HearthError.unavailable("The database gave fewer new ids than the import asked for.")
            }
            return ids
        }
    }

    private mutating func createRevisionsAndReactions(_ written: [WrittenPost]) async throws {
        var revisions: [[any Encodable & Sendable]] = []
        var reactions: [[any Encodable & Sendable]] = []
        for item in written {
            for revision in item.post.revisions {
                revisions.append([
                    item.id, revision.body, try member(revision.editorExternalID),
                    revision.replacedAt.millisecondsSince1970,
                ])
            }
            // One reaction of a kind per member and post: two of the source's people may be one member here
            // (everyone deleted is the "former member").
            var given: Set<String> = []
            for reaction in item.post.reactions {
                let memberID = try member(reaction.memberExternalID)
                guard given.insert("\(memberID)-\(reaction.kind.rawValue)").inserted else { continue }
                reactions.append([item.id, memberID, reaction.kind.rawValue, reaction.createdAt.millisecondsSince1970])
            }
        }
        _ = try await MultiRowInsert.run(revisions, on: sql) { rows in
            MultiRowInsert(
                into: "post_revisions", columns: ["post_id", "body", "editor_id", "replaced_at"], rows: rows)
        }
        _ = try await MultiRowInsert.run(reactions, on: sql) { rows in
            MultiRowInsert(into: "reactions", columns: ["post_id", "member_id", "kind", "created_at"], rows: rows)
        }
        counts.revisions += revisions.count
        counts.reactions += reactions.count
    }
}
