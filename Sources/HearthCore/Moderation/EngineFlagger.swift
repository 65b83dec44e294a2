import Foundation

/// Told of every post as it is written, with the engine's reading.
public protocol WriteWatcher: Sendable {
    func written(_ post: Post, reading: PostReading?) async throws
}

/// Puts a post the engine reads as highly toxic in the review queue, with the words that moved it. Nothing is
/// hidden or deleted on the engine's word alone: a moderator decides, and may defer to the morning.
public struct EngineFlagger: WriteWatcher {
    let moderation: any ModerationRepository
    /// Toxicity at or above which a post goes to the queue.
    let threshold: Double
    let now: Now

    public init(moderation: any ModerationRepository, threshold: Double, now: @escaping Now) {
        self.moderation = moderation
        self.threshold = threshold
        self.now = now
    }

    public func written(_ post: Post, reading: PostReading?) async throws {
        guard let reading, reading.toxicity >= threshold, !reading.counterSpeech else { return }
        try await moderation.open(
            NewReviewItem(
                kind: .engineFlag, postID: post.id, memberID: nil,
                reasons: ["toxicity \(Int((reading.toxicity * 100).rounded())) %"]
                    + [reading.explanation].filter { !$0.isEmpty },
                score: reading.toxicity),
            at: now())
    }
}
