/// A score in [0, 1] and what moved it most, in words a community manager can read.
public struct Signal: Sendable, Equatable {
    public var score: Double
    public var reasons: [String]

    public init(score: Double, reasons: [String]) {
        self.score = score
        self.reasons = reasons
    }
}

/// What a post is, as feedback.
public enum FeedbackKind: String, Sendable, CaseIterable, Codable {
    case question, suggestion, bug, complaint, praise, discussion

    /// Accepts the labels of other tools too: Stack Exchange meta tags, Fider's and Canny's words.
    public init?(label: String) {
        let key = Folding.fold(label.trimmingCharacters(in: .whitespacesAndNewlines))
        switch key {
        case "question", "support", "help", "how-to", "howto": self = .question
        case "suggestion", "feature-request", "feature", "idea", "feature request": self = .suggestion
        case "bug", "bug report", "bug-report", "defect": self = .bug
        case "complaint": self = .complaint
        case "praise", "thanks": self = .praise
        case "discussion", "other", "none": self = .discussion
        default: return nil
        }
    }
}

/// A decision the community manager took on a post, which the engine learns from.
public enum Decision: String, Sendable, CaseIterable, Codable {
    /// Hidden or removed as trolling, an insult or an attack.
    case hiddenAsTroll = "hidden"
    /// Looked at and left up.
    case approved
    /// Answered because it mattered.
    case answeredAsPertinent = "answered"

    var isToxic: Bool { self == .hiddenAsTroll }
}

/// Everything the engine says about one post.
public struct Analysis: Sendable {
    public var language: TextLanguage
    public var toxicity: Signal
    /// Kinds of toxic wording that are said, not quoted or negated.
    public var toxicKinds: [TermKind]
    /// Toxic wording is present but only quoted, negated or reported: likely counter-speech.
    public var isCounterSpeech: Bool
    public var feedbackKind: FeedbackKind
    public var feedback: Signal
    /// Sentiment as a score in [0, 1] (0.5 neutral); `sentimentCompound` is VADER's -1 ... 1.
    public var sentiment: Signal
    public var sentimentCompound: Double
    public var noise: Signal
    /// What one community's inbox decisions taught about texts like this one: log-odds evidence of pertinence
    /// (0 until it learned something) and the words that moved it.
    public var pertinence: (evidence: Double, words: [String]) = (0, [])

    /// Below this toxicity the words that moved it are not explained: "toxicity: “white”, “dark”" on a calm
    /// request for a dark theme reads as an accusation, and says nothing a moderator needs.
    public static let explainedToxicity = 0.3

    /// One line for a CSV cell or a tooltip.
    public var explanation: String {
        var parts: [String] = []
        if !toxicity.reasons.isEmpty, toxicity.score >= Self.explainedToxicity {
            parts.append("toxicity: " + toxicity.reasons.joined(separator: ", "))
        }
        if !feedback.reasons.isEmpty {
            parts.append("\(feedbackKind.rawValue): " + feedback.reasons.joined(separator: ", "))
        }
        if !sentiment.reasons.isEmpty { parts.append("sentiment: " + sentiment.reasons.joined(separator: ", ")) }
        if !noise.reasons.isEmpty { parts.append("noise: " + noise.reasons.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
