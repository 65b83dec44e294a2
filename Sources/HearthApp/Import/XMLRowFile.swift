import Foundation
import HearthCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Stack Exchange dump file: one root element holding `<row …/>` elements, each on its line. It is read in two
/// ways, neither holding the file in memory:
///
/// - `scan` streams it once from start to end, checks that it is well-formed and whole, and shows each row to the
///   caller with where it lies in the file. The importer keeps a few numbers per row from this pass.
/// - `row(at:)` reads one row again later, by its location, when its thread is imported.
///
/// Foundation's `XMLParser` read 16,500 posts' files at about 5 µs a row and handed every row over as a dictionary;
/// a dump of a million posts as dictionaries took gigabytes. This reader knows only what dumps contain (an XML
/// declaration, comments, one root, rows with attributes) and refuses anything else with the line it is on.
final class XMLRowFile: Sendable {
    let url: URL
    private let descriptor: Int32

    /// Bytes read at a time while scanning; a longer row makes the buffer grow to hold it.
    private static let chunkSize = 1 << 20

    /// Opens the file, or returns nil when there is none.
    init?(_ url: URL) throws {
        self.url = url
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw HearthError.invalid("directory", "\(url.path) cannot be read.")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    var name: String { url.lastPathComponent }

    /// Why a file was refused.
    enum Failure: Error, Equatable {
        /// Not XML as dumps write it, at this byte offset.
        case malformed(offset: Int)
        /// The file ends before its root element is closed, after this many rows.
        case cutShort(rows: Int)
        case unreadable
    }

    /// Reads the whole file, calling `onRow` for each row in order; returns the number of rows. Throws `Failure`,
    /// or what `onRow` throws.
    func scan(_ onRow: (XMLRowView) throws -> Void) throws -> Int {
        var scanner = Scanner()
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        /// Valid bytes in `buffer`, and the file offset of its first byte.
        var count = 0
        var base = 0
        var position = 0
        var atEnd = false
        var attributes: [XMLRowView.Attribute] = []
        attributes.reserveCapacity(32)
        while true {
            let step = try buffer.withUnsafeBufferPointer { bytes in
                try scanner.advance(
                    UnsafeBufferPointer(rebasing: bytes[0..<count]), from: &position, base: base, atEnd: atEnd,
                    attributes: &attributes, onRow: onRow)
            }
            switch step {
            case .finished:
                return scanner.rows
            case .needMore:
                if atEnd {
                    throw Failure.cutShort(rows: scanner.rows)
                }
                // Keep the unfinished token, make room, read on.
                if position > 0 {
                    buffer.withUnsafeMutableBufferPointer { bytes in
                        guard let start = bytes.baseAddress else { return }
                        memmove(start, start + position, count - position)
                    }
                    count -= position
                    base += position
                    position = 0
                }
                if count == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
                let got = buffer.withUnsafeMutableBufferPointer { bytes in
                    read(descriptor, bytes.baseAddress! + count, bytes.count - count)
                }
                guard got >= 0 else { throw Failure.unreadable }
                if got == 0 { atEnd = true }
                count += got
            }
        }
    }

    /// Reads the row at `location` again and hands it to `body`. A file changed since `scan` read it (the row is
    /// no longer there whole) is an error saying so.
    func row<T>(at location: RowLocation, _ body: (XMLRowView) throws -> T) throws -> T {
        var bytes = [UInt8](repeating: 0, count: location.length)
        let got = bytes.withUnsafeMutableBufferPointer { buffer in
            pread(descriptor, buffer.baseAddress!, location.length, off_t(location.offset))
        }
        let changed = HearthError.unavailable(
            "\(name) changed while it was being imported (a row is no longer where it was when the file was read).")
        guard got == location.length else { throw changed }
        return try bytes.withUnsafeBufferPointer { buffer in
            var attributes: [XMLRowView.Attribute] = []
            guard case .row(_, let end) = Scanner.element(buffer, at: 0, attributes: &attributes),
                end == location.length
            else { throw changed }
            return try body(XMLRowView(bytes: buffer, attributes: attributes, location: location))
        }
    }

    /// The line (from 1) holding byte `offset`, for messages.
    func line(at offset: Int) -> Int {
        var line = 1
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var done = 0
        while done < offset {
            let got = buffer.withUnsafeMutableBufferPointer { bytes in
                pread(descriptor, bytes.baseAddress!, min(bytes.count, offset - done), off_t(done))
            }
            guard got > 0 else { break }
            line += buffer[0..<got].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            done += got
        }
        return line
    }

    /// The state of one pass over a file: where in the document it is.
    fileprivate struct Scanner {
        var rootName: [UInt8]?
        var rootClosed = false
        var rows = 0

        enum Step {
            case needMore
            case finished
        }

        enum Element {
            /// A start tag closed by `/>` (a row, or an empty root), ending before `end`.
            case row(name: Range<Int>, end: Int)
            /// A start tag closed by `>`.
            case open(name: Range<Int>, end: Int)
            case needMore
            case malformed(at: Int)
        }

        /// Reads tokens from `position` until the buffer runs out (`needMore`) or the document ends.
        mutating func advance(
            _ bytes: UnsafeBufferPointer<UInt8>, from position: inout Int, base: Int, atEnd: Bool,
            attributes: inout [XMLRowView.Attribute], onRow: (XMLRowView) throws -> Void
        ) throws -> Step {
            let count = bytes.count
            if base == 0, position == 0, Self.startsWithByteOrderMark(bytes) { position = 3 }
            while true {
                // Text between tags: only white space is expected; text inside the root is ignored, as XMLParser's
                // readers of dumps ignored it.
                var index = position
                while index < count, bytes[index] != UInt8(ascii: "<") {
                    if rootName == nil || rootClosed, !Self.isSpace(bytes[index]) {
                        throw Failure.malformed(offset: base + index)
                    }
                    index += 1
                }
                position = index
                if index == count {
                    if rootClosed, atEnd { return .finished }
                    return .needMore
                }
                guard index + 1 < count else { return .needMore }
                switch bytes[index + 1] {
                case UInt8(ascii: "?"):
                    // The XML declaration or a processing instruction.
                    guard let end = Self.find(bytes, "?>", from: index + 2) else { return .needMore }
                    position = end + 2
                case UInt8(ascii: "!"):
                    guard index + 4 <= count else { return .needMore }
                    if bytes[index + 2] == UInt8(ascii: "-"), bytes[index + 3] == UInt8(ascii: "-") {
                        guard let end = Self.find(bytes, "-->", from: index + 4) else { return .needMore }
                        position = end + 3
                    } else if index + 9 > count {
                        return .needMore
                    } else if rootName == nil, bytes[(index + 2)..<(index + 9)].elementsEqual("DOCTYPE".utf8) {
                        // Some dumps name a DTD (`<!DOCTYPE posts SYSTEM 'posts.dtd'>`); it is not read.
                        guard let end = Self.declarationEnd(bytes, from: index + 9) else { return .needMore }
                        position = end + 1
                    } else if rootName != nil, bytes[(index + 2)..<(index + 9)].elementsEqual("[CDATA[".utf8) {
                        guard let end = Self.find(bytes, "]]>", from: index + 9) else { return .needMore }
                        position = end + 3
                    } else {
                        throw Failure.malformed(offset: base + index)
                    }
                case UInt8(ascii: "/"):
                    guard let root = rootName, !rootClosed else { throw Failure.malformed(offset: base + index) }
                    guard let close = Self.find(bytes, ">", from: index + 2) else { return .needMore }
                    var nameEnd = index + 2
                    while nameEnd < close, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
                    guard bytes[(index + 2)..<nameEnd].elementsEqual(root),
                        bytes[nameEnd..<close].allSatisfy(Self.isSpace)
                    else { throw Failure.malformed(offset: base + index) }
                    rootClosed = true
                    position = close + 1
                default:
                    guard !rootClosed else { throw Failure.malformed(offset: base + index) }
                    switch Self.element(bytes, at: index, attributes: &attributes) {
                    case .needMore:
                        return .needMore
                    case .malformed(let at):
                        throw Failure.malformed(offset: base + at)
                    case .open(let name, let end):
                        guard rootName == nil else {
                            // Only the root may hold other elements; a row is `<row …/>`, or `<row …></row>`.
                            guard bytes[name].elementsEqual("row".utf8) else {
                                throw Failure.malformed(offset: base + index)
                            }
                            var close = end
                            while close < count, Self.isSpace(bytes[close]) { close += 1 }
                            guard close + 6 <= count else { return .needMore }
                            guard bytes[close..<(close + 6)].elementsEqual("</row>".utf8) else {
                                throw Failure.malformed(offset: base + close)
                            }
                            try emit(bytes, from: index, to: close + 6, base: base, attributes, onRow)
                            position = close + 6
                            continue
                        }
                        rootName = Array(bytes[name])
                        position = end
                    case .row(let name, let end):
                        if rootName == nil {
                            // An empty root: a dump without rows.
                            rootName = Array(bytes[name])
                            rootClosed = true
                        } else {
                            guard bytes[name].elementsEqual("row".utf8) else {
                                throw Failure.malformed(offset: base + index)
                            }
                            try emit(bytes, from: index, to: end, base: base, attributes, onRow)
                        }
                        position = end
                    }
                }
            }
        }

        private mutating func emit(
            _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, base: Int,
            _ attributes: [XMLRowView.Attribute], _ onRow: (XMLRowView) throws -> Void
        ) throws {
            guard let location = RowLocation(offset: base + start, length: end - start) else {
                throw Failure.malformed(offset: base + start)
            }
            rows += 1
            try onRow(XMLRowView(bytes: bytes, attributes: attributes, location: location))
        }

        /// Reads the start tag at `start` (a "<" followed by a name): its name, attributes (each value checked
        /// for what XML forbids in it) and whether it closes itself.
        static func element(
            _ bytes: UnsafeBufferPointer<UInt8>, at start: Int, attributes: inout [XMLRowView.Attribute]
        )
            -> Element
        {
            let count = bytes.count
            attributes.removeAll(keepingCapacity: true)
            var index = start + 1
            while index < count, isNameByte(bytes[index]) { index += 1 }
            let name = (start + 1)..<index
            guard !name.isEmpty || index == count else { return .malformed(at: index) }
            while true {
                let afterName = index
                while index < count, isSpace(bytes[index]) { index += 1 }
                guard index < count else { return .needMore }
                switch bytes[index] {
                case UInt8(ascii: "/"):
                    guard index + 1 < count else { return .needMore }
                    guard bytes[index + 1] == UInt8(ascii: ">") else { return .malformed(at: index) }
                    return .row(name: name, end: index + 2)
                case UInt8(ascii: ">"):
                    return .open(name: name, end: index + 1)
                default:
                    // Attributes are separated from the name and from each other by white space.
                    guard index > afterName else { return .malformed(at: index) }
                    let nameStart = index
                    while index < count, isNameByte(bytes[index]) { index += 1 }
                    guard index < count else { return .needMore }
                    let attributeName = nameStart..<index
                    guard !attributeName.isEmpty else { return .malformed(at: index) }
                    while index < count, isSpace(bytes[index]) { index += 1 }
                    guard index < count else { return .needMore }
                    guard bytes[index] == UInt8(ascii: "=") else { return .malformed(at: index) }
                    index += 1
                    while index < count, isSpace(bytes[index]) { index += 1 }
                    guard index < count else { return .needMore }
                    let quote = bytes[index]
                    guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                        return .malformed(at: index)
                    }
                    index += 1
                    let valueStart = index
                    var plain = true
                    while index < count, bytes[index] != quote {
                        switch bytes[index] {
                        case UInt8(ascii: "<"):
                            return .malformed(at: index)
                        case UInt8(ascii: "&"):
                            plain = false
                            switch reference(bytes, at: index) {
                            case .needMore: return .needMore
                            case .malformed: return .malformed(at: index)
                            case .scalar(_, let end): index = end
                            }
                        case 0x09, 0x0A, 0x0D:
                            plain = false
                            index += 1
                        default:
                            index += 1
                        }
                    }
                    guard index < count else { return .needMore }
                    attributes.append(
                        XMLRowView.Attribute(name: attributeName, value: valueStart..<index, plain: plain))
                    index += 1
                }
            }
        }

        enum Reference {
            case scalar(Unicode.Scalar, end: Int)
            case needMore
            case malformed
        }

        /// The entity or character reference at `start` (an "&"): the five XML entities, `&#…;` and `&#x…;`.
        static func reference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Reference {
            var index = start + 1
            // The longest reference to a valid scalar is "&#x0010FFFF;"; longer zero padding is not worth allowing.
            let limit = min(bytes.count, start + 12)
            while index < limit, bytes[index] != UInt8(ascii: ";") { index += 1 }
            guard index < limit else { return bytes.count < start + 12 ? .needMore : .malformed }
            let name = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<index])
            let end = index + 1
            if name.elementsEqual("lt".utf8) { return .scalar("<", end: end) }
            if name.elementsEqual("gt".utf8) { return .scalar(">", end: end) }
            if name.elementsEqual("amp".utf8) { return .scalar("&", end: end) }
            if name.elementsEqual("quot".utf8) { return .scalar("\"", end: end) }
            if name.elementsEqual("apos".utf8) { return .scalar("'", end: end) }
            guard name.count >= 2, name[0] == UInt8(ascii: "#") else { return .malformed }
            let hex = name[1] == UInt8(ascii: "x")
            let digits = name.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty else { return .malformed }
            var value: UInt32 = 0
            for digit in digits {
                guard let number = hex ? hexValue(digit) : decimalValue(digit) else { return .malformed }
                value = value * (hex ? 16 : 10) + number
                guard value <= 0x10FFFF else { return .malformed }
            }
            guard let scalar = Unicode.Scalar(value), !scalar.isForbiddenInXML else { return .malformed }
            return .scalar(scalar, end: end)
        }

        static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString, from start: Int) -> Int? {
            let pattern = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
            guard bytes.count >= pattern.count else { return nil }
            var index = start
            while index <= bytes.count - pattern.count {
                if bytes[index] == pattern[0], bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                    return index
                }
                index += 1
            }
            return nil
        }

        /// The ">" that ends a document type declaration, skipping quoted text and an internal subset in brackets.
        static func declarationEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
            var quote: UInt8?
            var depth = 0
            for index in start..<bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "]") {
                    depth -= 1
                } else if byte == UInt8(ascii: ">"), depth <= 0 {
                    return index
                }
            }
            return nil
        }

        static func startsWithByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
        }

        /// Bytes that may be part of an element or attribute name: ASCII letters, digits, "_", "-", ".", ":" and
        /// any byte of a multi-byte UTF-8 character.
        static func isNameByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: ":"), 0x80...0xFF:
                true
            default:
                false
            }
        }

        static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        static func decimalValue(_ byte: UInt8) -> UInt32? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? UInt32(byte - UInt8(ascii: "0")) : nil
        }
    }
}

