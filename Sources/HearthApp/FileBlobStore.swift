import Foundation
import HearthCore

/// Upload bytes in `<data>/uploads/<first two hex digits>/<name>`, written to a temporary file and moved
/// into place so that a reader never sees half an image.
struct FileBlobStore: BlobStore {
    let root: URL

    init(dataDirectory: String) {
        root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads")
    }

    private func url(_ name: String) -> URL {
        root.appendingPathComponent(String(name.prefix(2))).appendingPathComponent(name)
    }

    func write(_ bytes: [UInt8], name: String) async throws {
        let target = url(name)
        if FileManager.default.fileExists(atPath: target.path) { return }
        do {
            let folder = target.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".\(UUID().uuidString).part")
            try Data(bytes).write(to: temporary)
            do {
                try FileManager.default.moveItem(at: temporary, to: target)
            } catch  where FileManager.default.fileExists(atPath: target.path) {
                try? FileManager.default.removeItem(at: temporary)  // the same image, stored meanwhile
            }
        } catch {
            throw HearthError.unavailable("The image could not be saved; the data folder may be full or read-only.")
        }
    }

    func read(name: String) async throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: url(name).path) else { return nil }
        return [UInt8](data)
    }
}
