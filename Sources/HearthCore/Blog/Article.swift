import Foundation

public typealias ArticleID = Identifier<Article>

/// A blog article by staff: the brand's human face. Comments on it are posts in a topic of its own (in
/// the hidden comments category), so they are notified, quoted, reacted to and moderated like any reply.
public struct Article: Sendable, Equatable, Identifiable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case draft
        case scheduled
        case published
    }

    /// The "commercial part": a product the article presents.
    public struct ProductCard: Sendable, Equatable, Codable {
        public var name: String
        public var url: String
        public var imagePath: String?

        public init(name: String, url: String, imagePath: String?) {
            self.name = name
            self.url = url
            self.imagePath = imagePath
        }
    }

    public let id: ArticleID
    public var slug: String
    public var title: String
    public var body: String
    public var html: String
    public var coverPath: String?
    public var tags: [String]
    public var status: Status
    /// When a scheduled article goes out (and when a published one did).
    public var publishAt: Date?
    public var product: ProductCard?
    public var author: MemberSummary
    public var topicID: TopicID
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ArticleID, slug: String, title: String, body: String, html: String, coverPath: String?, tags: [String],
        status: Status, publishAt: Date?, product: ProductCard?, author: MemberSummary, topicID: TopicID,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.body = body
        self.html = html
        self.coverPath = coverPath
        self.tags = tags
        self.status = status
        self.publishAt = publishAt
        self.product = product
        self.author = author
        self.topicID = topicID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether readers see it at `date`: published, or scheduled for a moment that has come.
    public func isPublic(at date: Date) -> Bool {
        switch status {
        case .draft: false
        case .published: true
        case .scheduled: (publishAt ?? .distantFuture) <= date
        }
    }

    /// The date shown as the article's: when it went out, else when it was written.
    public var date: Date { publishAt ?? createdAt }
}

/// What staff write in the article form, checked.
public struct ArticleDraft: Sendable, Equatable {
    public var title: String
    public var body: String
    public var coverPath: String?
    public var tags: [String]
    public var status: Article.Status
    public var publishAt: Date?
    public var product: Article.ProductCard?

    public init(
        title: String, body: String, coverPath: String? = nil, tags: [String] = [], status: Article.Status,
        publishAt: Date? = nil, product: Article.ProductCard? = nil
    ) {
        self.title = title
        self.body = body
        self.coverPath = coverPath
        self.tags = tags
        self.status = status
        self.publishAt = publishAt
        self.product = product
    }

    /// Tags from "Release, cooking ,  news": trimmed, lower-cased, distinct, at most ten.
    public static func tags(_ text: String) -> [String] {
        var seen: Set<String> = []
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && $0.count <= 30 && seen.insert($0).inserted }.prefix(10).map { $0 }
    }
}

/// Articles as stored.
public protocol ArticleRepository: Sendable {
    /// Creates the article and its comments topic (in `commentsCategory`) atomically.
    func create(
        _ draft: ArticleDraft, slug: String, html: String, authorID: MemberID, commentsCategory: CategoryID,
        firstPost: NewPost, at date: Date
    ) async throws -> Article
    /// Saves the new text and returns the article, or nil when there is no such article.
    func update(_ id: ArticleID, _ draft: ArticleDraft, html: String, at date: Date) async throws -> Article?
    func find(id: ArticleID) async throws -> Article?
    func find(slug: String) async throws -> Article?
    func find(topicID: TopicID) async throws -> Article?
    /// Newest first. Only those public at `visibleAt` when given; all of them (drafts too) when nil.
    func list(visibleAt: Date?, limit: Int, offset: Int) async throws -> [Article]
}
