import Foundation
import HearthCore

/// The search page: the query and its filters as typed, and the results with highlighted snippets.
public struct SearchPage: Sendable {
    public static let template = "search"
    public struct Result: Sendable {
        public let topicTitle: String
        public let url: String
        public let authorName: String
        public let date: String
        public let dateISO: String
        /// Escaped text with `<mark>` around matches, made by `Highlighter`.
        public let snippetHTML: String
    }

    public struct Option: Sendable {
        public let id: Int64
        public let name: String
        public let selected: Bool
    }

    public let page: PageChrome
    public let query: String
    public let author: String
    public let from: String
    public let to: String
    /// Whether the filters start unfolded: when one of them is in use.
    public let filtersOpen: Bool
    public let categories: [Option]
    public let results: [Result]
    public let searched: Bool
    public let nextURL: String?
    /// The last page of the ranked window: older matches are reached by narrowing the search.
    public var reachedWindow: Bool = false

    public init(
        page: PageChrome, query: String, author: String, from: String, to: String, categories: [HearthCore.Category],
        selected: CategoryID?, hits: [SearchHit], searched: Bool, nextURL: String?, language: Language
    ) {
        self.page = page
        self.query = query
        self.author = author
        self.from = from
        self.to = to
        self.filtersOpen = !(author.isEmpty && from.isEmpty && to.isEmpty) || selected != nil
        self.categories = categories.map { Option(id: $0.id.rawValue, name: $0.name, selected: $0.id == selected) }
        let terms = SearchText.terms(query)
        self.results = hits.map { hit in
            Result(
                topicTitle: hit.topicTitle,
                url: "/t/\(hit.post.topicID.rawValue)?post=\(hit.post.number)#p\(hit.post.number)",
                authorName: hit.post.author.displayName, date: Localization.date(hit.post.createdAt, language),
                dateISO: Localization.isoDate(hit.post.createdAt),
                snippetHTML: Highlighter.snippet(hit.post.body, terms: terms))
        }
        self.searched = searched
        self.nextURL = nextURL
    }
}
