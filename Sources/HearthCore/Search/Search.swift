import Foundation

/// What someone searches for: words, and optional filters.
public struct SearchQuery: Sendable, Equatable {
    /// How many of the newest matching posts a search ranks (50 pages of 20): a search costs the same at 10^3 and
    /// 10^6 posts. Older posts are reached by narrowing the search (a word, a category, an author, dates).
    public static let rankedWindow = 1_000

    public var text: String
    public var categoryID: CategoryID?
    /// The handle of the member who wrote the posts.
    public var authorHandle: String?
    public var from: Date?
    public var to: Date?
    public var limit: Int
    public var offset: Int
    /// Categories left out (those the viewer may not read); the search service fills it in.
    public var excludedCategories: [CategoryID] = []

    public init(
        text: String, categoryID: CategoryID? = nil, authorHandle: String? = nil, from: Date? = nil, to: Date? = nil,
        limit: Int = 20, offset: Int = 0
    ) {
        self.text = text
        self.categoryID = categoryID
        self.authorHandle = authorHandle
        self.from = from
        self.to = to
        self.limit = limit
        self.offset = offset
    }

    /// The words to look for, folded like the index (see `SearchText`), at most eight.
    public var terms: [String] { SearchText.terms(text) }
}

/// A post that matches, with its topic's title for the result list.
public struct SearchHit: Sendable, Equatable {
    public let post: Post
    public let topicTitle: String
    public let categoryID: CategoryID

    public init(post: Post, topicTitle: String, categoryID: CategoryID) {
        self.post = post
        self.topicTitle = topicTitle
        self.categoryID = categoryID
    }
}

/// How text is folded for the index and for queries, the same on both engines: lower case, accents and
/// ligatures removed ("École" and "ecole" are one word), split on anything that is not a letter or digit.
public enum SearchText {
    static let maximumTerms = 8

    public static func fold(_ text: String) -> String {
        // ASCII has no accents or wide forms: folding it is lowercasing, without Foundation's slow path.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        // Each replacement goes through NSString and was over half of folding an imported post: only when one of
        // the three letters is there (none of them has another form the search could match).
        guard folded.unicodeScalars.contains(where: { $0 == "œ" || $0 == "æ" || $0 == "ß" }) else { return folded }
        return folded.replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "ß", with: "ss")
    }

    /// The folded words of a text, joined by single spaces: what goes into the index.
    public static func document(_ text: String) -> String {
        words(fold(text)).joined(separator: " ")
    }

    /// The distinct folded words of a query, in order, at most eight.
    public static func terms(_ query: String) -> [String] {
        var seen: Set<String> = []
        return words(fold(query)).filter { seen.insert($0).inserted }.prefix(maximumTerms).map { $0 }
    }

    /// The words of a folded text: runs of letters and digits.
    public static func words(_ text: String) -> [String] {
        // ASCII letters and digits are the only ASCII word characters: split on bytes, without Unicode lookups.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.split { byte in
                !((0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte))
            }.map { String(Substring($0)) }
        }
        return text.split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}

/// Full-text search over posts, implemented per engine.
public protocol SearchRepository: Sendable {
    /// Matching visible posts, best first, including posts written just before.
    func search(_ query: SearchQuery) async throws -> [SearchHit]
    /// Indexes what was written since the last call, where the engine indexes off the request path; returns
    /// how many posts it indexed.
    @discardableResult
    func catchUp() async throws -> Int
}
