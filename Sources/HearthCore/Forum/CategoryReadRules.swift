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

extension ForumService {
    /// The categories this viewer may not read (empty for most communities).
    public func unreadableCategories(for viewer: Viewer?) async throws -> [CategoryID] {
        let date = now()
        return try await readRules.restricted(forum, at: date)
            .filter { !policy.mayRead(viewer, category: $0.key, policy: $0.value, at: date) }.map(\.key)
            .sorted { $0.rawValue < $1.rawValue }
    }

    /// Whether the viewer may read the category's topics.
    public func mayRead(_ viewer: Viewer?, in categoryID: CategoryID) async throws -> Bool {
        let date = now()
        guard let rule = try await readRules.restricted(forum, at: date)[categoryID] else { return true }
        return policy.mayRead(viewer, category: categoryID, policy: rule, at: date)
    }

    /// The forum's categories this viewer may read, in order, without the archived ones.
    public func categories(readableBy viewer: Viewer?) async throws -> [Category] {
        let date = now()
        return try await categories().filter {
            policy.mayRead(viewer, category: $0.id, policy: $0.readPolicy, at: date)
        }
    }

    /// The mentioned members who may read the category (by their role: a delegate's grants are not loaded here),
    /// so that a mention in a staff-only topic tells no one else its title.
    func readers(_ mentioned: [MemberSummary], in categoryID: CategoryID) async throws -> [MemberSummary] {
        let date = now()
        guard let rule = try await readRules.restricted(forum, at: date)[categoryID] else { return mentioned }
        return mentioned.filter { summary in
            let member = Member(
                id: summary.id, email: "", handle: summary.handle, displayName: summary.displayName, role: summary.role,
                language: nil, createdAt: .distantPast)
            return policy.mayRead(
                Viewer(member: member, credential: .session(SessionID(0))), category: categoryID, policy: rule, at: date
            )
        }
    }

    /// A category's readers changed on this process.
    func categoryRulesChanged() {
        readRules.forget()
        changes.bumpAll()
    }
}
