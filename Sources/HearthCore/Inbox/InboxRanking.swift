import Foundation

/// Why an item is in the inbox, or why it sits low: a code for programs and the words for the reader.
public struct InboxReason: Sendable, Equatable, Codable {
    public enum Code: String, Sendable, Codable, CaseIterable {
        case newcomerQuestion = "newcomer_question"
        case question
        case answered
        case bug
        case suggestion
        case complaint
        case newcomer
        case mention
        case review
        case heated
        case waiting
        case unanswered
        case keptPertinent = "kept_pertinent"
        case learnedPertinent = "learned_pertinent"
        case learnedNoise = "learned_noise"
        case trollMarks = "troll_marks"
        case hostile
        case noisy
        case short
        case length
        case outside
    }

    public var code: Code
    /// Pushes the item up (true) or down.
    public var raises: Bool
    /// The words, for an item written at `createdAt` and read at `now` ("unanswered for 6 h").
    public var text: String

    public init(_ code: Code, raises: Bool, _ text: String) {
        self.code = code
        self.raises = raises
        self.text = text
    }
}

/// How an item ranks: its score (higher first) and why.
public struct InboxRank: Sendable, Equatable {
    public var score: Double
    public var reasons: [InboxReason]
    /// Whether it belongs in the inbox at all: something in it asks for attention. Chatter and trolls with
    /// nothing to answer stay out (they stay in the forum); a question answered by someone else leaves.
    public var listed: Bool
}

/// The inbox's ranking: one pure function of an item's facts, so that every change (a reply, a flag, a decision,
/// the clock) ranks it again the same way. Scores are sums of evidence, in log-odds: the engine's reading first
/// (what kind of post, how hostile, how loud), then the facts a community manager weighs (a newcomer, an
/// unanswered question, a mention, a flag, a fire), then what the community manager taught it.
public enum InboxRanking {
    /// The weights of the reading. Measured with `hearth inbox eval` on the Stack Exchange meta stream: the
    /// engine's toxicity separates pertinent posts from trolls almost alone (AUC 0.999 there), while its reading
    /// of the kind of post, trained on meta questions, often calls an insult a "bug" or a "question": the kind
    /// moves a post half as much as it says why, and length a little.
    enum Weights {
        static let toxicity = 8.0
        static let length = 0.6
        static let question = 0.6
        static let newcomerQuestion = 1.4
        static let bug = 0.9
        static let suggestion = 0.75
        static let complaint = 0.65
        static let praise = -0.3
    }

    /// The score from which a post comes into the inbox without a reason of its own: about ten words that read
    /// clean (toxicity under 0.35).
    static let listingFloor = -1.5

    /// Toxicity from which a post reads hostile: it sinks, and its complaint is not "fair".
    static let hostile = 0.7
    /// Words from which the engine's reading of a post's kind counts.
    static let substantiveWords = 6

    public static func rank(_ facts: InboxFacts, kind: InboxItem.Kind = .post) -> InboxRank {
        var score = 0.0
        var reasons: [InboxReason] = []
        // A weight with no words (a slightly sharp tone, a little learned evidence) moves the score without a
        // line to read.
        func add(_ code: InboxReason.Code, _ weight: Double, _ text: String) {
            score += weight
            if !text.isEmpty { reasons.append(InboxReason(code, raises: weight >= 0, text)) }
        }
        var asksAttention = false
        switch kind {
        case .heated:
            add(
                .heated, 3,
                "Heated: " + (facts.heat.isEmpty ? "replies coming fast" : facts.heat.joined(separator: ", ")))
            asksAttention = true
        case .profile:
            add(.review, 2, "Profile flagged: " + facts.review.joined(separator: ", "))
            asksAttention = true
        case .post:
            asksAttention = rankText(facts, add: add)
        case .outside:
            // Read as a post is, and in because it speaks of the brand (or came to its mailbox, its webhook).
            _ = rankText(facts, add: add)
            let outside = facts.outside
            let said = outside.map { $0.keywords.isEmpty ? "" : ", saying" + quoted($0.keywords) } ?? ""
            add(.outside, 1, "On " + (outside?.sourceName ?? "an outside source") + said)
            asksAttention = true
        }
        if !facts.review.isEmpty, kind == .post {
            add(.review, 0.5, "In the review queue: " + facts.review.joined(separator: ", "))
            asksAttention = true
        }
        if let keptBy = facts.keptBy {
            add(.keptPertinent, 4, "Kept up: marked pertinent by \(keptBy)")
            asksAttention = true
        }
        if facts.authorTrolls > 0 {
            let marks = min(facts.authorTrolls, 3)
            add(
                .trollMarks, -1.5 * Double(marks),
                facts.authorTrolls == 1
                    ? "One of this member's posts was marked \u{201C}troll: let it be\u{201D}"
                    : "\(facts.authorTrolls) of this member's posts were marked \u{201C}troll: let it be\u{201D}")
        } else if facts.authorPertinent > 0 {
            score += 0.3 * Double(min(facts.authorPertinent, 3))
        }
        // The engine's reading of a post's kind misses many a real question or report, so a post that reads clean
        // and says something comes in on its score alone: missing a pertinent remark costs more than a line of
        // chatter low in the list.
        let listed = asksAttention || (kind == .post && facts.answeredBy == nil && score >= listingFloor)
        if listed, !reasons.contains(where: \.raises) {
            // In on its score alone: what it has for it is that it says something, calmly, and waits.
            reasons.insert(InboxReason(.unanswered, raises: true, "Nobody has replied"), at: 0)
        }
        return InboxRank(score: (score * 1_000).rounded() / 1_000, reasons: reasons, listed: listed)
    }

