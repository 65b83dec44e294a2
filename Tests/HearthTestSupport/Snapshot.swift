import Foundation
import Testing

/// Rendered text compared with a committed snapshot, so that a renamed field or a lost string cannot silently
/// render empty. `HEARTH_RECORD_SNAPSHOTS=1 swift test` rewrites the snapshots instead.
public enum Snapshot {
    /// Compares `text` with `folder/name.html` (or another extension); a difference is recorded as an issue, with the text as rendered
    /// now written beside the temporary folder for a diff.
    public static func check(_ text: String, _ name: String, in folder: URL, extension: String = "html") throws {
        let file = folder.appendingPathComponent("\(name).\(`extension`)")
        if ProcessInfo.processInfo.environment["HEARTH_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        if text != expected {
            let actual = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).\(`extension`)")
            try text.write(to: actual, atomically: true, encoding: .utf8)
            Issue.record("\(name) differs from its snapshot; as rendered now it is at \(actual.path)")
        }
    }
}
