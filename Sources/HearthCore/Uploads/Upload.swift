import Crypto
import Foundation

/// An uploaded image, named by the SHA-256 of its bytes: the same picture uploaded twice is stored once.
public struct Upload: Sendable, Equatable {
    public let hash: String
    public let format: ImageFormat
    public let byteCount: Int
    public let width: Int
    public let height: Int
    public let uploaderID: MemberID
    public let createdAt: Date

    public init(
        hash: String, format: ImageFormat, byteCount: Int, width: Int, height: Int, uploaderID: MemberID,
        createdAt: Date
    ) {
        self.hash = hash
        self.format = format
        self.byteCount = byteCount
        self.width = width
        self.height = height
        self.uploaderID = uploaderID
        self.createdAt = createdAt
    }

    /// The file's name in storage and in its address: `<hash>.<ext>`.
    public var fileName: String { "\(hash).\(format.fileExtension)" }
    /// Where the image is served, and what posts link to.
    public var path: String { "/uploads/\(fileName)" }

    /// Reads an upload file name, refusing anything that is not 64 hex digits and one of our extensions
    /// (so that a path can never climb out of the uploads folder).
    public static func parse(fileName: String) -> (hash: String, format: ImageFormat)? {
        let parts = fileName.split(separator: ".")
        guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
            let format = ImageFormat(fileExtension: String(parts[1])), String(parts[1]) == format.fileExtension
        else { return nil }
        return (String(parts[0]), format)
    }
}

/// Upload records as stored.
public protocol UploadRepository: Sendable {
    /// Records the upload unless an upload with the same hash exists; returns the stored one.
    func record(_ upload: Upload) async throws -> Upload
    func find(hash: String) async throws -> Upload?
}

/// Where upload bytes live (a folder under the data directory).
public protocol BlobStore: Sendable {
    /// Writes the bytes under `name` (atomically; an existing file with that name is kept).
    func write(_ bytes: [UInt8], name: String) async throws
    func read(name: String) async throws -> [UInt8]?
}

/// The limits on uploads, from the community's settings.
public struct UploadLimits: Sendable, Equatable {
    public var maximumBytes: Int
    public var maximumPixels: Int

    public init(maximumBytes: Int, maximumPixels: Int) {
        self.maximumBytes = maximumBytes
        self.maximumPixels = maximumPixels
    }
}

/// Checks and stores images members upload for posts, articles, avatars and covers.
public struct UploadService: Sendable {
    let uploads: any UploadRepository
    let blobs: any BlobStore
    let currentLimits: @Sendable () -> UploadLimits
    let policy: AccessPolicy
    let now: Now

    public init(
        uploads: any UploadRepository, blobs: any BlobStore, limits: @escaping @Sendable () -> UploadLimits,
        policy: AccessPolicy,
        now: @escaping Now
    ) {
        self.uploads = uploads
        self.blobs = blobs
        self.currentLimits = limits
        self.policy = policy
        self.now = now
    }

    /// The limits now (the community manager may change them at any time).
    var limits: UploadLimits { currentLimits() }

    public var maximumBytes: Int { limits.maximumBytes }

    public func store(_ viewer: Viewer?, bytes: [UInt8]) async throws -> Upload {
        try policy.authorize(viewer, .post, at: now())
        guard let member = viewer?.member else { throw HearthError.unauthorized("Please log in first.") }
        guard !bytes.isEmpty else { throw HearthError.invalid("file", "Choose an image to upload.") }
        guard bytes.count <= limits.maximumBytes else {
            throw HearthError.invalid(
                "file",
                "This image is \(Self.megabytes(bytes.count)); the limit is \(Self.megabytes(limits.maximumBytes)).")
        }
        guard let (format, width, height) = ImageFormat.inspect(bytes), width > 0, height > 0 else {
            throw HearthError.invalid(
                "file", "Only PNG, JPEG, GIF and WebP images can be uploaded, and this is none of them.")
        }
        // The header's numbers come from outside: a 66-byte PNG may claim 0xFFFFFFFF × 0xFFFFFFFF pixels, whose
        // product does not fit in an Int. Overflow means "too large", never a trap.
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limits.maximumPixels else {
            throw HearthError.invalid(
                "file",
                "This image is \(width) × \(height) pixels; the limit is \(limits.maximumPixels / 1_000_000) megapixels."
            )
        }
        let hash = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let upload = Upload(
            hash: hash, format: format, byteCount: bytes.count, width: width, height: height, uploaderID: member.id,
            createdAt: now())
        // The file first: a record must never point to bytes that are not there.
        try await blobs.write(bytes, name: upload.fileName)
        return try await uploads.record(upload)
    }

    /// The bytes and type of an upload, by its file name; nil when there is no such upload.
    public func file(named name: String) async throws -> (Upload, [UInt8])? {
        guard let (hash, format) = Upload.parse(fileName: name), let upload = try await uploads.find(hash: hash),
            upload.format == format, let bytes = try await blobs.read(name: upload.fileName)
        else { return nil }
        return (upload, bytes)
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
