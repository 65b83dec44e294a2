import Foundation

/// Line-break and whitespace cleanup for text people type. Foundation's `replacingOccurrences` and
/// `trimmingCharacters` bridge through `NSString` on Linux, which cost a visible share of every reply; these look
/// at the UTF-8 bytes first and only copy when there is something to change.
extension String {
    /// The text with Windows ("\r\n") and old Mac ("\r") line breaks turned into "\n".
    public var unixLineBreaks: String {
        guard utf8.contains(UInt8(ascii: "\r")) else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var afterReturn = false
        for byte in utf8 {
            if byte == UInt8(ascii: "\n"), afterReturn {
                afterReturn = false
                continue
            }
            afterReturn = byte == UInt8(ascii: "\r")
            bytes.append(afterReturn ? UInt8(ascii: "\n") : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

}

extension StringProtocol {
    /// The text without leading and trailing white space (and line breaks, unless `newlines` is false).
    /// Text that starts and ends with a visible ASCII character is returned as it is.
    public func trimmed(newlines: Bool = true) -> String {
        let visible = UInt8(0x21)..<0x7F
        if let first = utf8.first, let last = utf8.reversed().first, visible.contains(first), visible.contains(last) {
            return String(self)
        }
        return trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
