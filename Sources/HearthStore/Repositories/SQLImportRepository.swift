import Foundation
import HearthCore
import SQLKit

/// Imports through the ledger in `import_keys`. A thread is one transaction: its topic, its new posts,
/// their revisions, reactions and search entries, and the topic's counters.
public struct SQLImportRepository: ImportRepository {
    private let database: HearthDatabase
    private let search: any SearchIndex

    public init(database: HearthDatabase) {
        self.database = database
        self.search = database.engine.searchIndex
    }

    public func member(_ member: ImportedMember, source: String) async throws -> (MemberID, created: Bool) {
        try await database.write { sql in
            if let known = try await Self.localID(source, "member", member.externalID, sql) {
                return (MemberID(known), false)
            }
            let handle = try await SQLMemberRepository.freeHandle(for: member.displayName, sql)
            // An address under .invalid (RFC 2606) can never receive mail; the account cannot log in until
            // staff give it a real address.
            let email =
                "\(Slug.make(source, fallback: "import"))-\(Slug.make(member.externalID, fallback: "x"))@import.invalid"
            let id = try await sql.insert(into: "members")
                .columns(
                    "email", "handle", "display_name", "bio", "role", "password_hash", "created_at",
                    "email_confirmed_at"
                )
                .values(
                    SQLBind(email), SQLBind(handle), SQLBind(String(member.displayName.prefix(60))),
                    SQLBind(member.bio), SQLBind(Role.member.rawValue), SQLBind("!imported"),
                    SQLBind(member.createdAt.millisecondsSince1970), SQLBind(member.createdAt.millisecondsSince1970)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
            guard let id else { throw HearthError.unavailable("An imported member could not be saved.") }
            try await Self.record(source, "member", member.externalID, id, sql)
            return (MemberID(id), true)
        }
    }

    public func category(externalID: String, _ category: NewCategory, source: String) async throws
        -> (CategoryID, created: Bool)
    {
        if let known = try await database.read({ sql in try await Self.localID(source, "category", externalID, sql) }) {
            return (CategoryID(known), false)
        }
        var candidate = category
        let forum = SQLForumRepository(database: database)
        if try await forum.category(slug: candidate.slug) != nil {
            candidate.slug += "-\(Slug.make(source, fallback: "import"))"
        }
        let created = try await forum.createCategory(candidate)
        try await database.write { sql in
            try await Self.record(source, "category", externalID, created.id.rawValue, sql)
        }
        return (created.id, true)
    }

    public func thread(_ thread: ImportedThread, source: String) async throws -> ImportCounts {
        guard let opening = thread.posts.first else { return ImportCounts() }
        let search = self.search
        return try await database.write { sql in
            var counts = ImportCounts()
            var topicID: Int64
            if let known = try await Self.localID(source, "topic", thread.externalID, sql) {
                topicID = known
                counts.alreadyThere += 1
            } else {
                let at = opening.createdAt.millisecondsSince1970
                guard
                    let id = try await sql.insert(into: "topics")
                        .columns(
                            "category_id", "author_id", "title", "created_at", "last_posted_at", "last_poster_id",
                            "post_count", "highest_number", "closed_at"
                        )
                        .values(
                            SQLBind(thread.categoryID.rawValue), SQLBind(opening.authorID.rawValue),
                            SQLBind(String(thread.title.prefix(PostRules.titleLength.upperBound))), SQLBind(at),
                            SQLBind(at), SQLBind(opening.authorID.rawValue), SQLBind(0), SQLBind(0),
                            SQLBind(thread.closedAt?.millisecondsSince1970)
                        )
                        .returning("id").first(decodingColumn: "id", as: Int64.self)
                else { throw HearthError.unavailable("An imported topic could not be saved.") }
                topicID = id
                try await Self.record(source, "topic", thread.externalID, id, sql)
                counts.topics += 1
                if thread.closedAt != nil { counts.closedTopics += 1 }
            }
            for post in thread.posts {
                if try await Self.localID(source, "post", post.externalID, sql) != nil {
                    counts.alreadyThere += 1
                    continue
                }
                counts =
                    counts
                    + (try await Self.insert(post, topicID: topicID, title: thread.title, source: source, search, sql))
            }
            return counts
        }
    }

    private static func insert(
        _ post: ImportedPost, topicID: Int64, title: String, source: String, _ search: any SearchIndex,
        _ sql: any SQLDatabase
    ) async throws -> ImportCounts {
        var counts = ImportCounts()
        let at = post.createdAt.millisecondsSince1970
        guard
            let number = try await sql.update("topics")
                .set(SQLIdentifier("highest_number"), to: SQLRaw("highest_number + 1"))
                .set(SQLIdentifier("post_count"), to: SQLRaw("post_count + 1"))
                .where("id", .equal, topicID)
                .returning("highest_number").first(decodingColumn: "highest_number", as: Int.self)
        else { throw HearthError.notFound("An imported topic is missing.") }
        try await sql.update("topics").set("last_posted_at", to: at).set("last_poster_id", to: post.authorID.rawValue)
            .where("id", .equal, topicID).where("last_posted_at", .lessThanOrEqual, at).run()
        var quoted: Int64?
        if let external = post.quotesExternalID { quoted = try await localID(source, "post", external, sql) }
        let edited = post.revisions.last?.replacedAt.millisecondsSince1970
        guard
            let postID = try await sql.insert(into: "posts")
                .columns(
                    "topic_id", "number", "author_id", "body", "html", "quote_post_id", "created_at", "edited_at",
                    "edit_count"
                )
                .values(
                    SQLBind(topicID), SQLBind(number), SQLBind(post.authorID.rawValue), SQLBind(post.body),
                    SQLBind(post.html), SQLBind(quoted), SQLBind(at), SQLBind(edited), SQLBind(post.revisions.count)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
        else { throw HearthError.unavailable("An imported post could not be saved.") }
        try await record(source, "post", post.externalID, postID, sql)
        try await search.enqueue(postID: postID, title: number == 1 ? title : "", body: post.body, sql)
        counts.posts += 1
        for revision in post.revisions {
            try await sql.insert(into: "post_revisions")
                .columns("post_id", "body", "editor_id", "replaced_at")
                .values(
                    SQLBind(postID), SQLBind(revision.body), SQLBind(revision.editorID.rawValue),
                    SQLBind(revision.replacedAt.millisecondsSince1970)
                )
                .run()
            counts.revisions += 1
        }
        var given: Set<String> = []
        for reaction in post.reactions where given.insert("\(reaction.memberID)-\(reaction.kind)").inserted {
            try await sql.insert(into: "reactions")
                .columns("post_id", "member_id", "kind", "created_at")
                .values(
                    SQLBind(postID), SQLBind(reaction.memberID.rawValue), SQLBind(reaction.kind.rawValue),
                    SQLBind(reaction.createdAt.millisecondsSince1970)
                )
                .run()
            counts.reactions += 1
        }
        return counts
    }

    static func localID(_ source: String, _ kind: String, _ externalID: String, _ sql: any SQLDatabase) async throws
        -> Int64?
    {
        try await sql.select().column("local_id").from("import_keys")
            .where("source", .equal, source).where("kind", .equal, kind).where("external_id", .equal, externalID)
            .first(decodingColumn: "local_id", as: Int64.self)
    }

    static func record(_ source: String, _ kind: String, _ externalID: String, _ localID: Int64, _ sql: any SQLDatabase)
        async throws
    {
        try await sql.insert(into: "import_keys").columns("source", "kind", "external_id", "local_id")
            .values(SQLBind(source), SQLBind(kind), SQLBind(externalID), SQLBind(localID)).run()
    }
}
