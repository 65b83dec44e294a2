import Foundation
import HearthCore
import HearthViews
import Hummingbird

/// The search page. The API's `/search` reads the same parameters through `SearchParameters`.
struct SearchController: Sendable {
    typealias Context = HearthRequestContext
    let shared: ForumPages

    func addRoutes(to router: Router<Context>) {
        router.get("/search", use: search)
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        // Snippets and rendering cost more than the search itself: off the event loops, at a lower priority.
        try await withTaskExecutorPreference(ScanExecutor.pages.next()) { try await page(request, context: context) }
    }

    private func page(_ request: Request, context: Context) async throws -> Response {
        let parameters = request.formQuery
        let text = parameters.get("q") ?? ""
        let offset = max(0, parameters.get("page").flatMap { Int($0) }.map { ($0 - 1) * SearchService.pageSize } ?? 0)
        var errors: [String] = []
        var hits: [SearchHit] = []
        var more = false
        var query: SearchQuery?
        do {
            query = try SearchParameters.query(
                parameters, offset: offset, timeZone: shared.services.delegation.communityTimeZone)
            if let query { (hits, more) = try await shared.services.search.search(context.identity, query) }
        } catch HearthError.validation(let fields) {
            errors = fields.map(\.message)
        }
        var next: String?
        if more, var components = URLComponents(string: request.uri.description) {
            let page = offset / SearchService.pageSize + 2
            components.queryItems =
                (components.queryItems ?? []).filter { $0.name != "page" } + [
                    URLQueryItem(name: "page", value: String(page))
                ]
            next = components.string
        }
        let title = shared.pages.text("search_heading", context)
        var view = SearchPage(
            page: try await shared.frame(title, context, errors: errors), query: text,
            author: parameters.get("author") ?? "", from: parameters.get("from") ?? "", to: parameters.get("to") ?? "",
            categories: try await shared.forum.categories(readableBy: context.identity), selected: query?.categoryID,
            hits: hits,
            searched: query != nil && errors.isEmpty, nextURL: next, language: context.language)
        view.reachedWindow = !more && offset + hits.count >= SearchQuery.rankedWindow
        return shared.pages.html(
            view, template: SearchPage.template, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}

/// Reads `q`, `category`, `author`, `from` and `to` (days as YYYY-MM-DD in the community's time zone, `to`
/// inclusive) from a query string.
enum SearchParameters {
    /// The query, or nil when no `q` was given at all (the empty search page).
    static func query(_ parameters: Parameters, offset: Int, timeZone: TimeZone) throws -> SearchQuery? {
        guard let text = parameters.get("q") else { return nil }
        let category = try parameters.get("category").flatMap { $0.isEmpty ? nil : $0 }.map { value -> CategoryID in
            guard let id = Int64(value), id > 0 else {
                throw HearthError.invalid("category", "Choose a category from the list.")
            }
            return CategoryID(id)
        }
        let author = parameters.get("author").map(Handle.typed).flatMap { $0.isEmpty ? nil : $0 }
        return SearchQuery(
            text: text, categoryID: category, authorHandle: author,
            from: try day(parameters.get("from"), "from")?.start(in: timeZone),
            to: try day(parameters.get("to"), "to")?.end(in: timeZone), limit: SearchService.pageSize, offset: offset)
    }

    /// A day typed in a field; none when the field was left empty.
    private static func day(_ value: String?, _ field: String) throws -> CalendarDay? {
        guard let value, !value.isEmpty else { return nil }
        guard let day = CalendarDay(value) else { throw CalendarDay.invalid(field) }
        return day
    }
}
