import Crypto
import Foundation

/// Random secrets handed to people (session cookies, API keys, one-time links) and the digests we keep.
///
/// Only the SHA-256 digest of a secret is stored, so a leaked database does not leak live sessions or keys.
/// A plain digest (not bcrypt) is right here: the secrets carry 256 bits of entropy, so there is nothing to
/// brute-force, and they are checked on every request.
public enum SecretToken {
    /// A new URL-safe random secret with `byteCount` bytes of entropy, optionally prefixed (e.g. `hth_`).
    public static func generate(byteCount: Int = 32, prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + base64URL(Data(bytes))
    }

    /// The hex SHA-256 digest stored in place of the secret.
    public static func digest(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares two strings in time that depends only on their length, for secrets sent back by a client.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
