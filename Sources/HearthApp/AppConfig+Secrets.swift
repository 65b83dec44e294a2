import Crypto
import Foundation
import HearthCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension AppConfig {
    static let secretKeys: [Key] = [
        Key(
            name: "hearth.secret.key", defaultValue: nil,
            help:
                "32 bytes in base64 (openssl rand -base64 32) sealing secrets at rest; unset: a key made in the data folder (secret.key). Processes sharing one PostgreSQL need the same key."
        )
    ]

    /// Reads `HEARTH_SECRET_KEY`, adding a problem when it is not 32 bytes in base64.
    static func secretKey(_ value: (String) -> (Key, String?), problem: (Key, String) -> Void) -> String? {
        let (key, text) = value("hearth.secret.key")
        if let text, SecretBox.key(base64: text) == nil {
            problem(key, "expected 32 bytes written in base64 (openssl rand -base64 32).")
        }
        return text
    }

    /// The box that seals secrets at rest: under `HEARTH_SECRET_KEY`, or else under a key kept in the data folder
    /// (`secret.key`, readable by its owner only), made the first time a secret is sealed — never replaced.
    public var secretBox: SecretBox {
        let configured = secretKey
        let file = URL(fileURLWithPath: dataDirectory).appendingPathComponent("secret.key").path
        return SecretBox { creating in
            if let key = configured.flatMap(SecretBox.key(base64:)) { return key }
            return try KeyFile.key(at: file, creating: creating)
        }
    }
}

/// The data folder's key file: read once per process, made with `O_EXCL` and mode 0600 only when it does not exist
/// (two processes making it at once agree on the first one written), its rights narrowed when they are wider.
enum KeyFile {
    private static let cache = Mutex<[String: Data]>([:])

    static func key(at path: String, creating: Bool) throws -> SymmetricKey {
        if let known = cache.withLock({ $0[path] }) { return SymmetricKey(data: known) }
        let data = try read(path) ?? (creating ? try make(path) : nil)
        guard let data else {
            throw HearthError.unavailable(
                "The key file \(path) is missing: restore it, or set HEARTH_SECRET_KEY to the key the secrets were sealed with."
            )
        }
        cache.withLock { $0[path] = data }
        return SymmetricKey(data: data)
    }

    /// The key in the file, nil when there is no file; any other failure is said, never covered by a new key.
    private static func read(_ path: String) throws -> Data? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw HearthError.unavailable("Hearth cannot read its key file \(path): check the data folder's rights.")
        }
        if status.st_mode & 0o077 != 0 { chmod(path, 0o600) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let key = SecretBox.key(base64: text)
        else {
            throw HearthError.unavailable(
                "\(path) does not hold a key (32 bytes in base64): restore it, or set HEARTH_SECRET_KEY.")
        }
        return key.withUnsafeBytes { Data($0) }
    }

    private static func make(_ path: String) throws -> Data {
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        try? FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            // Another process made it first: its key is the key.
            if errno == EEXIST, let theirs = try read(path) { return theirs }
            throw HearthError.unavailable(
                "Hearth could not write its key file \(path): check the data folder's rights.")
        }
        defer { close(descriptor) }
        let text = Array((data.base64EncodedString() + "\n").utf8)
        guard write(descriptor, text, text.count) == text.count, fsync(descriptor) == 0 else {
            throw HearthError.unavailable(
                "Hearth could not write its key file \(path): check the data folder's rights.")
        }
        return data
    }
}
