import Foundation
import Synchronization

/// A post about to be written, as moderation sees it before it is stored.
public struct Draft: Sendable {
    public var author: Member
    /// Staff (anyone who may approve posts where this one goes) pass without holds or watched words.
    public var byStaff: Bool
    /// The title and the body, as the engine read them.
    public var title: String?
    public var body: String
    public var reading: PostReading?
    /// An edit of a post already written: the watched words and the engine's reading apply again; the rules about
    /// who wrote it and when (first posts, links from newcomers, the night) do not.
    public var isEdit: Bool

    public init(author: Member, byStaff: Bool, title: String?, body: String, reading: PostReading?, isEdit: Bool) {
        self.author = author
        self.byStaff = byStaff
        self.title = title
        self.body = body
        self.reading = reading
        self.isEdit = isEdit
    }
}

/// What happens to a draft: written as it is, with words replaced, held for approval, or put in the queue.
public struct Admission: Sendable, Equatable {
    public var title: String?
    public var body: String
    public var moderation: PostModeration
    /// Review items opened with the post, in its transaction (their `postID` is filled in then).
    public var items: [NewReviewItem]

    public init(title: String?, body: String, moderation: PostModeration = .visible, items: [NewReviewItem] = []) {
        self.title = title
        self.body = body
        self.moderation = moderation
        self.items = items
    }
}

/// Decides, before a post is stored, whether it goes out, waits for approval, or is refused (by throwing, with the
/// author's text untouched).
public protocol WriteGate: Sendable {
    func admit(_ draft: Draft, at date: Date) async throws -> Admission
    /// Holds an edited post, or queues it, as its admission says (an edit is stored before this is called).
    func apply(_ admission: Admission, toEdited postID: PostID, at date: Date) async throws
}

/// When a post waits for a moderator before anyone else sees it. Every rule can be turned off.
public struct HoldRules: Sendable, Equatable {
    /// A member's first N posts (0: none).
    public var firstPosts: Int
    /// A member who joined less than this many days ago is new, as is one still at the trust ladder's first rung.
    public var newMemberDays: Int
    /// Hold a new member's post that holds a link.
    public var newMemberLinks: Bool
    /// Toxicity (0 … 1) at which a post is held; nil: never on toxicity alone.
    public var toxicity: Double?
    /// Hold a post the engine reads as a threat.
    public var threats: Bool
    /// Toxicity at which a post that goes out is put in the queue.
    public var engineFlag: Double
    /// At night, hold the posts of a member penalised in the last N days (0: never).
    public var nightPenaltyDays: Int

    public init(
        firstPosts: Int = 0, newMemberDays: Int = 3, newMemberLinks: Bool = true, toxicity: Double? = 0.97,
        threats: Bool = true, engineFlag: Double = 0.9, nightPenaltyDays: Int = 30
    ) {
        self.firstPosts = firstPosts
        self.newMemberDays = newMemberDays
        self.newMemberLinks = newMemberLinks
        self.toxicity = toxicity
        self.threats = threats
        self.engineFlag = engineFlag
        self.nightPenaltyDays = nightPenaltyDays
    }
}

/// The hold rules, the watched words and the engine's reading, applied to every post as it is written.
public final class ModerationGate: WriteGate {
    /// Another process's change to the watched words reaches this one within this time.
    static let wordsLifetime: TimeInterval = 10

    let rules: HoldRules
    let words: any WatchedWordRepository
    let normaliser: any WordNormaliser
    let moderation: any ModerationRepository
    let workingHours: @Sendable () -> WorkingHours
    private let cache = Mutex<(list: WatchedWordList, loadedAt: Date)?>(nil)

    public init(
        rules: HoldRules, words: any WatchedWordRepository, normaliser: any WordNormaliser,
        moderation: any ModerationRepository, workingHours: @escaping @Sendable () -> WorkingHours
    ) {
        self.rules = rules
        self.words = words
        self.normaliser = normaliser
        self.moderation = moderation
        self.workingHours = workingHours
    }

    /// The watched words, loaded at most every `wordsLifetime` seconds.
    func watchedWords(at date: Date) async throws -> WatchedWordList {
        if let cached = cache.withLock({ $0 }), date.timeIntervalSince(cached.loadedAt) < Self.wordsLifetime,
            date >= cached.loadedAt
        {
            return cached.list
        }
        let list = WatchedWordList(try await words.watchedWords(), normaliser: normaliser)
        cache.withLock { $0 = (list, date) }
        return list
    }

