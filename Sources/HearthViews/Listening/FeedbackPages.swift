import Foundation
import HearthCore

/// How the board's pages say an item's kind and status, in the page's language.
struct FeedbackWords {
    let localization: Localization
    let language: Language

    func kind(_ kind: FeedbackItem.Kind) -> String {
        localization.text("feedback_kind_\(kind.rawValue)", language)
    }

    func status(_ status: FeedbackItem.Status) -> String {
        localization.text("feedback_status_\(status.rawValue)", language)
    }

    /// "vote" or "votes", "post" or "posts", as the count asks ("1 vote", "0 vote" in French).
    func counted(_ key: String, _ count: Int) -> String {
        localization.text(Localization.isSingular(count, language) ? "\(key)_one" : key, language)
    }
}

/// One item in a list of the board.
public struct FeedbackRow: Sendable {
    public let id: Int64
    public let url: String
    public let title: String
    public let kind: String
    public let kindCode: String
    public let status: String
    public let statusCode: String
    public let votes: Int
    public let posts: Int
    /// The words after the counts, singular or plural.
    public let votesWord: String
    public let postsWord: String
    public let tags: [String]
    /// The public note of the last change, when there is one.
    public let note: String?
    public let answered: Bool

    init(_ item: FeedbackItem, words: FeedbackWords) {
        id = item.id.rawValue
        url = "/feedback/\(item.id.rawValue)"
        title = item.title
        kind = words.kind(item.kind)
        kindCode = item.kind.rawValue
        status = words.status(item.status)
        statusCode = item.status.rawValue
        votes = item.votes
        posts = item.postIDs.count
        votesWord = words.counted("feedback_votes", item.votes)
        postsWord = words.counted("feedback_posts", item.postIDs.count)
        tags = item.tags
        note = item.statusNote.isEmpty ? nil : item.statusNote
        answered = item.answeredAt != nil
    }
}

/// The board (`/feedback`): most voted or newest, by status and by area; staff reach the candidates from here.
public struct FeedbackBoardPage: Sendable {
    public static let template = "feedback-board"

    public struct Link: Sendable {
        public let label: String
        public let url: String
        public let current: Bool
    }

    public let page: PageChrome
    public let items: [FeedbackRow]
    public let hasItems: Bool
    public let sorts: [Link]
    public let statuses: [Link]
    public let tags: [Link]
    public let hasTags: Bool
    public let nextURL: String?
    /// Staff: the candidates waiting, and the form to write an item.
    public let manages: Bool
    public let candidateCount: Int?
    /// Staff and the team: the export.
    public let seesInternals: Bool
    public let canManageWebhooks: Bool
    public let kinds: [FormOption]
    /// The notice posted in linked threads, in the page's language, for who may edit the community's texts.
    public let noticeTemplate: String?

    public init(
        page: PageChrome, items: [FeedbackItem], query: FeedbackQuery, next: FeedbackCursor?, tags: [String],
        manages: Bool, candidateCount: Int?, seesInternals: Bool, canManageWebhooks: Bool,
        noticeTemplate: String? = nil, localization: Localization, language: Language
    ) {
        self.noticeTemplate = noticeTemplate
        let words = FeedbackWords(localization: localization, language: language)
        self.page = page
        self.items = items.map { FeedbackRow($0, words: words) }
        self.hasItems = !items.isEmpty
        func url(sort: FeedbackQuery.Sort? = nil, status: FeedbackItem.Status?? = nil, tag: String?? = nil) -> String {
            var parts: [String] = []
            let sort = sort ?? query.sort
            if sort != .votes { parts.append("sort=\(sort.rawValue)") }
            if let status = status ?? query.status { parts.append("status=\(status.rawValue)") }
            if let tag = tag ?? query.tag {
                parts.append("tag=" + (tag.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? tag))
            }
            return "/feedback" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        sorts = FeedbackQuery.Sort.allCases.map {
            Link(
                label: localization.text("feedback_sort_\($0.rawValue)", language), url: url(sort: $0),
                current: $0 == query.sort)
        }
        statuses =
            [
                Link(
                    label: localization.text("feedback_all", language), url: url(status: .some(nil)),
                    current: query.status == nil)
            ]
            + FeedbackItem.Status.chosen.map {
                Link(label: words.status($0), url: url(status: $0), current: $0 == query.status)
            }
        self.tags = tags.map { Link(label: $0, url: url(tag: $0), current: $0 == query.tag) }
        hasTags = !tags.isEmpty
        nextURL = next.map { url() + (url().contains("?") ? "&" : "?") + "cursor=\($0.description)" }
        self.manages = manages
        self.candidateCount = candidateCount.flatMap { $0 > 0 ? $0 : nil }
        self.seesInternals = seesInternals
        self.canManageWebhooks = canManageWebhooks
        kinds = FeedbackItem.Kind.allCases.map {
            FormOption(value: $0.rawValue, label: words.kind($0), selected: false)
        }
    }
}

/// One item (`/feedback/{id}`): what it is, where it was raised, what was decided and where it was answered.
public struct FeedbackItemPage: Sendable {
    public static let template = "feedback-item"

