import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real IMAP server for the tests: Debian's Dovecot (`dovecot-imapd`) on a loopback port, in a folder of its own,
/// with one mailbox whose messages the test drops in as files (Maildir), as a mail server delivering them would.
public final class IMAPServer: Sendable {
    public let port: Int
    public let user = "brand@example.org"
    public let password = "imap password"
    public var url: String { "imap://127.0.0.1:\(port)" }
    private let root: String
    private let process: GuardedProcess

    public static let requirement = "Debian's dovecot-imapd (/usr/sbin/dovecot)"
    static let dovecot = "/usr/sbin/dovecot"

    /// For `.enabled(if:)`: without Dovecot the tests are reported skipped, unless `HEARTH_TEST_REQUIRE_IMAP=1`
    /// asks for a failure.
    public static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: dovecot) || TestEnvironment.requireIMAP
    }

    public init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.dovecot) else {
            throw HarnessError("the IMAP server cannot start: it needs \(Self.requirement)")
        }
        // Short: Dovecot's sockets live under it, and a socket's path is at most 108 bytes.
        root = "/tmp/hearth-imap-\(UUID().uuidString.prefix(8))"
        for folder in ["run", "state", "mail/brand/new", "mail/brand/cur", "mail/brand/tmp"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        port = try TestEnvironment.freePort()
        // As root, Dovecot runs its mail processes as an ordinary user (nobody); otherwise as whoever runs the tests.
        let root = self.root
        let asRoot = getuid() == 0
        let me = String(cString: getpwuid(getuid()).pointee.pw_name)
        let userdb = asRoot ? "uid=nobody gid=nogroup" : "uid=\(getuid()) gid=\(getgid())"
        let extra = asRoot ? "" : "default_internal_user = \(me)\ndefault_login_user = \(me)\n"
        let configuration = """
            base_dir = \(root)/run
            state_dir = \(root)/state
            log_path = \(root)/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = 1
            mail_location = maildir:\(root)/mail/%n
            \(extra)passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(root)/passwd
            }
            userdb {
              driver = static
              args = \(userdb) home=\(root)/mail/%n
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = \(port)
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            """
        try configuration.write(toFile: root + "/dovecot.conf", atomically: true, encoding: .utf8)
        try "\(user):{PLAIN}\(password)\n".write(toFile: root + "/passwd", atomically: true, encoding: .utf8)
        if asRoot {
            _ = try ChildProcess.run(["/bin/chown", "-R", "nobody:nogroup", root + "/mail"])
            _ = try ChildProcess.run(["/bin/chmod", "755", root])
        }
        process = try GuardedProcess(arguments: [Self.dovecot, "-F", "-c", root + "/dovecot.conf"], cleanUp: root)
        try TestEnvironment.waitForPort(port, seconds: 20)
    }

    /// Delivers a message (its full text, headers and body, lines ending in CRLF) into the mailbox.
    public func deliver(_ message: String, name: String) throws {
        let path = root + "/mail/brand/new/\(name)"
        try message.write(toFile: path, atomically: true, encoding: .utf8)
        if getuid() == 0 { _ = try ChildProcess.run(["/bin/chown", "nobody:nogroup", path]) }
    }
}
