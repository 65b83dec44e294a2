import Foundation

/// What the weekly letter to colleagues says about one week, drafted from the log, the forum, the people pass, the
/// board and the health figures. Every part has a key ("topics", "topic:42", "image:…") the manager can leave
/// out before sending.
public struct LetterDraft: Sendable, Equatable, Codable {
    /// A line with a number: "Camille: 12 replies", "approved: 4".
    public struct Count: Sendable, Equatable, Codable {
        public let label: String
        public let count: Int

        public init(label: String, count: Int) {
            self.label = label
            self.count = count
        }
    }

    /// Something the letter links to.
    public struct Link: Sendable, Equatable, Codable {
        public let key: String
        public let title: String
        /// A path on the community ("/t/42"), made absolute in the mail.
        public let path: String
        /// A short word after the title (a feedback item's new status, a vote count).
        public let detail: String?

        public init(key: String, title: String, path: String, detail: String? = nil) {
            self.key = key
            self.title = title
            self.path = path
            self.detail = detail
        }
    }

    /// The community manager's week: the staff's replies and articles, the review queue, penalties, feedback.
    public struct StaffWeek: Sendable, Equatable, Codable {
        public var replies: [Count] = []
        public var articles: [Link] = []
        public var queueOpened = 0
        public var queueDecided: [Count] = []
        public var penalties: [Count] = []
        public var feedbackMoved: [Link] = []

        public init() {}

        public var isEmpty: Bool {
            replies.isEmpty && articles.isEmpty && queueOpened == 0 && queueDecided.isEmpty && penalties.isEmpty
                && feedbackMoved.isEmpty
        }
    }

    /// A big topic of the week, with sentences taken from it as they were written.
    public struct Topic: Sendable, Equatable, Codable {
        public enum Reason: String, Sendable, Codable {
            case active, heated, thanked
        }

        public let id: Int64
        public let title: String
        public let reason: Reason
        /// Posts written in it that week, and thanks its posts drew.
        public let posts: Int
        public let thanks: Int
        public var sentences: [String]

        public init(id: Int64, title: String, reason: Reason, posts: Int, thanks: Int, sentences: [String] = []) {
            self.id = id
            self.title = title
            self.reason = reason
            self.posts = posts
            self.thanks = thanks
            self.sentences = sentences
        }

        public var key: String { "topic:\(id)" }
        public var path: String { "/t/\(id)" }
    }

    /// A member named in the letter.
    public struct Person: Sendable, Equatable, Codable {
        public let id: Int64
        public let name: String
        public let handle: String?
        public let posts: Int

        public init(id: Int64, name: String, handle: String?, posts: Int) {
            self.id = id
            self.name = name
            self.handle = handle
            self.posts = posts
        }

        public var key: String { "member:\(id)" }
        /// Their profile, when they have a handle.
        public var path: String? { handle.map { "/u/\($0)" } }
    }

    /// What a delegated role's holder did, and the gist of their report.
    public struct Delegate: Sendable, Equatable, Codable {
        public let role: String
        public let roleFrench: String
        public let name: String
        public let acts: Int
        public let topicsHelped: Int
        public let newcomersWelcomed: Int
        public let gist: String?

        public init(
            role: String, roleFrench: String, name: String, acts: Int, topicsHelped: Int, newcomersWelcomed: Int,
            gist: String?
        ) {
            self.role = role
            self.roleFrench = roleFrench
            self.name = name
            self.acts = acts
            self.topicsHelped = topicsHelped
            self.newcomersWelcomed = newcomersWelcomed
            self.gist = gist
        }
    }

    /// An image posted that week, chosen by the reactions its post drew.
    public struct Image: Sendable, Equatable, Codable {
        public let fileName: String
        public let width: Int
        public let height: Int
        public let topicID: Int64
        public let topicTitle: String
        public let reactions: Int
        /// The file's size: a large one is linked rather than carried in the mail.
        public let bytes: Int?

