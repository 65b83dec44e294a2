import Foundation
import HearthCore
import HearthTestSupport
import Testing

@Suite("Image formats")
struct ImageFormatTests {
    @Test("the type and size come from the bytes")
    func inspects() {
        #expect(ImageFormat.inspect(TestImages.png)! == (.png, 2, 2))
        #expect(ImageFormat.inspect(TestImages.pngHeader(width: 640, height: 480))! == (.png, 640, 480))
        let gif = Array("GIF89a".utf8) + [0x20, 0x03, 0x58, 0x02] + [0, 0, 0]
        #expect(ImageFormat.inspect(gif)! == (.gif, 800, 600))
        // JPEG: SOI, an APP0 segment, then SOF0 with height 0x01E0 and width 0x0280.
        let jpeg: [UInt8] =
            [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46] + [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80]
            + [UInt8](repeating: 0, count: 12)
        #expect(ImageFormat.inspect(jpeg)! == (.jpeg, 640, 480))
        func riff(_ kind: String, _ payload: [UInt8]) -> [UInt8] {
            Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array(kind.utf8) + [0, 0, 0, 0] + payload
        }
        let lossless = riff("VP8L", [0x2F] + [0x3F, 0xC0, 0x07, 0x00] + [UInt8](repeating: 0, count: 10))
        #expect(ImageFormat.inspect(lossless)! == (.webp, 64, 32))
        let extended = riff("VP8X", [0, 0, 0, 0] + [0xFF, 0x01, 0x00] + [0x7F, 0x00, 0x00] + [0, 0])
        #expect(ImageFormat.inspect(extended)! == (.webp, 512, 128))
    }

    @Test("names and claimed types do not count: HTML, SVG and cut-short files are refused")
    func refuses() {
        #expect(ImageFormat.inspect(Array("<html><script>alert(1)</script>".utf8)) == nil)
        #expect(ImageFormat.inspect(Array("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".utf8)) == nil)
        #expect(ImageFormat.inspect(Array(TestImages.png.prefix(12))) == nil)
        #expect(ImageFormat.inspect([0xFF, 0xD8, 0xFF]) == nil)
        #expect(ImageFormat.inspect([]) == nil)
    }

    @Test("upload names are 64 hex digits and a known extension, nothing that could climb out of the folder")
    func names() {
        let hash = String(repeating: "ab", count: 32)
        #expect(Upload.parse(fileName: "\(hash).png")?.format == .png)
        #expect(Upload.parse(fileName: "\(hash).jpg")?.format == .jpeg)
        #expect(Upload.parse(fileName: "\(hash).jpeg") == nil)
        #expect(Upload.parse(fileName: "../\(hash).png") == nil)
        #expect(Upload.parse(fileName: "\(hash.uppercased()).png") == nil)
        #expect(Upload.parse(fileName: "\(hash).svg") == nil)
    }
}
