/// Translations of the domain's messages, keyed by their English text the way gettext keys by `msgid`: Core
/// speaks one language and stays free of presentation, and the pages speak the reader's. A `{}` in a key
/// stands for a value the message carries (a name, a number); the translation puts the values back in order.
public struct MessageCatalog: Sendable {
    private let exact: [String: String]
    /// Keys with values, split at their `{}`s, longest first so the most specific wins.
    private let patterns: [(parts: [Substring], translation: String)]

    public init(_ translations: [String: String]) {
        exact = translations.filter { !$0.key.contains("{}") }
        patterns = translations.filter { $0.key.contains("{}") }
            .map { (parts: $0.key.split(separator: "{}", omittingEmptySubsequences: false), translation: $0.value) }
            .sorted { $0.parts.joined().count > $1.parts.joined().count }
    }

    public var keys: [String] {
        Array(exact.keys) + patterns.map { $0.parts.joined(separator: "{}") }
    }

    /// The translation of `message`, or nil when it has none.
    public func translate(_ message: String) -> String? {
        if let translation = exact[message] { return translation }
        for pattern in patterns {
            guard let values = Self.values(in: message, parts: pattern.parts) else { continue }
            var result = ""
            var remaining = values[...]
            for (index, piece) in pattern.translation.split(separator: "{}", omittingEmptySubsequences: false)
                .enumerated()
            {
                if index > 0 { result += remaining.popFirst().map(translated) ?? "" }
                result += piece
            }
            return result
        }
        return nil
    }

    /// A value that stood for `{}`, itself translated when the catalog knows it ("3 days", a heat reason), or
    /// each of its comma-separated parts ("replies coming fast (4 in the last minutes), flags on recent replies").
    private func translated(_ value: Substring) -> String {
        if let whole = translate(String(value)) { return whole }
        let parts = value.components(separatedBy: ", ")
        guard parts.count > 1 else { return String(value) }
        return parts.map { translate($0) ?? $0 }.joined(separator: ", ")
    }

    /// The values standing where the key has `{}`, or nil when the message does not have the key's shape.
    private static func values(in message: String, parts: [Substring]) -> [Substring]? {
        guard let first = parts.first, let last = parts.last, message.hasPrefix(first), message.hasSuffix(last),
            message.count >= first.count + last.count
        else { return nil }
        var rest = message.dropFirst(first.count).dropLast(last.count)
        var values: [Substring] = []
        for separator in parts.dropFirst().dropLast() {
            guard let range = rest.range(of: separator) else { return nil }
            values.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        values.append(rest)
        return values.contains(where: \.isEmpty) ? nil : values
    }
}
