import Foundation

/// What the triage engine read in a post when it was written: its language, how toxic it reads, what kind of
/// feedback it is, its sentiment and how much noise it holds, with the words that moved each. Stored with the post,
/// so the queue, the inbox and the digest never read a text twice.
public struct PostReading: Sendable, Equatable, Codable {
    /// "en", "fr" or "unknown".
    public var language: String
    /// 0 … 1.
    public var toxicity: Double
    /// question, suggestion, bug, complaint, praise or discussion.
    public var feedbackKind: String
    /// 0 … 1, 0.5 neutral.
    public var sentiment: Double
    /// 0 … 1.
    public var noise: Double
    /// Toxic words that are only quoted, negated or reported.
    public var counterSpeech: Bool
    /// One line a moderator reads at a glance: "toxicity: idiot; question: how, ?".
    public var explanation: String

    public init(
        language: String, toxicity: Double, feedbackKind: String, sentiment: Double, noise: Double,
        counterSpeech: Bool, explanation: String
    ) {
        self.language = language
        self.toxicity = toxicity
        self.feedbackKind = feedbackKind
        self.sentiment = sentiment
        self.noise = noise
        self.counterSpeech = counterSpeech
        self.explanation = explanation
    }
}

/// Reads a text: the triage engine, behind a protocol so that Core does not depend on it.
public protocol TextReader: Sendable {
    func read(_ text: String) -> PostReading
}

/// Reads the posts written before readings were stored (or imported), in batches, in id order.
public struct ReadingBackfill: Sendable {
    let forum: any ForumRepository
    let reader: any TextReader

    public init(forum: any ForumRepository, reader: any TextReader) {
        self.forum = forum
        self.reader = reader
    }

    /// Reads up to `batch` posts that have no reading; returns how many it read (0: nothing left).
    public func step(batch: Int = 2_000) async throws -> Int {
        let posts = try await forum.postsWithoutReading(limit: batch)
        guard !posts.isEmpty else { return 0 }
        let readings = posts.map { (id, text) in (id, reader.read(text)) }
        try await forum.saveReadings(readings)
        return posts.count
    }

    /// How many posts still wait for a reading.
    public func remaining() async throws -> Int {
        try await forum.postsWithoutReadingCount()
    }
}
