import Foundation
import Synchronization

extension Category {
    /// Who may read a category's topics: everyone (the public), members (logged in), or staff (whoever the
    /// policy lets see removed posts there: moderators, the community manager, and delegates granted it).
    public enum ReadPolicy: String, Sendable, Codable, CaseIterable {
        case everyone
        case members
        case staff
    }
}

extension AccessPolicy {
    /// The one rule for reading a category. Every surface asks it through `ForumService` (topic pages, lists,
    /// the API, search, feeds, notifications, profiles).
    public func mayRead(_ viewer: Viewer?, category: CategoryID, policy: Category.ReadPolicy, at date: Date) -> Bool {
        switch policy {
        case .everyone: true
        case .members: viewer != nil
        case .staff: decide(viewer, .seeRemoved, on: .category(category.rawValue), at: date).isAllowed
        }
    }
}

/// The categories not open to everyone, read from the database at most every `lifetime` seconds (a change made
/// here is seen at once; one made by another process within that time), so the hottest paths (a reply, a topic
/// page) check a category's readers without a query.
final class CategoryReadRules: Sendable {
    static let lifetime: TimeInterval = 5
    private let state = Mutex<(restricted: [CategoryID: Category.ReadPolicy], loadedAt: Date?)>(([:], nil))

    func restricted(_ forum: any ForumRepository, at date: Date) async throws -> [CategoryID: Category.ReadPolicy] {
        if let cached = state.withLock({ state in
            state.loadedAt.flatMap { date.timeIntervalSince($0) < Self.lifetime && date >= $0 ? state.restricted : nil }
        }) {
            return cached
        }
        var restricted: [CategoryID: Category.ReadPolicy] = [:]
        for category in try await forum.categories() where category.readPolicy != .everyone {
            restricted[category.id] = category.readPolicy
        }
        state.withLock { $0 = (restricted, date) }
        return restricted
    }

    /// Forgets the cached rules (a category's readers changed here).
    func forget() {
        state.withLock { $0 = ([:], nil) }
    }
}