    public struct Link: Sendable {
        public let postID: Int64
        public let url: String
        public let topicTitle: String
        public let author: String
        public let excerpt: String
        public let language: String
        public let splittable: Bool
    }

    public struct Change: Sendable {
        public let status: String
        public let note: String?
        public let by: String?
        public let date: String
        public let dateISO: String
        public let answers: [Answer]
        /// On the item merged into: the item merged here, linked.
        public let merged: Merged?
    }

    public struct Merged: Sendable {
        public let url: String
        public let label: String
    }

    public struct Answer: Sendable {
        public let url: String
        public let topicTitle: String
        public let date: String
    }

    public struct Comment: Sendable {
        public let author: String
        public let body: String
        public let date: String
        public let dateISO: String
    }

    public let page: PageChrome
    public let item: FeedbackRow
    public let itemID: Int64
    public let body: String?
    public let mergedURL: String?
    public let mergedInto: Int64?
    public let links: [Link]
    public let changes: [Change]
    public let answeredDate: String?
    public let voted: Bool
    public let follows: Bool
    public let loggedIn: Bool
    public let open: Bool
    public let manages: Bool
    public let seesInternals: Bool
    public let canComment: Bool
    public let comments: [Comment]
    public let statusOptions: [FormOption]
    public let similar: [FeedbackRow]
    public let hasSimilar: Bool
    public let tagsText: String

    public init(
        page: PageChrome, detail: FeedbackDetail, similar: [FeedbackItem], loggedIn: Bool, manages: Bool,
        seesInternals: Bool, canComment: Bool, localization: Localization, language: Language
    ) {
        let words = FeedbackWords(localization: localization, language: language)
        let item = detail.item
        self.page = page
        self.item = FeedbackRow(item, words: words)
        itemID = item.id.rawValue
        body = item.body.isEmpty ? nil : item.body
        mergedInto = item.mergedInto?.rawValue
        mergedURL = item.mergedInto.map { "/feedback/\($0.rawValue)" }
        links = detail.links.map {
            Link(
                postID: $0.postID.rawValue, url: "/t/\($0.topicID.rawValue)?post=\($0.postNumber)#p\($0.postNumber)",
                topicTitle: $0.topicTitle, author: $0.author.displayName, excerpt: $0.excerpt, language: $0.language,
                splittable: manages && detail.links.count > 1 && item.mergedInto == nil)
        }
        changes = detail.changes.map { change in
            Change(
                // A merge's own note is the number of the item merged into: this page's, said already.
                status: words.status(change.status),
                note: change.note.isEmpty || change.merged != nil ? nil : change.note,
                by: change.by?.displayName, date: Localization.date(change.at, language),
                dateISO: Localization.isoDate(change.at),
                answers: change.answers.map {
                    Answer(
                        url: "/t/\($0.topicID.rawValue)?post=\($0.postNumber)#p\($0.postNumber)",
                        topicTitle: $0.topicTitle, date: Localization.date($0.at, language))
                },
                merged: change.merged.map {
                    Merged(url: "/feedback/\($0.id.rawValue)", label: "#\($0.id.rawValue) \($0.title)")
                })
        }
        answeredDate = item.answeredAt.map { Localization.date($0, language) }
        voted = detail.voted
        follows = detail.follows
        self.loggedIn = loggedIn
        open = item.mergedInto == nil
        self.manages = manages && item.mergedInto == nil
        self.seesInternals = seesInternals
        self.canComment = canComment
        comments = detail.comments.map {
            Comment(
                author: $0.author.displayName, body: $0.body, date: Localization.date($0.at, language),
                dateISO: Localization.isoDate($0.at))
        }
        statusOptions = FeedbackItem.Status.chosen.map {
            FormOption(value: $0.rawValue, label: words.status($0), selected: $0 == item.status)
        }
        self.similar = similar.map { FeedbackRow($0, words: words) }
        hasSimilar = !similar.isEmpty
        tagsText = item.tags.joined(separator: ", ")
    }
}

/// Staff's candidates (`/feedback/candidates`): posts the engine read as feedback, each with why, a yes and a no.
public struct FeedbackCandidatesPage: Sendable {
    public static let template = "feedback-candidates"