    /// Forgets the cached words (this process changed them).
    public func wordsChanged() {
        cache.withLock { $0 = nil }
    }

    public func admit(_ draft: Draft, at date: Date) async throws -> Admission {
        var admission = Admission(title: draft.title, body: draft.body)
        guard !draft.byStaff else { return admission }
        var held: [String] = []
        var flagged: [String] = []

        let list = try await watchedWords(at: date)
        if !list.isEmpty {
            let language = draft.reading?.language
            let body = list.match(draft.body, language: language)
            let title = draft.title.map { list.match($0, language: language) }
            if let (field, word) = title?.blocked.first.map({ ("title", $0) })
                ?? body.blocked.first.map({ ("body", $0) })
            {
                throw HearthError.invalid(
                    field,
                    "Your post contains \(word.label), which this community does not allow. Your text is kept below: change it and send it again."
                )
            }
            admission.body = body.text
            admission.title = title?.text
            held += (body.approval + (title?.approval ?? [])).map { "watched word \($0.label)" }
            flagged += (body.flagged + (title?.flagged ?? [])).map { "watched word \($0.label)" }
            flagged += (body.timedOut + (title?.timedOut ?? [])).map { "watched word \($0.label) ran too long" }
        }

        if let reading = draft.reading {
            let percent = "toxicity \(Int((reading.toxicity * 100).rounded())) %"
            if rules.threats, reading.threat {
                held.append("reads as a threat" + (reading.explanation.isEmpty ? "" : " (\(reading.explanation))"))
            } else if let limit = rules.toxicity, reading.toxicity >= limit, !reading.counterSpeech {
                held.append(percent + (reading.explanation.isEmpty ? "" : " (\(reading.explanation))"))
            } else if reading.toxicity >= rules.engineFlag, !reading.counterSpeech {
                flagged += [percent] + [reading.explanation].filter { !$0.isEmpty }
            }
        }

        if !draft.isEdit {
            let isNew =
                date.timeIntervalSince(draft.author.createdAt) < TimeInterval(rules.newMemberDays) * 86_400
                || draft.author.trust == .new
            if rules.firstPosts > 0 {
                let written = try await moderation.visiblePostCount(of: draft.author.id)
                if written < rules.firstPosts {
                    // Counted among posts a moderator let through, so a second post sent while the first waits is held
                    // for the same reason, which says so.
                    held.append(
                        rules.firstPosts == 1
                            ? "no post of this member let through yet"
                            : "fewer than \(rules.firstPosts) posts of this member let through yet")
                }
            }
            if isNew, rules.newMemberLinks, Self.hasLink(draft.body) || Self.hasLink(draft.title ?? "") {
                held.append("a link from a new member")
            }
            // The member's row says when they were last penalised (lifted penalties left out): no query per post.
            if rules.nightPenaltyDays > 0, let penalised = draft.author.penalisedAt,
                date.timeIntervalSince(penalised) < TimeInterval(rules.nightPenaltyDays) * 86_400,
                !workingHours().isWorking(at: date)
            {
                held.append("written at night by a member penalised in the last \(rules.nightPenaltyDays) days")
            }
        }

        if !held.isEmpty {
            admission.moderation = .pending
            admission.items.append(
                NewReviewItem(kind: .heldPost, postID: nil, memberID: nil, reasons: held + flagged, score: 2))
        } else if !flagged.isEmpty {
            admission.items.append(
                NewReviewItem(
                    kind: .engineFlag, postID: nil, memberID: nil, reasons: flagged,
                    score: draft.reading?.toxicity ?? 1))
        }
        return admission
    }

    public func apply(_ admission: Admission, toEdited postID: PostID, at date: Date) async throws {
        for var item in admission.items {
            item.postID = postID
            if item.kind == .heldPost {
                try await moderation.hold(postID, item: item, at: date)
            } else {
                try await moderation.open(item, at: date)
            }
        }
    }

    /// A web address to another site (an uploaded image or a link inside the community is a path, not one).
    static func hasLink(_ body: String) -> Bool {
        let text = ASCIISearch.folded(body)
        return ["http://", "https://", "www."].contains { ASCIISearch.firstIndex(of: Array($0.utf8), in: text) != nil }
    }
}