/// Where a row lies in its file, packed in 64 bits (offsets below 1 TiB, rows below 16 MiB) so that an index of
/// millions of rows stays small.
struct RowLocation: Sendable, Hashable {
    private let packed: UInt64

    init?(offset: Int, length: Int) {
        guard offset >= 0, offset < 1 << 40, length > 0, length < 1 << 24 else { return nil }
        packed = UInt64(offset) << 24 | UInt64(length)
    }

    var offset: Int { Int(packed >> 24) }
    var length: Int { Int(packed & 0xFF_FFFF) }
}

/// One row as read from its file: its attributes' bytes, decoded on demand. Valid only inside the call that
/// receives it (`bytes` may hold more than the row; the attributes' ranges are within it).
struct XMLRowView {
    struct Attribute {
        let name: Range<Int>
        /// The value between its quotes, as written.
        let value: Range<Int>
        /// Whether the value holds no reference and no tab or line break, so its bytes are its text.
        let plain: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let attributes: [Attribute]
    let location: RowLocation

    private func attribute(_ name: StaticString) -> Attribute? {
        let wanted = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return attributes.first { bytes[$0.name].elementsEqual(wanted) }
    }

    /// The attribute's text: references replaced, and tabs and line breaks written as such in the file read as
    /// spaces, as XML asks (dumps write a line break inside a value as `&#xA;`).
    func string(_ name: StaticString) -> String? {
        guard let attribute = attribute(name) else { return nil }
        let raw = UnsafeBufferPointer(rebasing: bytes[attribute.value])
        if attribute.plain { return String(decoding: raw, as: UTF8.self) }
        var text = String()
        text.reserveCapacity(raw.count)
        var index = 0
        var pending = index
        func flush(to end: Int) {
            if end > pending {
                text += String(decoding: UnsafeBufferPointer(rebasing: raw[pending..<end]), as: UTF8.self)
            }
        }
        while index < raw.count {
            switch raw[index] {
            case UInt8(ascii: "&"):
                flush(to: index)
                guard case .scalar(let scalar, let end) = XMLRowFile.reference(raw, at: index) else {
                    // Checked when the file was scanned.
                    return nil
                }
                text.unicodeScalars.append(scalar)
                index = end
                pending = index
            case 0x0D:
                flush(to: index)
                text.append(" ")
                index += raw.count > index + 1 && raw[index + 1] == 0x0A ? 2 : 1
                pending = index
            case 0x09, 0x0A:
                flush(to: index)
                text.append(" ")
                index += 1
                pending = index
            default:
                index += 1
            }
        }
        flush(to: index)
        return text
    }