    /// The post's own part: its kind, tone, noise, length, what was learned, and the facts around it. Returns
    /// whether anything in it asks for attention.
    private static func rankText(_ facts: InboxFacts, add: (InboxReason.Code, Double, String) -> Void) -> Bool {
        var asks = false
        let hostile = facts.toxicity >= hostile && !facts.counterSpeech
        let cues = facts.cues.isEmpty ? "" : ": " + facts.cues.prefix(3).joined(separator: ", ")
        let unanswered = facts.answeredBy == nil
        switch facts.isSubstantive ? facts.feedbackKind : "discussion" {
        case "question" where unanswered:
            if facts.newcomer {
                add(
                    .newcomerQuestion, Weights.question + Weights.newcomerQuestion,
                    facts.firstPost ? "A newcomer's first question, unanswered" : "A newcomer's question, unanswered")
            } else {
                add(.question, Weights.question, "A question nobody has answered")
            }
            asks = true
        case "bug":
            add(.bug, Weights.bug, "Bug report" + cues)
            asks = true
        case "suggestion":
            add(.suggestion, Weights.suggestion, "Suggestion" + cues)
            asks = true
        case "complaint" where facts.isFairComplaint:
            add(.complaint, Weights.complaint, "A complaint, unhappy but not abusive" + cues)
            asks = true
        case "praise":
            add(.short, Weights.praise, "Praise: nothing to answer")
        default:
            break
        }
        if facts.newcomer, facts.feedbackKind != "question" || !unanswered {
            add(
                .newcomer, facts.firstPost ? 0.6 : 0.3,
                facts.firstPost ? "A newcomer's first post" : "Written by a newcomer")
            if facts.firstPost, unanswered { asks = true }
        }
        if unanswered, facts.waited, asks {
            add(.waiting, 1.2, "Still unanswered")
        }
        if let answeredBy = facts.answeredBy {
            // Someone took up a report or a suggestion; it still waits to be carried back, lower.
            add(.answered, facts.feedbackKind == "question" ? -3 : -1.5, "Answered by \(answeredBy)")
            // An answered question has what it asked for; a bug report or a suggestion still waits to be carried.
            if facts.feedbackKind == "question" && facts.mentions.isEmpty { asks = false }
        }
        if !facts.mentions.isEmpty {
            add(.mention, 1, "Mentions " + facts.mentions.joined(separator: ", "))
            asks = true
        }
        // The engine's toxicity is the strongest evidence against a post: it weighs on every post, and names
        // itself when the post reads hostile.
        add(
            .hostile, -Weights.toxicity * facts.toxicity,
            hostile ? "Reads hostile (toxicity \(Int((facts.toxicity * 100).rounded())) %)" : "")
        if facts.noise >= 0.3 {
            add(
                .noisy, -2 * facts.noise, "Loud rather than informative (noise \(Int((facts.noise * 100).rounded())) %)"
            )
        }
        // A post that says more usually has more to answer; the gain flattens with length.
        add(.length, Weights.length * log(1 + Double(min(facts.words, 300))), "")
        if facts.words < 4 { add(.short, -0.3, "A few words") }
        // A few warm words ("great app, love it") thank; they rarely ask for anything.
        if facts.sentiment >= 0.85, facts.words < 25, facts.feedbackKind != "bug" {
            add(.short, -0.8, "Warm words: nothing to answer")
        }
        let learned = max(-4, min(4, facts.learned))
        if learned >= 0.3 {
            add(.learnedPertinent, learned, "Like posts you found pertinent" + quoted(facts.learnedWords))
        } else if learned <= -0.3 {
            add(.learnedNoise, learned, "Like posts you let be" + quoted(facts.learnedWords))
        } else {
            add(.learnedPertinent, learned, "")
        }
        return asks
    }

    private static func quoted(_ words: [String]) -> String {
        words.isEmpty ? "" : ": " + words.prefix(3).map { "\u{201C}\($0)\u{201D}" }.joined(separator: ", ")
    }
}
