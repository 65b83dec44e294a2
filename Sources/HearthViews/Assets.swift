import Crypto
import Foundation

/// The files pages load from `/assets/`: the stylesheet and the keyboard script of the review queue and the inbox. They are files,
/// not inline blocks, so that the Content-Security-Policy can refuse every inline style and script; each address
/// carries a hash of its bytes, so browsers may keep it for a year and still fetch the new one after an upgrade.
public struct Asset: Sendable {
    public let bytes: [UInt8]
    public let contentType: String
    /// `/assets/<name>.<first 12 hex digits of its SHA-256>.<extension>`.
    public let path: String

    init(_ name: String, _ fileExtension: String, contentType: String) {
        bytes =
            Bundle.module.url(forResource: "Assets/\(name)", withExtension: fileExtension)
            .flatMap { try? Data(contentsOf: $0) }.map { [UInt8]($0) } ?? []
        self.contentType = contentType
        let digest = SHA256.hash(data: bytes).prefix(6).map { String(format: "%02x", $0) }.joined()
        path = "/assets/\(name).\(digest).\(fileExtension)"
    }

    public static let stylesheet = Asset("hearth", "css", contentType: "text/css; charset=utf-8")
    /// The review queue's and the inbox's keys.
    public static let keysScript = Asset("keys", "js", contentType: "text/javascript; charset=utf-8")
    public static let all = [stylesheet, keysScript]

    /// The asset at `path`, when it is one of ours and the build has it.
    public static func at(_ path: String) -> Asset? {
        all.first { $0.path == path && !$0.bytes.isEmpty }
    }
}
