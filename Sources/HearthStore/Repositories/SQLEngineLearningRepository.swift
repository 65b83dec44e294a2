import Foundation
import HearthCore
import SQLKit

/// The `engine_labels` and `engine_adjustments` tables: moderators' decisions as the engine learns them, and what
/// it learned. A save names the version it started from (compare-and-set), so that two processes learning at once
/// on one PostgreSQL never apply a label twice: the second save is refused and its learner starts again from the
/// first one's result.
public struct SQLEngineLearningRepository: EngineLearningRepository {
    private let database: HearthDatabase

    public init(database: HearthDatabase) {
        self.database = database
    }

    /// Records a label inside the caller's transaction (a moderator's decision), with a job to learn it unless
    /// one is already waiting to start: that one will read this label too.
    static func record(_ label: EngineLabel, at date: Date, engine: DatabaseEngine, _ sql: any SQLDatabase)
        async throws
    {
        try await sql.insert(into: "engine_labels")
            .columns("post_id", "task", "label", "created_at")
            .values(
                SQLBind(label.postID.rawValue), SQLBind(label.task.rawValue), SQLBind(label.value),
                SQLBind(date.millisecondsSince1970)
            ).run()
        try await SQLJobQueue.enqueueUnlessWaiting(EngineLabel.learnJob(at: date), at: date, engine: engine, sql)
    }

    public func unlearnedLabels(_ task: EngineTask, limit: Int) async throws -> [PendingLabel] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT l.id, l.post_id, l.label, p.content, CASE WHEN p.number = 1 THEN t.title END AS title \
                FROM engine_labels l JOIN posts p ON p.id = l.post_id JOIN topics t ON t.id = p.topic_id \
                WHERE l.task = \(bind: task.rawValue) AND l.learned_at IS NULL ORDER BY l.id LIMIT \(bind: limit)
                """
            ).all().map { row in
                PendingLabel(
                    id: try row.decode(column: "id", as: Int64.self),
                    postID: PostID(try row.decode(column: "post_id", as: Int64.self)),
                    value: try row.decode(column: "label", as: Int.self),
                    title: try row.decode(column: "title", as: String?.self),
                    body: try PostContent.markdown(row))
            }
        }
    }

    public func hasUnlearnedLabels() async throws -> Bool {
        try await database.read { sql in
            try await sql.select().column("id").from("engine_labels").where("learned_at", .is, SQLLiteral.null)
                .limit(1).first() != nil
        }
    }

    public func adjustments(_ task: EngineTask) async throws -> StoredAdjustments? {
        try await database.read { sql in
            try await sql.select().columns("data", "decisions", "version", "updated_at").from("engine_adjustments")
                .where("task", .equal, task.rawValue).first().map { row in
                    StoredAdjustments(
                        task: task, data: try row.decode(column: "data", as: Data.self),
                        decisions: try row.decode(column: "decisions", as: Int.self),
                        version: try row.decode(column: "version", as: Int64.self),
                        updatedAt: Date(
                            millisecondsSince1970: try row.decode(column: "updated_at", as: Int64.self)))
                }
        }
    }

    public func versions() async throws -> [EngineTask: Int64] {
        let rows = try await database.read { sql in
            try await sql.select().columns("task", "version").from("engine_adjustments").all().map { row in
                (try row.decode(column: "task", as: String.self), try row.decode(column: "version", as: Int64.self))
            }
        }
        var versions: [EngineTask: Int64] = [:]
        for (task, version) in rows {
            if let task = EngineTask(rawValue: task) { versions[task] = version }
        }
        return versions
    }

    public func save(
        _ task: EngineTask, data: Data, decisions: Int, replacing expected: Int64?, learned: [Int64], at date: Date
    ) async throws -> Bool {
        let millis = date.millisecondsSince1970
        return try await database.write { sql in
            // On PostgreSQL a second writer waits for the first to commit, then finds the version changed (or the
            // row there) and writes nothing; on SQLite writes take turns.
            let saved: Int64?
            if let expected {
                saved = try await sql.update("engine_adjustments")
                    .set("data", to: SQLBind(data)).set("decisions", to: decisions)
                    .set("version", to: expected + 1).set("updated_at", to: millis)
                    .where("task", .equal, task.rawValue).where("version", .equal, expected)
                    .returning("version").first(decodingColumn: "version", as: Int64.self)
            } else {
                saved = try await sql.insert(into: "engine_adjustments")
                    .columns("task", "data", "decisions", "version", "updated_at")
                    .values(
                        SQLBind(task.rawValue), SQLBind(data), SQLBind(decisions), SQLBind(Int64(1)),
                        SQLBind(millis)
                    )
                    .ignoringConflicts(with: ["task"])
                    .returning("version").first(decodingColumn: "version", as: Int64.self)
            }
            guard saved != nil else { return false }
            // A batch is a few hundred labels at most: well under either engine's limit of bound values.
            if !learned.isEmpty {
                try await sql.update("engine_labels").set("learned_at", to: millis)
                    .where("id", .in, learned).where("learned_at", .is, SQLLiteral.null).run()
            }
            return true
        }
    }
}
