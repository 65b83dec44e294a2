import Crypto
import Foundation

/// Seals the secrets Hearth must keep readable (webhook signing secrets; the outside sources' tokens and passwords)
/// with AES-GCM under a key from the configuration, so that a copy of the database alone gives none of them away.
/// A sealed value reads "v1:<base64 of nonce, ciphertext and tag>"; a value stored before sealing existed reads as
/// itself.
public struct SecretBox: Sendable {
    static let prefix = "v1:"
    /// The key; `creating` is true when sealing, the one time a missing key may be made.
    private let key: @Sendable (_ creating: Bool) throws -> SymmetricKey

    public init(key: @escaping @Sendable (_ creating: Bool) throws -> SymmetricKey) {
        self.key = key
    }

    public func seal(_ plain: String) throws -> String {
        let box = try AES.GCM.seal(Data(plain.utf8), using: try key(true))
        guard let combined = box.combined else {
            throw HearthError.unavailable("A secret could not be sealed.")
        }
        return Self.prefix + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: try key(false))
        else {
            throw HearthError.unavailable(
                "A stored secret cannot be opened with this key: HEARTH_SECRET_KEY is not the key it was sealed with.")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Reads a key written as base64 (32 bytes); nil when it is not one.
    public static func key(base64 text: String) -> SymmetricKey? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else { return nil }
        return SymmetricKey(data: data)
    }
}
