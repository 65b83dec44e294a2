extension String {
    /// The text with `& < > " '` escaped, safe in element content and in quoted attribute values.
    public var htmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            out.appendEscaped(scalar)
        }
        return out
    }

    mutating func appendEscaped(_ scalar: Unicode.Scalar) {
        switch scalar {
        case "&": append("&amp;")
        case "<": append("&lt;")
        case ">": append("&gt;")
        case "\"": append("&quot;")
        case "'": append("&#39;")
        case "\0": append("\u{FFFD}")
        default: unicodeScalars.append(scalar)
        }
    }
}
