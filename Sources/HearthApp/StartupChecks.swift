import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Why the server cannot start, in one line that names the cause and the port, host or folder, and what to do.
/// The CLI prints it as it is; it never holds an error's own description.
public struct StartupFailure: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// What `hearth serve` checks before it migrates, loads the demo or announces anything: that the data folder can
/// be written and that the address can be listened on. Each problem is found where it is cheap to name, rather
/// than surfacing as an I/O error from deep inside the database or the server.
enum StartupChecks {
    /// Creates the data folder if need be and writes a file in it, since the SQLite database (with its journal)
    /// and the uploads live there.
    static func prepareDataFolder(_ path: String) throws {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.path
        let advice = "Choose another folder with --data-dir (HEARTH_DATA_DIR), or fix its permissions."
        var built = ""
        for component in folder.split(separator: "/") {
            built += "/" + component
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: built, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    throw StartupFailure(
                        "The data folder \(path) cannot be created: \(built) is a file, not a folder. \(advice)")
                }
                continue
            }
            if mkdir(built, 0o755) != 0, errno != EEXIST {
                throw StartupFailure(
                    "The data folder \(path) cannot be created (\(Self.reason(errno)) at \(built)). \(advice)")
            }
        }
        let probe = folder + "/.hearth-write-check-\(getpid())"
        let descriptor = open(probe, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw StartupFailure(
                "The data folder \(path) is not writable (\(Self.reason(errno))): Hearth keeps its database and "
                    + "uploads there. \(advice)")
        }
        close(descriptor)
        unlink(probe)
    }

    /// Binds the address and lets it go at once, so that a taken port or an unknown host stops the start before
    /// the demo is loaded or "serving at" is printed. The server's own bind can still lose a race; its error goes
    /// through `explain` too.
    static func checkAddress(host: String, port: Int) async throws {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch {
            throw explain(error, host: host, port: port) ?? error
        }
    }

    /// The one line for an error from binding `host:port`, or nil when it is not a binding error.
    static func explain(_ error: any Error, host: String, port: Int) -> StartupFailure? {
        if error is SocketAddressError.UnknownHost {
            return StartupFailure(
                "Cannot listen on \(host): no such host (it does not resolve to an address). "
                    + "Give an address of this machine with --host (HEARTH_HOST), such as 127.0.0.1 or 0.0.0.0.")
        }
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE:
            return StartupFailure(
                "Port \(port) on \(host) is already in use (another Hearth, or another program). "
                    + "Pick another port with --port (HEARTH_PORT), or stop what is using it.")
        case EACCES:
            return StartupFailure(
                "Not allowed to listen on port \(port) on \(host) (ports below 1024 need privileges). "
                    + "Pick another port with --port (HEARTH_PORT).")
        case EADDRNOTAVAIL:
            return StartupFailure(
                "Cannot listen on \(host): it is not an address of this machine. "
                    + "Give one with --host (HEARTH_HOST), such as 127.0.0.1 or 0.0.0.0.")
        default:
            return nil
        }
    }

    private static func reason(_ code: Int32) -> String {
        code == EACCES || code == EPERM ? "permission denied" : String(cString: strerror(code)).lowercased()
    }
}
