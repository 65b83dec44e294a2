import CZlib
import HearthCore
import NIOCore
import SQLKit

/// A post's Markdown and the HTML rendered from it when it was written, kept together as one value of
/// `posts.content`.
///
/// The HTML repeats the Markdown's words, so the two are compressed as one text (raw deflate): at 10^5 imported
/// posts, 1.25 KB of Markdown and HTML a post became 0.40 KB, against 0.67 KB compressing each on its own. Reading
/// a post inflates it straight into its two strings, a few microseconds; its Markdown alone stops inflating where
/// the HTML starts.
///
/// The value's first byte says how the rest is laid out:
/// - 1: the Markdown's and the HTML's UTF-8 lengths (LEB128), then the raw deflate of the Markdown followed by the
///   HTML;
/// - 0: the Markdown, a NUL byte, then the HTML, as they are: what a post keeps when compressing would not make it
///   shorter, and what a script can write in SQL (`CAST(X'00' || body || X'00' || html AS BLOB)`). A post's
///   Markdown holds no NUL (`PostRules.body` takes it out, and PostgreSQL's text refuses it).
enum PostContent {
    private static let plain: UInt8 = 0
    private static let deflated: UInt8 = 1
    /// zlib's default level: 0.4 % smaller than level 1 at 10^5 posts, and the cost is paid once, when writing.
    private static let level: Int32 = 6

    static func pack(markdown: String, html: String) -> ByteBuffer {
        var markdown = markdown
        var html = html
        return markdown.withUTF8 { markdown in html.withUTF8 { html in pack(markdown, html) } }
    }

    /// The Markdown and the HTML of a stored value.
    static func unpack(_ content: ByteBuffer) throws -> (markdown: String, html: String) {
        try content.withUnsafeReadableBytes { bytes in
            switch try Layout(bytes) {
            case .plain(let markdown, let html):
                return (String(decoding: markdown, as: UTF8.self), String(decoding: html, as: UTF8.self))
            case .deflated(let markdownLength, let htmlLength, let stream):
                return try inflating(stream) { stream in
                    let markdown = try inflate(stream, length: markdownLength)
                    return (markdown, try inflate(stream, length: htmlLength))
                }
            }
        }
    }

    /// The Markdown and the HTML of a row's `content` column.
    static func unpack(_ row: any SQLRow, column: String = "content") throws -> (markdown: String, html: String) {
        try unpack(try row.decode(column: column, as: ByteBuffer.self))
    }

    /// The Markdown alone of a row's `content` column.
    static func markdown(_ row: any SQLRow, column: String = "content") throws -> String {
        try markdown(try row.decode(column: column, as: ByteBuffer.self))
    }

    /// The Markdown alone, without inflating the HTML.
    static func markdown(_ content: ByteBuffer) throws -> String {
        try content.withUnsafeReadableBytes { bytes in
            switch try Layout(bytes) {
            case .plain(let markdown, _):
                return String(decoding: markdown, as: UTF8.self)
            case .deflated(let markdownLength, _, let stream):
                return try inflating(stream) { try inflate($0, length: markdownLength) }
            }
        }
    }

