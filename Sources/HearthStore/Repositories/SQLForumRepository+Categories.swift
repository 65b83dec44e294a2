import Foundation
import HearthCore
import SQLKit

/// The console's changes to categories, each in one transaction with its log entry.
extension SQLForumRepository: CategoryRepository {
    public func updateCategory(_ category: Category, log: NewLogEntry, at date: Date) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                UPDATE categories SET name = \(bind: category.name), description = \(bind: category.description), \
                start_policy = \(bind: category.startPolicy.rawValue), read_policy = \(bind: category.readPolicy.rawValue) \
                WHERE id = \(bind: category.id.rawValue)
                """
            ).run()
            try await SQLModerationRepository.log(log, at: date, sql)
        }
    }

    public func moveCategory(_ id: CategoryID, offset: Int, log: NewLogEntry, at date: Date) async throws -> Bool {
        try await database.write { sql in
            let rows = try await sql.raw(
                """
                SELECT id, position FROM categories WHERE kind <> 'comments' AND archived_at IS NULL \
                ORDER BY position, id
                """
            ).all()
            let order = try rows.map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "position", as: Int.self))
            }
            guard let index = order.firstIndex(where: { $0.0 == id.rawValue }), order.indices.contains(index + offset)
            else { return false }
            let other = order[index + offset]
            // Positions may repeat (an import, two creations at once): renumber the list, then swap the two.
            var ids = order.map(\.0)
            ids.swapAt(index, index + offset)
            for (position, categoryID) in ids.enumerated() where order[position] != (categoryID, position + 1) {
                try await sql.raw(
                    "UPDATE categories SET position = \(bind: position + 1) WHERE id = \(bind: categoryID)"
                ).run()
            }
            var entry = log
            entry.reason = log.reason.isEmpty ? "\(other.0)" : log.reason
            try await SQLModerationRepository.log(entry, at: date, sql)
            return true
        }
    }

    public func setArchived(_ id: CategoryID, _ archived: Bool, log: NewLogEntry, at date: Date) async throws {
        try await database.write { sql in
            let at = date.millisecondsSince1970
            if archived {
                try await sql.raw("UPDATE categories SET archived_at = \(bind: at) WHERE id = \(bind: id.rawValue)")
                    .run()
                try await sql.raw(
                    "UPDATE topics SET closed_at = \(bind: at) WHERE category_id = \(bind: id.rawValue) AND closed_at IS NULL"
                ).run()
            } else {
                try await sql.raw("UPDATE categories SET archived_at = NULL WHERE id = \(bind: id.rawValue)").run()
            }
            try await SQLModerationRepository.log(log, at: date, sql)
        }
    }

    public func deleteCategory(_ id: CategoryID, movingTopicsTo target: CategoryID, log: NewLogEntry, at date: Date)
        async throws
    {
        let search = database.engine.searchIndex
        try await database.write { sql in
            try await search.moveCategory(from: id.rawValue, to: target.rawValue, sql)
            try await sql.raw(
                "UPDATE topics SET category_id = \(bind: target.rawValue) WHERE category_id = \(bind: id.rawValue)"
            ).run()
            // The inbox's items follow their topics, so the delegates of the new category see them.
            try await sql.raw(
                "UPDATE inbox_items SET category_id = \(bind: target.rawValue) WHERE category_id = \(bind: id.rawValue)"
            ).run()
            try await sql.raw("DELETE FROM categories WHERE id = \(bind: id.rawValue)").run()
            try await SQLModerationRepository.log(log, at: date, sql)
        }
    }
}
