import Foundation

/// Changes to categories made in the console, each with its log entry.
public protocol CategoryRepository: Sendable {
    func updateCategory(_ category: Category, log: NewLogEntry, at date: Date) async throws
    /// Swaps the category's place with its neighbour's among the forum's categories not archived (`offset` -1:
    /// up, 1: down); false when there is no neighbour that way.
    func moveCategory(_ id: CategoryID, offset: Int, log: NewLogEntry, at date: Date) async throws -> Bool
    /// Archives the category and closes its open topics, or takes it out of the archive (its topics stay closed
    /// until someone opens them).
    func setArchived(_ id: CategoryID, _ archived: Bool, log: NewLogEntry, at date: Date) async throws
    /// Moves every topic to `target`, then removes the category: nothing is lost.
    func deleteCategory(_ id: CategoryID, movingTopicsTo target: CategoryID, log: NewLogEntry, at date: Date)
        async throws
}

/// The console's categories: create (through the forum), edit, reorder, archive, and delete by moving the topics.
public struct CategoryAdmin: Sendable {
    let forum: ForumService
    let store: any ForumRepository & CategoryRepository
    let policy: AccessPolicy
    let now: Now

    public init(
        forum: ForumService, store: any ForumRepository & CategoryRepository, policy: AccessPolicy, now: @escaping Now
    ) {
        self.forum = forum
        self.store = store
        self.policy = policy
        self.now = now
    }

    /// Every forum category, archived ones included, in order.
    public func categories(_ viewer: Viewer?) async throws -> [Category] {
        try policy.authorize(viewer, .manageCategories, at: now())
        return try await store.categories().filter { $0.kind != .comments }
    }

    public func create(
        _ viewer: Viewer?, name: String, description: String, startPolicy: Category.StartPolicy,
        readPolicy: Category.ReadPolicy = .everyone
    ) async throws -> Category {
        var category = try await forum.createCategory(
            viewer, name: name, description: description, startPolicy: startPolicy)
        guard readPolicy != .everyone else { return category }
        // Made open, then closed to its readers at once: it holds no topic in between.
        category.readPolicy = readPolicy
        try await store.updateCategory(category, log: entry(viewer, "edit_category", category), at: now())
        forum.categoryRulesChanged()
        return category
    }

    public func update(
        _ viewer: Viewer?, _ id: CategoryID, name rawName: String, description: String,
        startPolicy: Category.StartPolicy, readPolicy: Category.ReadPolicy? = nil
    ) async throws -> Category {
        let date = now()
        try policy.authorize(viewer, .manageCategories, at: date)
        var category = try await editable(id)
        category.name = try ForumService.categoryName(rawName)
        category.description = try ForumService.categoryDescription(description)
        category.startPolicy = category.kind == .announcements ? .staff : startPolicy
        if let readPolicy { category.readPolicy = readPolicy }
        try await store.updateCategory(category, log: entry(viewer, "edit_category", category), at: date)
        forum.categoryRulesChanged()
        return category
    }

    public func move(_ viewer: Viewer?, _ id: CategoryID, up: Bool) async throws {
        let date = now()
        try policy.authorize(viewer, .manageCategories, at: date)
        let category = try await editable(id)
        _ = try await store.moveCategory(
            id, offset: up ? -1 : 1, log: entry(viewer, up ? "move_category_up" : "move_category_down", category),
            at: date)
    }

    public func setArchived(_ viewer: Viewer?, _ id: CategoryID, archived: Bool) async throws {
        let date = now()
        try policy.authorize(viewer, .manageCategories, at: date)
        let category = try await editable(id)
        guard (category.archivedAt != nil) != archived else { return }
        try await store.setArchived(
            id, archived, log: entry(viewer, archived ? "archive_category" : "unarchive_category", category), at: date)
        forum.categoryRulesChanged()  // its topics closed: cached pages show them open
    }

    public func delete(_ viewer: Viewer?, _ id: CategoryID, movingTopicsTo target: CategoryID) async throws {
        let date = now()
        try policy.authorize(viewer, .manageCategories, at: date)
        let category = try await editable(id)
        guard target != id, let destination = try await store.category(id: target), destination.kind != .comments
        else {
            throw HearthError.invalid("moveTo", "Choose another category to move this one's topics to.")
        }
        var log = entry(viewer, "delete_category", category)
        log.reason = "\(category.name) → \(destination.name)"
        try await store.deleteCategory(id, movingTopicsTo: target, log: log, at: date)
        forum.categoryRulesChanged()
    }

    private func editable(_ id: CategoryID) async throws -> Category {
        guard let category = try await store.category(id: id), category.kind != .comments else {
            throw HearthError.notFound("There is no such category.")
        }
        return category
    }

    private func entry(_ viewer: Viewer?, _ action: String, _ category: Category) -> NewLogEntry {
        NewLogEntry(
            actorID: viewer?.member.id, action: action, target: .category, targetID: category.id.rawValue,
            reason: category.name)
    }
}