    /// The attribute as a whole number, when it is one.
    func integer(_ name: StaticString) -> Int? {
        guard let attribute = attribute(name), attribute.plain else { return nil }
        let raw = bytes[attribute.value]
        guard !raw.isEmpty else { return nil }
        var value = 0
        var negative = false
        var index = raw.startIndex
        if raw[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < raw.endIndex, raw.endIndex - index <= 18 else { return nil }
        while index < raw.endIndex {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// A dump's date ("2010-08-25T19:50:51.187", UTC without a zone) in milliseconds since 1970, read straight
    /// from the bytes; other forms go through Foundation's ISO 8601 reader; nil when the attribute is missing.
    func milliseconds(_ name: StaticString) -> Int64? {
        guard let attribute = attribute(name) else { return nil }
        if attribute.plain, let fast = Self.milliseconds(bytes[attribute.value]) { return fast }
        return StackExchangeDump.date(string(name)).millisecondsSince1970
    }

    /// "YYYY-MM-DDTHH:MM:SS", then optionally "." and 1 to 9 digits, then optionally "Z".
    static func milliseconds(_ raw: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        let text = UnsafeBufferPointer(rebasing: raw)
        guard text.count >= 19, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
            text[10] == UInt8(ascii: "T"), text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var end = text.count
        if text[end - 1] == UInt8(ascii: "Z") { end -= 1 }
        var fraction = 0.0
        if end > 19 {
            guard text[19] == UInt8(ascii: "."), end > 20, end - 20 <= 9, let digits = number(20..<end) else {
                return nil
            }
            var scale = 1.0
            for _ in 20..<end { scale *= 10 }
            fraction = Double(digits) / scale
        }
        let days = daysSince1970(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
        return seconds * 1_000 + Int64((fraction * 1_000).rounded())
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension XMLRowFile {
    /// See `Scanner.reference`; shared with `XMLRowView.string`.
    fileprivate static func reference(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Scanner.Reference {
        Scanner.reference(bytes, at: start)
    }
}
