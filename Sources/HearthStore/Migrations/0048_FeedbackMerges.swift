import SQLKit

extension Migration {
    /// - The items merged into an item, found from it: its history shows each merge into it. Few items are merged,
    ///   so the index holds those alone.
    /// - A member's latest items: a hand-written item sent twice is found without reading the board.
    static let feedbackMerges = Migration(number: 48, name: "feedback_merges") { sql, _ in
        try await sql.raw(
            "CREATE INDEX feedback_items_merged ON feedback_items (merged_into) WHERE merged_into IS NOT NULL"
        ).run()
        try await sql.create(index: "feedback_items_author").on("feedback_items").column("created_by")
            .column("created_at").run()
    }
}
