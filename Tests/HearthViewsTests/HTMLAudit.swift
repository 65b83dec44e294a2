/// Reads HTML made by SafeMarkdown the way a browser's tokenizer would see its tags, and reports anything
/// outside the allowed list: a tag or attribute not allowed, an event handler, an address with a scheme
/// other than http, https or mailto (or our uploads for images), or tags that do not balance.
struct HTMLAudit {
    static let allowedAttributes: [String: Set<String>] = [
        "p": [], "br": [], "em": [], "strong": [], "code": ["class"], "pre": [], "blockquote": [], "ul": [],
        "ol": ["start"], "li": [], "a": ["href", "rel", "class"], "img": ["src", "alt", "loading"],
        "hr": [],
    ]
    static let voidTags: Set<String> = ["br", "img", "hr"]

    /// The problems found; empty when the HTML is safe and balanced.
    static func problems(in html: String) -> [String] {
        var problems: [String] = []
        var stack: [String] = []
        let scalars = Array(html.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "<" else {
                index += 1
                continue
            }
            guard let end = scalars[index...].firstIndex(of: ">") else {
                problems.append("an unterminated tag")
                break
            }
            let tag = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
            index = end + 1
            if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                if stack.last == name { stack.removeLast() } else { problems.append("</\(name)> closes nothing open") }
                continue
            }
            let (name, attributes, wellFormed) = parse(tag)
            guard wellFormed else {
                problems.append("a malformed tag <\(tag)>")
                continue
            }
            guard let allowed = allowedAttributes[name] else {
                problems.append("a <\(name)> tag")
                continue
            }
            for (attribute, value) in attributes {
                if !allowed.contains(attribute) { problems.append("attribute \(attribute) on <\(name)>") }
                if attribute == "href" || attribute == "src" {
                    let decoded = decodeEntities(value).lowercased()
                    let safe =
                        decoded.hasPrefix("https://") || (attribute == "href" && decoded.hasPrefix("http://"))
                        || (attribute == "href" && decoded.hasPrefix("mailto:"))
                        || (attribute == "href" && decoded.hasPrefix("/u/"))
                        || (attribute == "src" && decoded.hasPrefix("/uploads/") && !decoded.contains(".."))
                    if !safe { problems.append("\(attribute)=\"\(value)\"") }
                }
            }
            if !voidTags.contains(name) { stack.append(name) }
        }
        if !stack.isEmpty { problems.append("unclosed tags \(stack)") }
        return problems
    }

    /// Splits `name attr="value" …`; every attribute must be quoted with double quotes.
    private static func parse(_ tag: String) -> (String, [(String, String)], Bool) {
        let name = String(tag.prefix { $0 != " " })
        var rest = Substring(tag.dropFirst(name.count))
        var attributes: [(String, String)] = []
        while !rest.isEmpty {
            guard rest.first == " " else { return (name, attributes, false) }
            rest = rest.dropFirst()
            let attribute = rest.prefix { $0 != "=" && $0 != " " }
            rest = rest.dropFirst(attribute.count)
            guard rest.hasPrefix("=\"") else { return (name, attributes, false) }
            rest = rest.dropFirst(2)
            guard let close = rest.firstIndex(of: "\"") else { return (name, attributes, false) }
            attributes.append((String(attribute).lowercased(), String(rest[..<close])))
            rest = rest[rest.index(after: close)...]
        }
        return (name.lowercased(), attributes, true)
    }

    /// Numeric and the five named entities, enough to see through `&#106;avascript:`.
    static func decodeEntities(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semi = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semi) < 12 else {
                out += "&"
                rest = rest.dropFirst()
                continue
            }
            let entity = rest[rest.index(after: rest.startIndex)..<semi]
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "#39": "'"]
            if let value = named[String(entity)] {
                out += value
            } else if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                out.unicodeScalars.append(scalar)
            } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "&" + entity + ";"
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
