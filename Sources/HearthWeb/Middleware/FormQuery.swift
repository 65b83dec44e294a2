import Hummingbird
import HummingbirdCore

extension Request {
    /// The query string as a page's GET form sends it: a space comes as `+`, as in a form's body (`FormFields`),
    /// where `uri.queryParameters` leaves it a plus ("Marc+Dupont"). For the pages' GET forms (search, the
    /// moderation log, the members' list); the API reads its query as RFC 3986 writes it.
    var formQuery: FlatDictionary<Substring, Substring> {
        guard let query = uri.query, !query.isEmpty else { return FlatDictionary() }
        return FlatDictionary(
            query.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count > 1 ? FormFields.decode(ArraySlice(parts[1].utf8)) : ""
                return (key: Substring(FormFields.decode(ArraySlice(parts[0].utf8))), value: Substring(value))
            })
    }
}
