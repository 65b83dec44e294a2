import Foundation
import HearthCore
import SQLKit

/// Upload records in the `uploads` table.
public struct SQLUploadRepository: UploadRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    public func record(_ upload: Upload) async throws -> Upload {
        try await database.write { sql in
            try await sql.insert(into: "uploads")
                .columns("hash", "format", "byte_count", "width", "height", "uploader_id", "created_at")
                .values(
                    SQLBind(upload.hash), SQLBind(upload.format.rawValue), SQLBind(upload.byteCount),
                    SQLBind(upload.width), SQLBind(upload.height), SQLBind(upload.uploaderID.rawValue),
                    SQLBind(upload.createdAt.millisecondsSince1970)
                )
                .ignoringConflicts(with: ["hash"])
                .run()
        }
        return try await find(hash: upload.hash) ?? upload
    }

    public func find(hash: String) async throws -> Upload? {
        try await database.read { sql in
            guard
                let row = try await sql.select()
                    .columns("hash", "format", "byte_count", "width", "height", "uploader_id", "created_at")
                    .from("uploads").where("hash", .equal, hash).first()
            else { return nil }
            guard let format = ImageFormat(rawValue: try row.decode(column: "format", as: String.self)) else {
                throw HearthError.unavailable("An upload record is damaged.")
            }
            return Upload(
                hash: try row.decode(column: "hash", as: String.self), format: format,
                byteCount: try row.decode(column: "byte_count", as: Int.self),
                width: try row.decode(column: "width", as: Int.self),
                height: try row.decode(column: "height", as: Int.self),
                uploaderID: MemberID(try row.decode(column: "uploader_id", as: Int64.self)),
                createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
        }
    }
}
