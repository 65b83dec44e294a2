import Foundation
import HearthCore
import NIOCore
import Testing

@testable import HearthStore

@Suite("A post's stored text")
struct PostContentTests {
    static let texts: [(String, String)] = [
        ("Hi", "<p>Hi</p>"),
        ("x", ""),
        (
            String(repeating: "Où est l'école ? हिन्दी, 日本語 😀 — ", count: 200),
            "<p>" + String(repeating: "Où est l&#39;école ? हिन्दी, 日本語 😀 — ", count: 200) + "</p>"
        ),
        (String(repeating: "a", count: 40_000), "<p>" + String(repeating: "a", count: 40_000) + "</p>"),
    ]

    @Test("Markdown and HTML come back as they were written, together or the Markdown alone")
    func roundTrip() throws {
        for (markdown, html) in Self.texts {
            let packed = PostContent.pack(markdown: markdown, html: html)
            let unpacked = try PostContent.unpack(packed)
            #expect(unpacked.markdown == markdown)
            #expect(unpacked.html == html)
            #expect(try PostContent.markdown(packed) == markdown)
        }
    }

    @Test("a text that repeats itself is stored compressed, a short one as it is")
    func compressedWhenShorter() {
        let long = Self.texts[3]
        #expect(PostContent.pack(markdown: long.0, html: long.1).readableBytes < 1_000)
        let short = PostContent.pack(markdown: "Hi", html: "<p>Hi</p>")
        #expect(short.readableBytes == 1 + 2 + 1 + 9)
        #expect(short.getInteger(at: 0, as: UInt8.self) == 0)
    }

    @Test("what a script writes uncompressed in SQL reads back")
    func plainLayout() throws {
        var buffer = ByteBuffer(bytes: [0])
        buffer.writeString("*Hi*")
        buffer.writeInteger(UInt8(0))
        buffer.writeString("<p><em>Hi</em></p>")
        #expect(try PostContent.unpack(buffer) == ("*Hi*", "<p><em>Hi</em></p>"))
    }

    @Test("a damaged value is refused with a clear error, never read as garbage or a crash")
    func damaged() throws {
        let long = Self.texts[2]
        let packed = PostContent.pack(markdown: long.0, html: long.1)
        #expect(packed.getInteger(at: 0, as: UInt8.self) == 1)
        var truncated = packed
        truncated.moveWriterIndex(to: packed.writerIndex - 20)
        let cases: [ByteBuffer] = [
            ByteBuffer(), ByteBuffer(bytes: [7, 1, 2]), ByteBuffer(bytes: [0, 65, 66]), ByteBuffer(bytes: [1, 0xFF]),
            ByteBuffer(bytes: [1, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0x03, 0x00]),
            truncated,
        ]
        for content in cases {
            #expect(throws: HearthError.self) { try PostContent.unpack(content) }
        }
    }
}
