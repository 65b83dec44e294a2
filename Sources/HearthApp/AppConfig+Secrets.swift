import Crypto
import Foundation
import HearthCore

extension AppConfig {
    /// The box that seals secrets at rest: under `HEARTH_SECRET_KEY`, or else under a key kept in the data folder
    /// (`secret.key`, readable by its owner only), made the first time a secret is kept.
    public var secretBox: SecretBox {
        let configured = secretKey
        let file = URL(fileURLWithPath: dataDirectory).appendingPathComponent("secret.key").path
        return SecretBox {
            if let key = configured.flatMap(SecretBox.key(base64:)) { return key }
            return try Self.keyFile(at: file)
        }
    }

    static func keyFile(at path: String) throws -> SymmetricKey {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let key = SecretBox.key(base64: text) else {
                throw HearthError.unavailable(
                    "\(path) does not hold a key (32 bytes in base64): restore it, or set HEARTH_SECRET_KEY.")
            }
            return key
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw HearthError.unavailable(
                "Hearth could not write its key file \(path): check the data folder's rights.")
        }
        return key
    }
}
