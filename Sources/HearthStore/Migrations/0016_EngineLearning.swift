import SQLKit

extension Migration {
    /// What the triage engine learns from moderators: one label per decision on a post, recorded with the
    /// decision and marked when learned, and the community's adjustments to each model, versioned so that several
    /// processes notice each other's learning and never apply a label twice.
    static let engineLearning = Migration(number: 16, name: "engine learning") { sql, _ in
        try await sql.create(table: "engine_labels")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("post_id", type: .bigint, .notNull, .references("posts", "id", onDelete: .cascade))
            .column("task", type: .text, .notNull)
            .column("label", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            // Null until the learning job applies the label; set in the transaction that saves the adjustments.
            .column("learned_at", type: .bigint)
            .run()
        try await sql.create(index: "engine_labels_unlearned").on("engine_labels")
            .column("task").column("learned_at").column("id").run()
        try await sql.create(index: "engine_labels_post").on("engine_labels").column("post_id").run()
        try await sql.create(table: "engine_adjustments")
            .column("task", type: .text, .primaryKey(autoIncrement: false))
            .column("data", type: .blob, .notNull)
            .column("decisions", type: .bigint, .notNull)
            .column("version", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
    }
}
