import Foundation
import HearthCore

/// Another Hearth community, through its API: with keywords, a search for each (newest posts that say them);
/// without, its latest topics. With an API key, answers go into the thread there.
struct HearthSource: SourceAdapter {
    let fetcher: OutsideFetcher

    struct Author: Decodable {
        let handle: String
        let displayName: String
    }

    struct Post: Decodable {
        let id: Int64
        let topicId: Int64
        let number: Int?
        let body: String
        let createdAt: Date
        let author: Author
    }

    struct Hit: Decodable {
        let topicId: Int64
        let topicTitle: String
        let post: Post
    }

    struct Topic: Decodable {
        let id: Int64
        let title: String
        let createdAt: Date
        let author: Author
    }

    struct Page<Item: Decodable>: Decodable {
        let items: [Item]
    }

    func read(_ source: Source, credentials: [String: String], cursor: SourceCursor) async throws
        -> (entries: [OutsideEntry], cursor: SourceCursor)
    {
        guard let base = source.url else { throw HearthError.invalid("url", "The community has no address.") }
        let headers = credentials["apiKey"].map { [("Authorization", "Bearer \($0)")] } ?? []
        guard !source.keywords.isEmpty else {
            let body = try await fetcher.body(base + "/api/v1/topics?limit=30", headers: headers)
            let topics = try SourceJSON.decode(Page<Topic>.self, body, what: "a Hearth topic list").items
            return (
                topics.map {
                    OutsideEntry(
                        externalID: "topic:\($0.id)", url: "\(base)/t/\($0.id)", title: $0.title,
                        author: $0.author.displayName, text: $0.title, publishedAt: $0.createdAt,
                        replyTo: String($0.id))
                }, cursor
            )
        }
        var entries: [OutsideEntry] = []
        for keyword in source.keywords {
            let body = try await fetcher.body(base + "/api/v1/search?q=" + SourceJSON.query(keyword), headers: headers)
            for hit in try SourceJSON.decode(Page<Hit>.self, body, what: "a Hearth search").items {
                entries.append(
                    OutsideEntry(
                        externalID: "post:\(hit.post.id)", url: Self.permalink(base, hit.topicId, hit.post.number),
                        title: hit.topicTitle,
                        author: hit.post.author.displayName, text: hit.post.body, publishedAt: hit.post.createdAt,
                        replyTo: String(hit.topicId)))
            }
        }
        return (entries, cursor)
    }

    func answer(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String? {
        guard let base = source.url, let key = credentials["apiKey"], let topic = answer.entry.replyTo else {
            throw HearthError.invalid("body", "\(source.name) needs an API key to take an answer.")
        }
        let body = try await fetcher.post(
            "\(base)/api/v1/topics/\(topic)/posts", body: try SourceJSON.encode(["body": answer.body]),
            headers: [("Authorization", "Bearer \(key)")])
        let post = try? SourceJSON.decode(Post.self, body, what: "a Hearth post")
        return post.map { Self.permalink(base, $0.topicId, $0.number) }
    }

    /// A post's address on a Hearth community: its topic, at the post.
    static func permalink(_ base: String, _ topic: Int64, _ number: Int?) -> String {
        number.map { "\(base)/t/\(topic)?post=\($0)#p\($0)" } ?? "\(base)/t/\(topic)"
    }
}

/// A Discourse forum, through its public JSON API: with keywords, a search for each, newest first; without, the
/// latest topics. With an API key (and the user it acts as, for an admin key), answers go into the topic there.
struct DiscourseSource: SourceAdapter {
    let fetcher: OutsideFetcher

    struct Search: Decodable {
        struct Post: Decodable {
            let id: Int64
            let username: String?
            let created_at: Date?
            let blurb: String?
            let topic_id: Int64
            let post_number: Int?
        }

        struct Topic: Decodable {
            let id: Int64
            let title: String?
            let slug: String?
        }

        let posts: [Post]?
        let topics: [Topic]?
    }

    struct Latest: Decodable {
        struct Topic: Decodable {
            let id: Int64
            let title: String
            let slug: String?
            let created_at: Date?
            let excerpt: String?
            let last_poster_username: String?
        }

        struct List: Decodable {
            let topics: [Topic]
        }

        let topic_list: List
    }

    struct Created: Decodable {
        let topic_id: Int64
        let post_number: Int?
        let topic_slug: String?
    }

    func read(_ source: Source, credentials: [String: String], cursor: SourceCursor) async throws
        -> (entries: [OutsideEntry], cursor: SourceCursor)
    {
        guard let base = source.url else { throw HearthError.invalid("url", "The forum has no address.") }
        let headers = Self.headers(credentials)
        guard !source.keywords.isEmpty else {
            let body = try await fetcher.body(base + "/latest.json", headers: headers)
            let topics = try SourceJSON.decode(Latest.self, body, what: "a Discourse topic list").topic_list.topics
            return (
                topics.map {
                    OutsideEntry(
                        externalID: "topic:\($0.id)", url: "\(base)/t/\($0.slug ?? "topic")/\($0.id)", title: $0.title,
                        author: $0.last_poster_username, text: FeedParser.plain($0.excerpt ?? $0.title),
                        publishedAt: $0.created_at, replyTo: String($0.id))
                }, cursor
            )
        }
        var entries: [OutsideEntry] = []
        for keyword in source.keywords {
            let body = try await fetcher.body(
                base + "/search.json?q=" + SourceJSON.query(keyword + " order:latest"), headers: headers)
            let found = try SourceJSON.decode(Search.self, body, what: "a Discourse search")
            let topics = Dictionary((found.topics ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for post in found.posts ?? [] {
                let topic = topics[post.topic_id]
                entries.append(
                    OutsideEntry(
                        externalID: "post:\(post.id)",
                        url: "\(base)/t/\(topic?.slug ?? "topic")/\(post.topic_id)/\(post.post_number ?? 1)",
                        title: topic?.title ?? "", author: post.username, text: FeedParser.plain(post.blurb ?? ""),
                        publishedAt: post.created_at, replyTo: String(post.topic_id)))
            }
        }
        return (entries, cursor)
    }

    func answer(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String? {
        guard let base = source.url, credentials["apiKey"] != nil, let topic = answer.entry.replyTo,
            let topicID = Int64(topic)
        else { throw HearthError.invalid("body", "\(source.name) needs an API key to take an answer.") }
        struct NewPost: Encodable {
            let topic_id: Int64
            let raw: String
        }
        let body = try await fetcher.post(
            base + "/posts.json", body: try SourceJSON.encode(NewPost(topic_id: topicID, raw: answer.body)),
            headers: Self.headers(credentials))
        let created = try? SourceJSON.decode(Created.self, body, what: "a Discourse post")
        return created.map { "\(base)/t/\($0.topic_slug ?? "topic")/\($0.topic_id)/\($0.post_number ?? 1)" }
    }

    /// An admin key acts as a user named beside it; a user API key alone speaks for its user.
    static func headers(_ credentials: [String: String]) -> [(String, String)] {
        guard let key = credentials["apiKey"] else { return [] }
        guard let user = credentials["username"] else { return [("User-Api-Key", key)] }
        return [("Api-Key", key), ("Api-Username", user)]
    }
}