        public init(
            fileName: String, width: Int, height: Int, topicID: Int64, topicTitle: String, reactions: Int,
            bytes: Int? = nil
        ) {
            self.fileName = fileName
            self.width = width
            self.height = height
            self.topicID = topicID
            self.topicTitle = topicTitle
            self.reactions = reactions
            self.bytes = bytes
        }

        /// Images up to this size travel in the mail; larger ones are linked, so that the letter stays small
        /// enough for every mail server (four images of 5 MB would make a 27 MB message once encoded).
        public static let inlineLimit = 1_000_000

        public var key: String { "image:\(fileName)" }
        public var path: String { "/uploads/\(fileName)" }
        public var topicPath: String { "/t/\(topicID)" }
    }

    /// The board's week.
    public struct Board: Sendable, Equatable, Codable {
        public var new: [Link] = []
        public var planned: [Link] = []
        public var done: [Link] = []

        public init() {}

        public var isEmpty: Bool { new.isEmpty && planned.isEmpty && done.isEmpty }
    }

    /// The week's figures beside the week before, and its days for the small charts.
    public struct Health: Sendable, Equatable, Codable {
        public let current: HealthFigures
        public let previous: HealthFigures
        public let daily: [HealthReport.Point]

        public init(current: HealthFigures, previous: HealthFigures, daily: [HealthReport.Point]) {
            self.current = current
            self.previous = previous
            self.daily = daily
        }
    }

    /// The sections, as keys.
    public enum Section: String, Sendable, CaseIterable, Codable {
        case staff, topics, people, images, board, health
    }

    public let week: String
    public let from: Date
    public let to: Date
    /// Public posts written that week: zero makes a short, honest letter.
    public var posts = 0
    public var staff = StaffWeek()
    public var topics: [Topic] = []
    public var mostActive: [Person] = []
    public var newcomers: [Person] = []
    public var newcomerCount = 0
    /// Members who had not written for three months (or ever, after a month or more) and wrote that week.
    public var spokeUp: [Person] = []
    public var delegates: [Delegate] = []
    public var images: [Image] = []
    public var board = Board()
    public var health: Health?

    public init(week: String, from: Date, to: Date) {
        self.week = week
        self.from = from
        self.to = to
    }

    public var isQuiet: Bool { posts == 0 && staff.isEmpty && board.isEmpty }

    /// The draft without the sections and items whose keys are in `excluded`.
    public func without(_ excluded: Set<String>) -> LetterDraft {
        var copy = self
        func out(_ section: Section) -> Bool { excluded.contains(section.rawValue) }
        if out(.staff) { copy.staff = StaffWeek() }
        copy.topics = out(.topics) ? [] : topics.filter { !excluded.contains($0.key) }
        if out(.people) {
            (copy.mostActive, copy.newcomers, copy.spokeUp, copy.delegates, copy.newcomerCount) = ([], [], [], [], 0)
        } else {
            copy.mostActive = mostActive.filter { !excluded.contains($0.key) }
            copy.newcomers = newcomers.filter { !excluded.contains($0.key) }
            copy.spokeUp = spokeUp.filter { !excluded.contains($0.key) }
        }
        copy.images = out(.images) ? [] : images.filter { !excluded.contains($0.key) }
        if out(.board) { copy.board = Board() }
        if out(.health) { copy.health = nil }
        return copy
    }
}