    public struct Candidate: Sendable {
        public let postID: Int64
        public let url: String
        public let topicTitle: String
        public let author: String
        public let excerpt: String
        public let kind: String
        public let explanation: String
        public let date: String
        public let dateISO: String
    }

    public let page: PageChrome
    public let candidates: [Candidate]
    public let hasCandidates: Bool
    public let nextURL: String?

    public init(
        page: PageChrome, candidates found: [FeedbackCandidate], more: Bool, localization: Localization,
        language: Language
    ) {
        let words = FeedbackWords(localization: localization, language: language)
        self.page = page
        candidates = found.map {
            Candidate(
                postID: $0.postID.rawValue, url: "/t/\($0.topicID.rawValue)?post=\($0.postNumber)#p\($0.postNumber)",
                topicTitle: $0.topicTitle, author: $0.author.displayName, excerpt: $0.excerpt,
                kind: words.kind($0.kind),
                explanation: $0.explanation, date: Localization.date($0.createdAt, language),
                dateISO: Localization.isoDate($0.createdAt))
        }
        hasCandidates = !found.isEmpty
        nextURL = more ? found.last.map { "/feedback/candidates?cursor=\($0.postID.rawValue)" } : nil
    }
}

/// The outgoing webhooks (`/admin/webhooks`): receivers, a secret shown once, and each delivery's attempts.
public struct WebhooksPage: Sendable {
    public static let template = "admin-webhooks"

    public struct Endpoint: Sendable {
        public let id: Int64
        public let url: String
        public let events: String
    }

    public struct Delivery: Sendable {
        public let id: Int64
        public let url: String
        public let event: String
        public let attempts: Int
        public let result: String
        public let delivered: Bool
        public let date: String
        public let dateISO: String
    }

    public let page: PageChrome
    public let endpoints: [Endpoint]
    public let hasEndpoints: Bool
    public let deliveries: [Delivery]
    public let hasDeliveries: Bool
    /// The secret of the webhook just made, shown this once.
    public let newSecret: String?
    /// The address typed in a form refused, kept in its field.
    public let draftURL: String

    public init(
        page: PageChrome, endpoints: [WebhookEndpoint], deliveries: [WebhookDelivery], newSecret: String?,
        language: Language, draftURL: String = ""
    ) {
        self.page = page
        self.draftURL = draftURL
        self.endpoints = endpoints.map {
            Endpoint(id: $0.id.rawValue, url: $0.url, events: $0.events.map(\.rawValue).joined(separator: ", "))
        }
        hasEndpoints = !endpoints.isEmpty
        self.deliveries = deliveries.map {
            Delivery(
                id: $0.id.rawValue, url: $0.url, event: $0.event.rawValue, attempts: $0.attempts,
                result: $0.lastResult ?? "—", delivered: $0.deliveredAt != nil,
                date: Localization.date($0.createdAt, language), dateISO: Localization.isoDate($0.createdAt))
        }
        hasDeliveries = !deliveries.isEmpty
        self.newSecret = newSecret
    }
}
