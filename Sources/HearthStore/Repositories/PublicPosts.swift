import SQLKit

/// `PostVisibility.isPublic` in SQL, for the queries that serve no particular viewer (search, feeds' lists): a
/// post that is not deleted and not hidden or held, in a topic that is neither removed nor held. The
/// visibility table test checks that both agree on every state.
enum PublicPosts {
    /// Assumes posts `p` and topics `t` are joined.
    static let condition: SQLQueryString =
        "p.deleted_at IS NULL AND p.moderation = 'visible' AND t.deleted_at IS NULL AND t.held_at IS NULL"

    /// Topics everyone sees in lists (`t`).
    static let topicCondition: SQLQueryString = "t.deleted_at IS NULL AND t.held_at IS NULL"
}
