import Foundation

/// The forum's categories: listing them (for a viewer, by who may read them), creating them, and the rule on
/// who may read each one. The console's edits are in `CategoryAdmin`.
extension ForumService {
    /// The forum's categories, in order, without the archived ones and the blog's comments.
    public func categories() async throws -> [Category] {
        try await forum.categories().filter { $0.kind != .comments && $0.archivedAt == nil }
    }

    /// The hidden category that holds blog comments, created the first time it is needed.
    func commentsCategory() async throws -> Category {
        if let existing = try await forum.categories().first(where: { $0.kind == .comments }) { return existing }
        do {
            return try await forum.createCategory(
                NewCategory(
                    slug: "article-comments", name: "Article comments", description: "", startPolicy: .staff,
                    kind: .comments))
        } catch HearthError.conflict {
            // Created meanwhile by another request.
            guard let existing = try await forum.categories().first(where: { $0.kind == .comments }) else {
                throw HearthError.unavailable("The comments category could not be created.")
            }
            return existing
        }
    }

    public func category(slug: String) async throws -> Category {
        guard let category = try await forum.category(slug: slug) else {
            throw HearthError.notFound("There is no such category.")
        }
        return category
    }

    public func category(id: CategoryID) async throws -> Category {
        guard let category = try await forum.category(id: id) else {
            throw HearthError.notFound("There is no such category.")
        }
        return category
    }

    public func createCategory(
        _ viewer: Viewer?, name rawName: String, description: String, startPolicy: Category.StartPolicy,
        kind: Category.Kind = .forum
    ) async throws -> Category {
        try policy.authorize(viewer, .manageCategories, at: now())
        let name = try Self.categoryName(rawName)
        let text = try Self.categoryDescription(description)
        return try await forum.createCategory(
            NewCategory(
                slug: Slug.make(name, fallback: "category"), name: name, description: text,
                startPolicy: kind == .announcements ? .staff : startPolicy, kind: kind))
    }

    static func categoryName(_ raw: String) throws -> String {
        let name = raw.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else {
            throw HearthError.invalid("name", "Give the category a name of 1 to 80 characters.")
        }
        return name
    }

    static func categoryDescription(_ raw: String) throws -> String {
        let text = raw.withoutXMLForbiddenCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 500 else {
            throw HearthError.invalid("description", "A description can be at most 500 characters long.")
        }
        return text
    }

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
