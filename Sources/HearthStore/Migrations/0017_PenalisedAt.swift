import SQLKit

extension Migration {
    /// When the member was last given a penalty still in force (not lifted), on the member's row: the gate's night
    /// rule reads it with the member each request loads anyway, instead of querying the penalties of every
    /// poster at night.
    static let penalisedAt = Migration(number: 17, name: "member penalised at") { sql, _ in
        try await sql.alter(table: "members").column("penalised_at", type: .bigint).run()
        try await sql.raw(
            """
            UPDATE members SET penalised_at = (SELECT MAX(p.created_at) FROM penalties p \
            WHERE p.member_id = members.id AND p.lifted_at IS NULL)
            """
        ).run()
    }
}