/// A letter as kept: the draft, the manager's introduction (Markdown) and what they left out, and its sending.
public struct Letter: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case draft, sent
    }

    public let week: String
    public var status: Status
    public var intro: String
    public var excluded: [String]
    public var draft: LetterDraft
    public var draftedAt: Date
    /// When someone who may send it first opened it: a letter nobody opened leaves by itself, when so configured.
    public var openedAt: Date?
    public var sentAt: Date?
    public var deliveries: [LetterDelivery]

    public init(
        week: String, status: Status, intro: String, excluded: [String], draft: LetterDraft, draftedAt: Date,
        openedAt: Date?, sentAt: Date?, deliveries: [LetterDelivery]
    ) {
        self.week = week
        self.status = status
        self.intro = intro
        self.excluded = excluded
        self.draft = draft
        self.draftedAt = draftedAt
        self.openedAt = openedAt
        self.sentAt = sentAt
        self.deliveries = deliveries
    }

    /// What goes out: the draft less what was left out.
    public var content: LetterDraft { draft.without(Set(excluded)) }
}

/// One recipient's copy of a letter.
public struct LetterDelivery: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case queued, sent, failed
    }

    public let id: Int64
    public let address: String
    public let language: Language
    public var status: Status
    public var attempts: Int
    public var lastError: String?
    public var sentAt: Date?

    public init(
        id: Int64, address: String, language: Language, status: Status, attempts: Int, lastError: String?,
        sentAt: Date?
    ) {
        self.id = id
        self.address = address
        self.language = language
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.sentAt = sentAt
    }
}

/// Someone the letter goes to, in their language.
public struct LetterRecipient: Sendable, Equatable, Codable {
    public let address: String
    public let language: Language

    public init(address: String, language: Language) {
        self.address = address
        self.language = language
    }
}

/// The job that sends one delivery.
public struct LetterMailJob: Sendable, Codable, Equatable {
    public let delivery: Int64

    public init(delivery: Int64) {
        self.delivery = delivery
    }
}

extension JobKind {
    /// Send one copy of a weekly letter (`LetterMailJob`).
    public static let letterMail = JobKind(rawValue: "letter_mail")
}

/// The list of letters.
public struct LetterSummary: Sendable, Equatable, Codable {
    public let week: String
    public let status: Letter.Status
    public let draftedAt: Date
    public let sentAt: Date?
    public let delivered: Int
    public let failed: Int

    public init(week: String, status: Letter.Status, draftedAt: Date, sentAt: Date?, delivered: Int, failed: Int) {
        self.week = week
        self.status = status
        self.draftedAt = draftedAt
        self.sentAt = sentAt
        self.delivered = delivered
        self.failed = failed
    }
}

/// Letters as stored, and the facts a draft is made of.
public protocol LetterRepository: Sendable {
    /// Everything the draft holds for `range` but the sentences and the health figures.
    func gather(week: ISOWeek, range: Range<Date>) async throws -> LetterDraft
    /// The Markdown of a topic's public posts written in `range`, in order, at most `limit`.
    func texts(topic: Int64, range: Range<Date>, limit: Int) async throws -> [String]
    /// Stores a draft, keeping the introduction and what was left out; a sent letter's draft is kept as sent.
    func save(_ draft: LetterDraft, at date: Date) async throws
    func letter(week: String) async throws -> Letter?
    func letters(limit: Int) async throws -> [LetterSummary]
    func edit(week: String, intro: String, excluded: [String]) async throws
    func markOpened(week: String, at date: Date) async throws
    /// Marks a draft sent and queues one delivery job per recipient, in one transaction (the outbox); false when
    /// the letter was no longer a draft (sent a moment ago), with nothing queued.
    func send(week: String, to recipients: [LetterRecipient], by sender: MemberID?, at date: Date) async throws -> Bool
    /// Queues a copy of a sent letter for each recipient who has none waiting to go.
    func resend(week: String, to recipients: [LetterRecipient], at date: Date) async throws
    /// A delivery and the week of its letter.
    func delivery(_ id: Int64) async throws -> (LetterDelivery, week: String)?
    /// Records an attempt: sent when `error` is nil.
    func recordAttempt(_ id: Int64, error: String?, at date: Date) async throws
    /// Colleagues with the team role, in their language (or `fallback`).
    func teamRecipients(fallback: Language) async throws -> [LetterRecipient]
}