    private static func pack(_ markdown: UnsafeBufferPointer<UInt8>, _ html: UnsafeBufferPointer<UInt8>) -> ByteBuffer {
        let total = markdown.count + html.count
        // zlib's state points back at its stream: the stream stays at one address until deflateEnd.
        return withUnsafeTemporaryAllocation(of: z_stream.self, capacity: 1) { streams in
            let stream = streams.baseAddress!
            stream.initialize(to: z_stream())
            // The smallest window that holds the whole text (raw deflate takes 9 to 15 bits): zlib allocates and
            // clears memory in proportion to it, for a text of 1 KB on average.
            let windowBits = Int32(min(15, max(9, Int.bitWidth - max(total, 1).leadingZeroBitCount)))
            guard
                deflateInit2_(
                    stream, level, Z_DEFLATED, -windowBits, min(8, windowBits - 6), Z_DEFAULT_STRATEGY, zlibVersion(),
                    Int32(MemoryLayout<z_stream>.size)) == Z_OK
            else { return plainValue(markdown, html) }
            defer { deflateEnd(stream) }
            let bound = Int(deflateBound(stream, uLong(total)))
            var buffer = ByteBufferAllocator().buffer(capacity: 1 + 2 * 5 + bound)
            buffer.writeInteger(deflated)
            writeLength(markdown.count, to: &buffer)
            writeLength(html.count, to: &buffer)
            var complete = false
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { output in
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(output.count)
                for (part, flush) in [(markdown, Z_NO_FLUSH), (html, Z_FINISH)] {
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: part.baseAddress)
                    stream.pointee.avail_in = uInt(part.count)
                    let code = deflate(stream, flush)
                    // With room for deflateBound's worst case, each call takes its whole input.
                    guard code == Z_OK || code == Z_STREAM_END, stream.pointee.avail_in == 0 else { return 0 }
                    complete = code == Z_STREAM_END
                }
                return complete ? output.count - Int(stream.pointee.avail_out) : 0
            }
            // Compressed only when that is shorter than the plain layout (NUL and tag byte).
            guard complete, buffer.readableBytes < total + 2 else { return plainValue(markdown, html) }
            return buffer
        }
    }

    private static func plainValue(_ markdown: UnsafeBufferPointer<UInt8>, _ html: UnsafeBufferPointer<UInt8>)
        -> ByteBuffer
    {
        var buffer = ByteBufferAllocator().buffer(capacity: 2 + markdown.count + html.count)
        buffer.writeInteger(plain)
        buffer.writeBytes(markdown.lazy.filter { $0 != 0 })
        buffer.writeInteger(UInt8(0))
        buffer.writeBytes(html)
        return buffer
    }

    /// A length as LEB128: seven bits a byte, the lowest first, the high bit set on every byte but the last.
    private static func writeLength(_ length: Int, to buffer: inout ByteBuffer) {
        var rest = length
        while rest >= 0x80 {
            buffer.writeInteger(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        buffer.writeInteger(UInt8(rest))
    }

    /// A stored value read as its layout.
    private enum Layout {
        case plain(markdown: UnsafeRawBufferPointer.SubSequence, html: UnsafeRawBufferPointer.SubSequence)
        case deflated(markdownLength: Int, htmlLength: Int, stream: UnsafeRawBufferPointer.SubSequence)

        init(_ bytes: UnsafeRawBufferPointer) throws {
            switch bytes.first {
            case PostContent.plain:
                let rest = bytes[1...]
                guard let separator = rest.firstIndex(of: 0) else { throw PostContent.unreadable }
                self = .plain(markdown: rest[..<separator], html: rest[(separator + 1)...])
            case PostContent.deflated:
                var index = 1
                let markdownLength = try Self.length(bytes, &index)
                let htmlLength = try Self.length(bytes, &index)
                self = .deflated(markdownLength: markdownLength, htmlLength: htmlLength, stream: bytes[index...])
            default:
                throw PostContent.unreadable
            }
        }

        /// A length no larger than 16 MiB (a post is at most 32,000 characters): a damaged one is refused
        /// before a string of that size is allocated.
        private static func length(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) throws -> Int {
            var length = 0
            var shift = 0
            while index < bytes.count, shift < 28 {
                let byte = bytes[index]
                index += 1
                length |= Int(byte & 0x7F) << shift
                if byte < 0x80 {
                    guard length <= 1 << 24 else { throw PostContent.unreadable }
                    return length
                }
                shift += 7
            }
            throw PostContent.unreadable
        }
    }

    /// Runs `body` with zlib inflating `input`, the stream at one address until inflateEnd.
    private static func inflating<Result>(
        _ input: UnsafeRawBufferPointer.SubSequence, _ body: (UnsafeMutablePointer<z_stream>) throws -> Result
    ) throws -> Result {
        try withUnsafeTemporaryAllocation(of: z_stream.self, capacity: 1) { streams in
            let stream = streams.baseAddress!
            stream.initialize(to: z_stream())
            let input = UnsafeRawBufferPointer(rebasing: input)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(input.count)
            guard inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw unreadable
            }
            defer { inflateEnd(stream) }
            return try body(stream)
        }
    }

    /// The next `length` bytes of the text, inflated straight into a string's storage.
    private static func inflate(_ stream: UnsafeMutablePointer<z_stream>, length: Int) throws -> String {
        guard length > 0 else { return "" }
        var failed = false
        let text = String(unsafeUninitializedCapacity: length) { output in
            stream.pointee.next_out = output.baseAddress
            stream.pointee.avail_out = uInt(length)
            let code = CZlib.inflate(stream, Z_SYNC_FLUSH)
            failed = (code != Z_OK && code != Z_STREAM_END) || stream.pointee.avail_out != 0
            return failed ? 0 : length
        }
        if failed { throw unreadable }
        return text
    }

    /// What a reader sees when a stored value is damaged: the post cannot be shown, and nothing else is lost.
    static let unreadable = HearthError.unavailable("This post's text could not be read from the database.")
}
