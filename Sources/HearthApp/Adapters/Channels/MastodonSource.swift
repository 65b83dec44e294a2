import Foundation
import HearthCore

/// A Mastodon (or compatible) server, through the client API with an access token: the account's mentions (since
/// the last one seen), the timeline of each keyword written as a hashtag ("#hearth"), and the posts of each
/// keyword written as an account ("@partner@example.social"). Answers are replies that
/// mention the author, sent with an idempotency key so that a retried job never posts twice; boosts likewise.
struct MastodonSource: SourceAdapter {
    let fetcher: OutsideFetcher

    struct Account: Decodable {
        let acct: String
        let display_name: String?
    }

    struct Status: Decodable {
        let id: String
        let url: String?
        let content: String
        let created_at: Date
        let account: Account
        /// public, unlisted, private (followers) or direct.
        let visibility: String?
    }

    struct AccountID: Decodable {
        let id: String
    }

    struct Notification: Decodable {
        let id: String
        let type: String
        let status: Status?
    }

    func read(_ source: Source, credentials: [String: String], cursor: SourceCursor) async throws
        -> (entries: [OutsideEntry], cursor: SourceCursor)
    {
        guard let base = source.url, let token = credentials["token"] else {
            throw HearthError.invalid("credentials", "A Mastodon source needs its server and an access token.")
        }
        let headers = [("Authorization", "Bearer \(token)")]
        var address = base + "/api/v1/notifications?types[]=mention&limit=40"
        // The page just after the last one seen, so that a burst of mentions is read over polls, none skipped.
        if let since = cursor.position { address += "&min_id=" + SourceJSON.query(since) }
        let notifications = try SourceJSON.decode(
            [Notification].self, try await fetcher.body(address, headers: headers), what: "a Mastodon notification list"
        )
        var entries = notifications.compactMap { $0.type == "mention" ? $0.status : nil }.map {
            Self.entry($0, direct: true)
        }
        for tag in source.keywords where tag.hasPrefix("#") && tag.count > 1 {
            let statuses = try SourceJSON.decode(
                [Status].self,
                try await fetcher.body(
                    base + "/api/v1/timelines/tag/" + SourceJSON.query(String(tag.dropFirst())) + "?limit=40",
                    headers: headers),
                what: "a Mastodon timeline")
            entries += statuses.map { Self.entry($0, direct: false) }
        }
        // An "@account" keyword follows that account's own posts (a partner's, a rival's), each one in.
        for handle in source.keywords where handle.hasPrefix("@") && handle.count > 1 {
            let account = try SourceJSON.decode(
                AccountID.self,
                try await fetcher.body(
                    base + "/api/v1/accounts/lookup?acct=" + SourceJSON.query(String(handle.dropFirst())),
                    headers: headers),
                what: "a Mastodon account")
            let statuses = try SourceJSON.decode(
                [Status].self,
                try await fetcher.body(
                    base + "/api/v1/accounts/" + SourceJSON.query(account.id) + "/statuses?limit=40", headers: headers),
                what: "a Mastodon timeline")
            entries += statuses.map { Self.entry($0, direct: true) }
        }
        // Mastodon's ids grow with time; the newest mention is where the next poll starts.
        let newest = notifications.map(\.id).max { ($0.count, $0) < ($1.count, $1) }
        return (entries, SourceCursor(position: newest ?? cursor.position))
    }

    static func entry(_ status: Status, direct: Bool) -> OutsideEntry {
        OutsideEntry(
            externalID: "status:\(status.id)", url: status.url, title: "",
            author: "@" + status.account.acct, text: FeedParser.plain(status.content), publishedAt: status.created_at,
            replyTo: [status.id, "@" + status.account.acct, status.visibility ?? "public"].joined(separator: " "),
            direct: direct)
    }

    func answer(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String? {
        let reply = (answer.entry.replyTo ?? "").split(separator: " ").map(String.init)
        guard let base = source.url, let token = credentials["token"], reply.count >= 2 else {
            throw HearthError.invalid("body", "\(source.name) needs an access token to take an answer.")
        }
        struct NewStatus: Encodable {
            let status: String
            let in_reply_to_id: String
            let visibility: String
        }
        // As private as what it answers: a direct mention gets a direct answer, never a public one.
        let order = ["direct", "private", "unlisted", "public"]
        let asked = reply.count > 2 ? reply[2] : "public"
        let visibility = order.contains(asked) ? asked : "direct"
        let body = try await fetcher.post(
            base + "/api/v1/statuses",
            body: try SourceJSON.encode(
                NewStatus(status: reply[1] + " " + answer.body, in_reply_to_id: reply[0], visibility: visibility)),
            headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", answer.idempotencyKey)])
        // Posted: an answer the server said yes to is sent, whatever its body.
        return (try? SourceJSON.decode(Status.self, body, what: "a Mastodon status"))?.url
    }

    /// Posts an announcement (its title and the link back) as a public status.
    func announce(_ post: OutwardPost, source: Source, credentials: [String: String]) async throws -> String? {
        guard let base = source.url, let token = credentials["token"] else {
            throw HearthError.invalid("credentials", "A Mastodon source needs its server and an access token.")
        }
        struct NewStatus: Encodable {
            let status: String
            let visibility: String
        }
        let body = try await fetcher.post(
            base + "/api/v1/statuses",
            body: try SourceJSON.encode(NewStatus(status: post.status, visibility: "public")),
            headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", post.idempotencyKey)])
        return (try? SourceJSON.decode(Status.self, body, what: "a Mastodon status"))?.url
    }

    /// Boosts (reblogs) the status from the brand's account; a status boosted twice stays boosted once.
    func boost(_ answer: OutsideAnswer, source: Source, credentials: [String: String]) async throws -> String? {
        guard let base = source.url, let token = credentials["token"],
            let statusID = answer.entry.replyTo?.split(separator: " ").first
        else { throw HearthError.invalid("id", "\(source.name) needs an access token to boost.") }
        let body = try await fetcher.post(
            base + "/api/v1/statuses/\(SourceJSON.query(String(statusID)))/reblog", body: Array("{}".utf8),
            headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", answer.idempotencyKey)])
        return (try? SourceJSON.decode(Status.self, body, what: "a Mastodon status"))?.url ?? answer.entry.url
    }
}
