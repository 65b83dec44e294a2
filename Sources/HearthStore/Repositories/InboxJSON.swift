import HearthCore

/// The inbox's facts and reasons as the JSON its rows keep, written by hand: Foundation's `JSONEncoder` (boxing
/// every value, casting it back) was 6 % of the server's CPU writing a reply, whose inbox item stores both. The
/// keys are those of the types' `Codable` conformances, which read the rows back; a value JSON cannot hold (a
/// number that is not finite) gives nil, and the caller falls back to `JSONEncoder`.
enum InboxJSON {
    static func encode(_ facts: InboxFacts) -> String? {
        var json = Writer()
        json.field("answeredBy", facts.answeredBy)
        json.field("authorPertinent", facts.authorPertinent)
        json.field("authorTrolls", facts.authorTrolls)
        json.field("counterSpeech", facts.counterSpeech)
        json.field("cues", facts.cues)
        json.field("feedbackKind", facts.feedbackKind)
        json.field("firstPost", facts.firstPost)
        json.field("heat", facts.heat)
        json.field("keptBy", facts.keptBy)
        json.field("learned", facts.learned)
        json.field("learnedWords", facts.learnedWords)
        json.field("mentions", facts.mentions)
        json.field("newcomer", facts.newcomer)
        json.field("noise", facts.noise)
        json.field("opensTopic", facts.opensTopic)
        if let outside = facts.outside { json.field("outside", object: encode(outside)) }
        json.field("review", facts.review)
        json.field("sentiment", facts.sentiment)
        json.field("toxicity", facts.toxicity)
        json.field("waited", facts.waited)
        json.field("words", facts.words)
        return json.close()
    }

    static func encode(_ outside: OutsideRef) -> String? {
        var json = Writer()
        json.field("answerError", outside.answerError)
        json.field("author", outside.author)
        json.field("canAnswer", outside.canAnswer)
        json.field("excerpt", outside.excerpt)
        json.field("itemID", Int(outside.itemID))
        json.field("keywords", outside.keywords)
        if let published = outside.publishedAt { json.field("publishedAt", published.timeIntervalSinceReferenceDate) }
        json.field("sourceID", Int(outside.sourceID))
        json.field("sourceKind", outside.sourceKind)
        json.field("sourceName", outside.sourceName)
        json.field("title", outside.title)
        json.field("url", outside.url)
        return json.close()
    }

    static func encode(_ reasons: [InboxReason]) -> String {
        var text = "["
        for (index, reason) in reasons.enumerated() {
            var json = Writer()
            json.field("code", reason.code.rawValue)
            json.field("raises", reason.raises)
            json.field("text", reason.text)
            text += (index == 0 ? "" : ",") + (json.close() ?? "{}")
        }
        return text + "]"
    }

    /// One JSON object, its keys in the order given (sorted above, as `JSONEncoder` wrote them).
    struct Writer {
        private var text = "{"
        private var first = true
        private var valid = true

        mutating func close() -> String? { valid ? text + "}" : nil }

        private mutating func key(_ name: String) {
            text += first ? "\"" : ",\""
            text += name
            text += "\":"
            first = false
        }

        mutating func field(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.append(value, to: &text)
        }

        mutating func field(_ name: String, _ value: [String]) {
            key(name)
            text += "["
            for (index, element) in value.enumerated() {
                if index > 0 { text += "," }
                Self.append(element, to: &text)
            }
            text += "]"
        }

        /// An object written by another `Writer`; nil (a value JSON cannot hold) makes this one invalid too.
        mutating func field(_ name: String, object: String?) {
            key(name)
            guard let object else {
                valid = false
                return
            }
            text += object
        }

        mutating func field(_ name: String, _ value: Bool) {
            key(name)
            text += value ? "true" : "false"
        }

        mutating func field(_ name: String, _ value: Int) {
            key(name)
            text += String(value)
        }

        mutating func field(_ name: String, _ value: Double) {
            key(name)
            guard value.isFinite else {
                valid = false
                return
            }
            // Swift's shortest form reads back to the same value ("0.1", "1e-07"), and is a JSON number, written
            // without a fraction when whole ("3" rather than "3.0"), as JSONEncoder does.
            text += value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }

        /// A JSON string: quotes, backslashes and control characters escaped, the rest as it is.
        static func append(_ value: String, to text: inout String) {
            text += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        }
    }
}
