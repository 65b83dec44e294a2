import Foundation

/// Searching the community: checks the query, then asks the engine's index.
public struct SearchService: Sendable {
    public static let pageSize = 20
    let repository: any SearchRepository
    let policy: AccessPolicy
    let now: Now
    /// The categories a viewer may not read, whose posts a search leaves out.
    let unreadable: @Sendable (Viewer?) async throws -> [CategoryID]

    public init(
        repository: any SearchRepository, policy: AccessPolicy, now: @escaping Now,
        unreadable: @escaping @Sendable (Viewer?) async throws -> [CategoryID] = { _ in [] }
    ) {
        self.unreadable = unreadable
        self.repository = repository
        self.policy = policy
        self.now = now
    }

    /// One page of results (the page after `offset`), and whether there are more.
    public func search(_ viewer: Viewer?, _ query: SearchQuery) async throws -> (hits: [SearchHit], more: Bool) {
        try policy.authorize(viewer, .readCommunity, at: now())
        guard !query.terms.isEmpty else {
            throw HearthError.invalid("q", "Type at least one word to search for.")
        }
        if let from = query.from, let to = query.to, from >= to {
            throw HearthError.invalid("to", "The end of the date range must come after its start.")
        }
        var paged = query
        paged.limit = min(max(query.limit, 1), 50) + 1
        paged.offset = max(0, query.offset)
        paged.excludedCategories = try await unreadable(viewer)
        let hits = try await repository.search(paged)
        return (Array(hits.prefix(paged.limit - 1)), hits.count == paged.limit)
    }

    /// Indexes recent posts where the engine does so in batches; the server calls it in the background.
    @discardableResult
    public func catchUp() async throws -> Int {
        try await repository.catchUp()
    }
}
