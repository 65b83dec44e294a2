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

/// Headers from outside with random and extreme sizes: reading them and checking them against the limits must
/// never trap (a trap takes the whole server down). Each case runs the header readers and the upload check.
@Suite("Image headers under fuzzing")
struct ImageHeaderFuzzTests {
    /// Keeps uploads in memory, so the check runs end to end without a database.
    struct MemoryUploads: UploadRepository, BlobStore {
        func record(_ upload: Upload) async throws -> Upload { upload }
        func find(hash: String) async throws -> Upload? { nil }
        func write(_ bytes: [UInt8], name: String) async throws {}
        func read(name: String) async throws -> [UInt8]? { nil }
    }

    static func service() -> UploadService {
        let memory = MemoryUploads()
        return UploadService(
            uploads: memory, blobs: memory,
            limits: { UploadLimits(maximumBytes: 5_000_000, maximumPixels: 40_000_000) },
            policy: AccessPolicy(), now: { Date(timeIntervalSince1970: 1_790_000_000) })
    }

    static let viewer = Viewer(
        member: Member(
            id: MemberID(1), email: "a@example.org", handle: "a", displayName: "A", role: .member, language: nil,
            createdAt: Date(timeIntervalSince1970: 0)),
        credential: .session(SessionID(1)))

    static let extremes: [UInt32] = [
        0, 1, 2, 0x3FFF, 0x4000, 0xFFFF, 0x10000, 0xFF_FFFF, 0x7FFF_FFFF, 0x8000_0000,
        0xFFFF_FFFE, 0xFFFF_FFFF,
    ]

    static func littleEndian(_ value: UInt32, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }

    static func bigEndian16(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// One header of each format claiming `width` × `height`, as far as each format can say it.
    static func headers(width: UInt32, height: UInt32) -> [[UInt8]] {
        func riff(_ kind: String, _ payload: [UInt8]) -> [UInt8] {
            Array("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WEBP".utf8) + Array(kind.utf8) + [0, 0, 0, 0]
                + payload
        }
        return [
            TestImages.pngHeader(width: width, height: height),
            Array("GIF89a".utf8) + littleEndian(width, 2) + littleEndian(height, 2) + [0, 0, 0],
            [0xFF, 0xD8, 0xFF, 0xC0, 0xFF, 0xFF, 0x08] + bigEndian16(height) + bigEndian16(width)
                + [UInt8](repeating: 0xFF, count: 8),
            riff("VP8 ", [0, 0, 0, 0x9D, 0x01, 0x2A] + littleEndian(width, 2) + littleEndian(height, 2)),
            riff("VP8L", [0x2F] + littleEndian(width ^ height << 14, 4) + [0, 0, 0, 0, 0]),
            riff("VP8X", [0, 0, 0, 0] + littleEndian(width, 3) + littleEndian(height, 3) + [0, 0]),
        ]
    }

    @Test("extreme and random sizes in PNG, JPEG, GIF and WebP headers are refused or measured, never a crash")
    func fuzz() async throws {
        let service = Self.service()
        var generator = SystemRandomNumberGenerator()
        var cases: [[UInt8]] = []
        for width in Self.extremes {
            for height in Self.extremes { cases += Self.headers(width: width, height: height) }
        }
        for _ in 0..<2_000 {
            cases += Self.headers(width: generator.next(), height: generator.next())
            // Random bytes behind each magic number, of random length, cut anywhere.
            let magic: [[UInt8]] = [
                [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array("GIF89a".utf8), [0xFF, 0xD8, 0xFF],
                Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8),
            ]
            let tail = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255) }
            cases.append(magic.randomElement(using: &generator)! + tail)
        }
        var measured = 0
        var refused = 0
        for bytes in cases {
            if let (_, width, height) = ImageFormat.inspect(bytes) {
                #expect(width >= 0 && height >= 0)
                measured += 1
            }
            do {
                _ = try await service.store(Self.viewer, bytes: bytes)
            } catch let error as HearthError {
                guard case .validation = error else {
                    Issue.record("unexpected \(error) for \(bytes.prefix(32))")
                    continue
                }
                refused += 1
            }
        }
        #expect(measured > 1_000, "the headers are read, not all refused as unknown")
        #expect(refused > 0)
    }

    @Test("a PNG claiming 0xFFFFFFFF × 0xFFFFFFFF pixels is refused as too large")
    func largestPNG() async throws {
        let service = Self.service()
        let bytes = TestImages.pngHeader(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF)
        #expect(bytes.count < 70)
        await #expect(throws: HearthError.self) {
            try await service.store(Self.viewer, bytes: bytes)
        }
    }
}
