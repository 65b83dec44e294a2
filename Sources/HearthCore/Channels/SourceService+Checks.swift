import Foundation

/// A source's settings checked as staff write them, each refusal in words.
extension SourceService {
    // MARK: Checks

    /// One source per name, and one per feed and keywords: a form sent twice, or the same feed added again, would
    /// bring the same things in twice.
    static func checkUnique(
        name: String, url: String?, kind: Source.Kind, keywords: [String], among sources: [Source], except: SourceID?
    ) throws {
        for other in sources where other.id != except {
            if other.name.lowercased() == name.lowercased() {
                throw HearthError.conflict("A source is already named “\(other.name)”: give this one another name.")
            }
            // Two accounts on one server, or one forum searched for other words, are two sources; one feed is one.
            if let url, kind == .feed, other.kind == kind, other.url?.lowercased() == url.lowercased(),
                Set(other.keywords.map { $0.lowercased() }) == Set(keywords.map { $0.lowercased() })
            {
                throw HearthError.conflict("\(other.name) already reads this address for these keywords.")
            }
        }
    }

    static func checkAnnounce(_ announce: Bool?, for kind: Source.Kind) throws {
        guard announce == true, kind != .mastodon else { return }
        throw HearthError.invalid("announce", "Only a Mastodon source posts the community's announcements.")
    }

    static func name(_ raw: String?) throws -> String {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw HearthError.invalid("name", "Give the source a name.") }
        guard name.count <= 80 else { throw HearthError.invalid("name", "A source's name is 80 characters at most.") }
        return name
    }

    static func address(_ raw: String?, for kind: Source.Kind) throws -> String? {
        let url = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard kind != .webhook else {
            guard url.isEmpty else {
                throw HearthError.invalid("url", "A webhook source has no address: things are posted to it.")
            }
            return nil
        }
        guard !url.contains(Source.hidden) else {
            throw HearthError.invalid(
                "url", "Write the address again in full: the one shown hides the parts that look secret.")
        }
        let schemes = kind == .imap ? ["imap", "imaps"] : ["http", "https"]
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            schemes.contains(scheme), let host = parts.host, !host.isEmpty
        else {
            throw HearthError.invalid(
                "url",
                kind == .imap
                    ? "A mailbox's address starts with imaps:// or imap:// and names the mail server."
                    : "A source's address starts with http:// or https:// and names a host.")
        }
        guard url.count <= 2_000 else {
            throw HearthError.invalid("url", "A source's address is 2,000 characters at most.")
        }
        guard parts.user == nil, parts.password == nil else {
            throw HearthError.invalid(
                "url",
                "Put the user name and password in the credentials (a feed takes them too), not in the address: they would show there."
            )
        }
        return kind == .feed ? url : url.withoutTrailingSlash
    }

    static func keywords(_ raw: [String]) throws -> [String] {
        var kept: [String] = []
        for word in raw.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !word.isEmpty {
            guard word.count <= 80 else {
                throw HearthError.invalid("keywords", "A keyword is 80 characters at most.")
            }
            if !kept.contains(where: { $0.lowercased() == word.lowercased() }) { kept.append(word) }
        }
        guard kept.count <= 50 else { throw HearthError.invalid("keywords", "A source has 50 keywords at most.") }
        return kept
    }

    static func interval(_ seconds: Int) throws -> Int {
        guard intervals.contains(seconds) else {
            throw HearthError.invalid(
                "intervalSeconds", "Poll between every minute (60) and once a day (86400 seconds).")
        }
        return seconds
    }

    static func credentials(_ given: [String: String], for kind: Source.Kind, allowEmpty: Bool = false) throws
        -> [String: String]
    {
        var kept: [String: String] = [:]
        for (name, value) in given {
            guard kind.credentialNames.contains(name) else {
                let names = kind.credentialNames
                throw HearthError.invalid(
                    "credentials",
                    names.isEmpty
                        ? "A \(kind.rawValue) source takes no credentials."
                        : "A \(kind.rawValue) source takes these credentials: \(names.joined(separator: ", ")).")
            }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 4_000 else {
                throw HearthError.invalid("credentials", "A credential is 4,000 characters at most.")
            }
            if !trimmed.isEmpty || allowEmpty { kept[name] = trimmed }
        }
        return kept
    }

    static func requireCredentials(_ credentials: [String: String], for kind: Source.Kind) throws {
        switch kind {
        case .mastodon where credentials["token"] == nil:
            throw HearthError.invalid(
                "credentials",
                "A Mastodon source needs an access token: make one in the account's preferences, under Development, with the read and write scopes."
            )
        case .imap where credentials["username"] == nil || credentials["password"] == nil:
            throw HearthError.invalid("credentials", "A mailbox needs its user name and password.")
        default:
            break
        }
    }
}
