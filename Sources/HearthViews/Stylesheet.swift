import Crypto
import Foundation

/// The one stylesheet every page links. It is a file, not a `<style>` block, so that the Content-Security-Policy
/// can refuse every inline style and script; its address carries a hash of its bytes, so browsers may keep it for
/// a year and still fetch the new one after an upgrade.
public enum Stylesheet {
    /// The bytes of `Assets/hearth.css`; empty only if the build lost the file, which a test catches.
    public static let bytes: [UInt8] =
        Bundle.module.url(forResource: "Assets/hearth", withExtension: "css")
        .flatMap { try? Data(contentsOf: $0) }.map { [UInt8]($0) } ?? []

    /// `/assets/hearth.<first 12 hex digits of its SHA-256>.css`.
    public static let path: String = {
        let digest = SHA256.hash(data: bytes).prefix(6).map { String(format: "%02x", $0) }.joined()
        return "/assets/hearth.\(digest).css"
    }()
}
