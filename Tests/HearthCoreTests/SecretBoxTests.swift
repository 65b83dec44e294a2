@preconcurrency import Crypto
import Foundation
import Testing

@testable import HearthCore

/// Secrets at rest: sealed under the configured key, opened back, refused under another key with a sentence that
/// names the setting, and a value stored before sealing existed read as itself.
@Suite("Secret box")
struct SecretBoxTests {
    @Test("sealed, opened, refused under another key, and old plain values kept")
    func roundTrip() throws {
        let text = Data(repeating: 7, count: 32).base64EncodedString()
        let box = SecretBox { _ in SecretBox.key(base64: text)! }
        let sealed = try box.seal("whsec_abc")
        #expect(sealed.hasPrefix("v1:") && !sealed.contains("whsec"))
        #expect(try box.seal("whsec_abc") != sealed, "a fresh nonce each time")
        #expect(try box.open(sealed) == "whsec_abc")
        #expect(try box.open("whsec_plain") == "whsec_plain")
        let other = SecretBox { _ in SymmetricKey(size: .bits256) }
        #expect(
            throws: HearthError.unavailable(
                "A stored secret cannot be opened with this key: HEARTH_SECRET_KEY is not the key it was sealed with.")
        ) { try other.open(sealed) }
        #expect(SecretBox.key(base64: "short") == nil)
    }
}
