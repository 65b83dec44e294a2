import Foundation

/// URL-friendly names: "Où est l'école ?" becomes "ou-est-l-ecole".
public enum Slug {
    public static func make(_ text: String, maximumLength: Int = 60, fallback: String = "topic") -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var slug = ""
        var length = 0
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, length > 0 {
                    slug.append("-")
                    length += 1
                }
                slug.unicodeScalars.append(scalar)
                length += 1
                pendingDash = false
                if length >= maximumLength { break }
            } else {
                pendingDash = true
            }
        }
        return slug.isEmpty ? fallback : slug
    }
}

/// The short name people write after "@" to mention someone.
public enum Handle {
    static let maximumLength = 20

    /// A handle made from a display name: ASCII letters, digits and "_", at most 20 characters. The store
    /// adds a number when it is taken.
    public static func base(for displayName: String) -> String {
        let folded = displayName.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var handle = ""
        for scalar in folded.unicodeScalars where handle.count < maximumLength {
            if isHandleScalar(scalar) {
                handle.unicodeScalars.append(scalar)
            } else if scalar == " " || scalar == "-" || scalar == ".", !handle.isEmpty, !handle.hasSuffix("_") {
                handle.append("_")
            }
        }
        while handle.hasSuffix("_") { handle.removeLast() }
        return handle.isEmpty ? "member" : handle
    }

    /// A handle as a person typed it in a form: trimmed, without its leading "@".
    public static func typed(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasPrefix("@") ? String(trimmed.dropFirst()) : trimmed
    }

    static func isHandleScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// The handles mentioned in a Markdown text, lower-cased, in order of first appearance. Mentions inside
    /// code (fenced blocks and `inline` spans) do not count, and neither does the "@" of an e-mail address.
    public static func mentions(in markdown: String) -> [String] {
        guard markdown.utf8.contains(UInt8(ascii: "@")) else { return [] }
        var found: [String] = []
        var inFence = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmed(newlines: false).hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if inFence || line.hasPrefix("    ") || line.hasPrefix("\t") { continue }
            var inCode = false
            var previous: Unicode.Scalar = " "
            var current: String?
            for scalar in line.unicodeScalars {
                if var name = current {
                    if isHandleScalar(scalar), name.count < maximumLength {
                        name.unicodeScalars.append(scalar)
                        current = name
                        previous = scalar
                        continue
                    }
                    if !name.isEmpty, !found.contains(name.lowercased()) { found.append(name.lowercased()) }
                    current = nil
                }
                if scalar == "`" {
                    inCode.toggle()
                } else if scalar == "@", !inCode, !isHandleScalar(previous), previous != "." {
                    current = ""
                }
                previous = scalar
            }
            if let name = current, !name.isEmpty, !found.contains(name.lowercased()) { found.append(name.lowercased()) }
        }
        return found
    }
}

/// What a post's Markdown becomes once rendered, with what the renderer needs to know of the community.
public protocol PostCooker: Sendable {
    /// Renders a member's Markdown to safe HTML. `mentions` holds the handles that name real members (lower
    /// case); only those become links.
    func cook(_ markdown: String, mentions: Set<String>) -> String
    /// A plain-text excerpt of the Markdown, for quotes, notifications and feeds.
    func excerpt(_ markdown: String, maximumLength: Int) -> String
}

/// What may be written, checked in one place for the web and the API.
public enum PostRules {
    public static let titleLength = 3...200
    public static let bodyLength = 1...32_000

    public static func title(_ raw: String) throws -> String {
        // Line breaks become spaces scalar by scalar: `replacingOccurrences` matches whole composed characters,
        // so it missed a "\n" that a combining mark follows, which the check below then refused as a control.
        var scalars = String.UnicodeScalarView()
        scalars.append(
            contentsOf: raw.withoutXMLForbiddenCharacters.trimmed().unicodeScalars.lazy.map { $0 == "\n" ? " " : $0 })
        let title = String(scalars)
        guard titleLength.contains(title.count) else {
            throw HearthError.invalid("title", "Give the topic a title of 3 to 200 characters.")
        }
        guard !title.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw HearthError.invalid("title", "A title cannot contain control characters.")
        }
        return title
    }

    public static func body(_ raw: String) throws -> String {
        let body = raw.withoutXMLForbiddenCharacters.unixLineBreaks.trimmed()
        guard bodyLength.contains(body.count) else {
            throw HearthError.invalid(
                "body",
                body.isEmpty ? "Write something before posting." : "A post can be at most 32,000 characters long.")
        }
        return body
    }
}
