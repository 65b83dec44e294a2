import Foundation

extension AppConfig {
    static let sourceKeys: [Key] = [
        Key(
            name: "hearth.sources.allow.private", defaultValue: "false",
            help:
                "true: outside sources may reach this machine and private networks (tests, an intranet forum); false refuses them (no request forged through Hearth)."
        )
    ]

    /// Reads `HEARTH_SOURCES_ALLOW_PRIVATE` (true or false; on and off are read too), adding a problem otherwise.
    static func sourcesAllowPrivate(_ value: (String) -> (Key, String?), problem: (Key, String) -> Void) -> Bool {
        switch value("hearth.sources.allow.private") {
        case (_, nil), (_, "false"), (_, "off"): return false
        case (_, "true"), (_, "on"): return true
        case (let key, let text):
            problem(key, "expected true or false, got \"\(text ?? "")\".")
            return false
        }
    }
}
