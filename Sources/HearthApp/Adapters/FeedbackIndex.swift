import Foundation
import HearthCore
import HearthInsight

/// The board's grouping: each item's gist (its content words and their character 4-grams, folded as the engine
/// reads them) in the engine's resemblance index. Items made by any process are added from the database before
/// each look-up, in id order, so several `hearth serve` processes on one PostgreSQL group alike.
actor FeedbackIndex: FeedbackMatcher {
    /// The score from which a post joins an item rather than starting one (see the README's grouping figures).
    static let threshold = 0.5
    /// An item of another kind (a bug against a suggestion) counts for this share of its score.
    static let otherKind = 0.8

    private let board: any FeedbackRepository
    /// Nil without the engine's resources: then nothing is grouped.
    private let reader: Reader?
    private var index = ResemblanceIndex<FeedbackItemID>()
    private var kinds: [FeedbackItemID: FeedbackItem.Kind] = [:]
    private var last: FeedbackItemID?

    init(board: any FeedbackRepository, reader: Reader?) {
        self.board = board
        self.reader = reader
    }

    /// Adds the items created since the last look.
    private func refresh() async throws {
        guard let reader else { return }
        while true {
            let items = try await board.itemsCreated(after: last, limit: 1_000)
            for item in items {
                index.add(item.id, reader.gist(item.text))
                kinds[item.id] = item.kind
            }
            guard let newest = items.last else { return }
            last = newest.id
        }
    }

    func match(_ text: String, kind: FeedbackItem.Kind?) async throws -> (FeedbackItemID, Double)? {
        try await refresh()
        guard let reader else { return nil }
        let found = index.nearest(reader.gist(text), threshold: Self.threshold * Self.otherKind, limit: 5)
        return
            found.map { match in
                (match.id, kind == nil || kinds[match.id] == kind ? match.score : match.score * Self.otherKind)
            }
            .filter { $0.1 >= Self.threshold }.max { $0.1 < $1.1 }
    }

    func similar(_ text: String, limit: Int, excluding: FeedbackItemID?) async throws -> [(FeedbackItemID, Double)] {
        try await refresh()
        guard let reader else { return [] }
        return index.nearest(reader.gist(text), threshold: 0.1, limit: limit, excluding: excluding).map {
            ($0.id, $0.score)
        }
    }
}
