import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// What the forum's controllers share: the page frame with the notification badge, and reading ids and
/// cursors from the request.
struct ForumPages: Sendable {
    typealias Context = HearthRequestContext
    let services: WebServices
    let pages: PageRenderer

    var forum: ForumService { services.forum }

    /// The page frame, with the viewer's unread notifications counted, the review queue's size for moderators,
    /// and a silenced member told why and until when.
    func frame(_ title: String, _ context: Context, errors: [String] = [], notice: String? = nil) async throws
        -> PageChrome
    {
        let unread = try await forum.unreadNotificationCount(context.identity)
        let now = services.now()
        let reviewCount: Int? =
            services.policy.decide(context.identity, .handleFlags, at: now).isAllowed
            ? try await services.moderation.pendingCount(context.identity) : nil
        let inboxCount = try await services.inbox.unread(context.identity)
        var notice = notice
        if let member = context.identity?.member, member.awaitsEmailConfirmation, notice == nil {
            notice = pages.text("confirm_notice", context)
        } else if let member = context.identity?.member {
            // A silence says until when; a warning, for a week, says why and where the rules are.
            let active = try await services.penalties.active(of: member)
            if let silence = active.first(where: { $0.kind == .silence }), let until = silence.endsAt {
                notice = pages.text(
                    "penalty_silencedNote", context,
                    ["until": Localization.date(until, context.language), "reason": Self.clause(silence.reason)])
            } else if let warning = active.filter({ $0.kind == .warn }).max(by: { $0.createdAt < $1.createdAt }) {
                notice = pages.text(
                    "penalty_warnedNote", context,
                    [
                        "date": Localization.date(warning.createdAt, context.language),
                        "reason": Self.clause(warning.reason),
                    ])
            }
        }
        return pages.chrome(
            title: title, context: context, errors: errors, notice: notice, unreadNotifications: unread,
            reviewCount: reviewCount, inboxCount: inboxCount)
    }

    func listItems(_ list: TopicList, _ context: Context) async throws -> [TopicListItem] {
        TopicListItem.make(
            list.topics, unread: list.unread, categories: try await forum.categories(readableBy: context.identity),
            viewerKnown: context.identity != nil, language: context.language)
    }

    /// A post form, plain or multipart. An attached image (field `image`) is stored and added to the end of
    /// `body` as Markdown, so a member without JavaScript can post a picture with their words.
    func postForm(_ request: inout Request, _ context: Context) async throws -> FormFields {
        guard let multipart = try await request.multipartForm(limit: services.uploads.maximumBytes + 100_000) else {
            return try await request.form(context: context)
        }
        var fields = multipart.fields
        if let image = multipart.files["image"] {
            let upload = try await services.uploads.store(context.identity, bytes: image.bytes)
            let alt = image.fileName.split(separator: ".").first.map(String.init) ?? "image"
            let body = fields["body", default: ""].trimmingCharacters(in: .whitespacesAndNewlines)
            fields["body"] = body + (body.isEmpty ? "" : "\n\n") + "![\(Self.altText(alt))](\(upload.path))"
        }
        return FormFields(values: fields)
    }

    /// A reason ended as a sentence, once: "insults" gets its stop, "insults." "insults!" and "insults…" keep theirs
    /// (the notices go on with the next sentence).
    static func clause(_ reason: String) -> String {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard let last = reason.last, !".!?…".contains(last) else { return reason }
        return reason + "."
    }

    /// A file name made safe to stand as an image's description in Markdown.
    static func altText(_ name: String) -> String {
        String(name.filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }.prefix(60))
    }

    /// A numeric id from the path; anything else is a plain "not found".
    static func id(_ context: Context, _ name: String = "id") throws -> Int64 {
        guard let value = context.parameters.get(name), let id = Int64(value), id > 0 else {
            throw HearthError.notFound("There is nothing at this address.")
        }
        return id
    }

    static func cursor(_ request: Request) throws -> TopicCursor? {
        try request.uri.queryParameters.get("after").map { try TopicCursor(token: $0) }
    }
}
