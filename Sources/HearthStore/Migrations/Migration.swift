import SQLKit

/// One numbered, forward-only step of the schema. Once shipped, a migration is never edited: a change is
/// a new migration with the next number.
struct Migration: Sendable {
    let number: Int
    let name: String
    let apply: @Sendable (any SQLDatabase, DatabaseEngine) async throws -> Void
}

extension Migration {
    /// Every migration, in order.
    static let all: [Migration] = [
        .accounts,
        .forum,
        .search,
        .importLedger,
        .uploads,
        .blog,
        .avatars,
        .searchBacklog,
        .loginAttempts,
        .grants,
        .moderation,
        .jobs,
        .readings,
        .gateAndHeat,
        .topicTimers,
        .engineLearning,
        .penalisedAt,
        .communitySettings,
        .emailConfirmation,
        .memberDirectory,
        .heldPostsUncounted,
        .categoryReaders,
        .inbox,
        .flatLists,
        .compactImportLedger,
        .searchWithoutPositions,
        .postContent,
        .searchScopeColumns,
        .delegateRoles,
        .logRoleName,
        .roleReports,
        .roleBadge,
        .people,
        .peoplePassClaim,
        .roleNotices,
        .segmentTopic,
        .feedbackBoard,
        .lettersAndHealth,
        .sources,
        .feedbackMerges,
    ]
}
