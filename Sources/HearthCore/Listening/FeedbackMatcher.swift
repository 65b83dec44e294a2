import Foundation

/// Finds the board item a text repeats: the triage engine's resemblance index, behind a protocol so that Core does
/// not depend on the engine. It keeps up with items created by other processes on the same database.
public protocol FeedbackMatcher: Sendable {
    /// The item most like `text`, at the grouping threshold or above, with its score (0 to 1).
    func match(_ text: String, kind: FeedbackItem.Kind?) async throws -> (FeedbackItemID, Double)?
    /// Items like `text`, best first, for staff choosing where to merge.
    func similar(_ text: String, limit: Int, excluding: FeedbackItemID?) async throws -> [(FeedbackItemID, Double)]
}
