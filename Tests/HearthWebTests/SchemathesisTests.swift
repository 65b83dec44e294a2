import Foundation
import HearthCore
import HearthTestSupport
import Testing

/// openapi.json against the running server, as Schemathesis (PyPI) checks it: each documented operation gets
/// requests the document calls valid and requests it calls invalid, then methods it does not list, and every
/// answer is held to the document (status, body, authentication). A failure prints Schemathesis' report, with
/// a `curl` line for each case.
@Suite("OpenAPI contract")
struct SchemathesisTests {
    /// Cases per operation and phase: the whole run stays near half a minute on a two-core machine.
    static let examplesPerOperation = 25
    /// A fixed seed, so that a run repeats: a failure reproduces with the same command.
    static let seed = 20_261_202
    /// Past this, Schemathesis is stopped and the test fails; it normally ends well before (about 50 s alone, 170 s
    /// while another build shared the two cores, 300 s for 63 operations beside the rest of the suite).
    static let timeLimit: Duration = .seconds(480)

    @Test("the live API answers as openapi.json says, to a community manager's write key")
    func contract() async throws {
        let schemathesis = try Self.findSchemathesis()
        let port = try TestEnvironment.freePort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hearth-schemathesis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let community = try await TestCommunity.make(
            environment: [
                "HEARTH_PORT": String(port), "HEARTH_PUBLIC_URL": "http://127.0.0.1:\(port)",
                "HEARTH_DATA_DIR": folder.appendingPathComponent("data").path,
            ])
        defer { community.close() }
        // Something to read and reply to, so that generated ids reach real topics and posts.
        let manager = try await community.member("cm@example.org", role: .communityManager)
        let staff = Viewer(member: manager, credential: .session(SessionID(0)))
        let general = try await community.services.forum.createCategory(
            staff, name: "General", description: "Anything", startPolicy: .everyone)
        _ = try await community.services.forum.startTopic(
            staff, in: general.id, title: "Welcome", body: "Say hello, @cm.")
        let (_, key) = try await community.services.apiKeys.create(
            name: "schemathesis", scope: .write, ownerEmail: "cm@example.org")
        let configuration = folder.appendingPathComponent("schemathesis.toml")
        try Self.configuration.write(to: configuration, atomically: true, encoding: .utf8)

        try await community.testLive { client in
            let api = "http://127.0.0.1:\(client.port ?? port)/api/v1"
            let run = try await Self.run(
                schemathesis,
                [
                    "--config-file", configuration.path, "--no-color", "run", api + "/openapi.json", "--url", api,
                    "--header", "Authorization: Bearer \(key)",
                    "--max-examples", String(Self.examplesPerOperation), "--seed", String(Self.seed),
                    "--request-timeout", "10", "--generation-database", "none",
                ],
                in: folder)
            #expect(!run.timedOut, "Schemathesis did not finish within \(Self.timeLimit):\n\(run.output)")
            #expect(run.status == 0, "Schemathesis found the API and openapi.json disagreeing:\n\(run.output)")
        }
    }

    /// Every check, except where the API means what a schema cannot say. (Checks named on the command line would
    /// override these exceptions, so they are named here.)
    static let configuration = """
        [checks]
        enabled = true

        # An upload is an image recognised by its bytes (PNG, JPEG, GIF or WebP), which no schema can describe
        # for Schemathesis to draw: it sends arbitrary bytes, rightly refused with 422. UploadTests cover uploads.
        [[operations]]
        include-operation-id = "uploadImage"
        checks.positive_data_acceptance.enabled = false

        # Deleting a post is soft: its author and staff still read it (marked deleted), and staff can restore it.
        [[operations]]
        include-operation-id = "getPost"
        checks.use_after_free.enabled = false

        # Moderation decisions follow rules of time and state no schema states: a slow mode or a penalty ends in
        # the future, no one flags their own post or penalises themself, a "something else" flag needs a word,
        # only a held post can be approved, a topic timer needs the value of its action (hours, at or days) and
        # reopens only a closed topic. Such a request is well formed and refused with 422 or 409;
        # ModerationTests and TopicTimerTests cover each rule.
        [[operations]]
        include-operation-id = "flagPost"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "moderatePost"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "actOnReviewItem"
        checks.positive_data_acceptance.enabled = false

        # The board's rules: a post goes on it once, an item is not merged into itself or into a chain that loops
        # back, only a linked post is split off (and not an item's only one), a vote counts once, a webhook's
        # address is http(s) with a host. Such a request is refused with 422 or 409 (FeedbackBoardTests,
        # FeedbackAPITests and WebhookTests cover each).
        [[operations]]
        include-operation-id = "createFeedback"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "changeFeedback"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "splitFeedback"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "createWebhook"
        checks.positive_data_acceptance.enabled = false

        # The dashboard and the letters read dates: a period is at most 366 days and has begun, range and dates are
        # one or the other, and a letter tells a week that exists in its year and is over (LettersWebTests and
        # LetterAndHealthTests cover each). Such a request is refused with 422.
        [[operations]]
        include-operation-id = "getHealth"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "getLetter"
        checks.positive_data_acceptance.enabled = false

        # An outside source's address and credentials depend on its kind (a mailbox's is imap, a webhook has none,
        # Mastodon needs a token), a webhook source is posted to rather than polled, a post to it must be signed
        # with its secret, and only an outside item whose source takes answers (or a post) can be answered
        # (SourcesTests and SourcesWebTests cover each). Such a request is refused with 422, 401 or 404.
        [[operations]]
        include-operation-id = "createSource"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "updateSource"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "pollSource"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "postToSource"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "answerInboxItem"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "boostInboxItem"
        checks.positive_data_acceptance.enabled = false

        # So do the inbox's: a snooze ends in the future, an item goes only to someone who may see it, and one
        # already decided is not decided twice (InboxTests and InboxWebTests cover each).
        [[operations]]
        include-operation-id = "actOnInboxItem"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "setSlowMode"
        checks.positive_data_acceptance.enabled = false

        # A role's window ends at another time than it starts, its last day is not before its first nor past, its
        # categories exist, and it is not given to a suspended member (DelegationTests cover each).
        [[operations]]
        include-operation-id = "createRole"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "updateRole"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "giveRole"
        checks.positive_data_acceptance.enabled = false

        # A report exists only for a role's holder and a week that is over; it is sent once, with a few lines, and
        # not after the week to write it (DelegationTests cover each).
        [[operations]]
        include-operation-id = "writeRoleReport"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "setTopicTimer"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "penalizeMember"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "editGuidelines"
        checks.positive_data_acceptance.enabled = false

        # A watched word may already be watched, or be an expression that does not compile or runs too long; a
        # profile is flagged once and never one's own (GateTests cover both).
        [[operations]]
        include-operation-id = "addWatchedWord"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "flagProfile"
        checks.positive_data_acceptance.enabled = false

        # A setting must name a real time zone and readable working hours, and a category's topics move to
        # another category that exists: well formed and refused with 422 otherwise (ConsolePagesTests cover it).
        [[operations]]
        include-operation-id = "changeSettings"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "deleteCategory"
        checks.positive_data_acceptance.enabled = false

        # Staff acts on members follow rules no schema states: the last community manager keeps the role; an
        # anonymisation needs the member's handle typed again and never applies to oneself or to staff; an
        # invitation's address must have a domain with a dot; a key cannot revoke itself. Such a request is well
        # formed and refused with 409, 403 or 422; MemberServiceTests cover each rule.
        [[operations]]
        include-operation-id = "changeMemberRole"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "anonymiseMember"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "createInvitation"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "createAPIKey"
        checks.positive_data_acceptance.enabled = false

        [[operations]]
        include-operation-id = "revokeAPIKey"
        checks.positive_data_acceptance.enabled = false

        # The public log answers 404 unless the community publishes it, which this community does not.
        [[operations]]
        include-operation-id = "listPublicModerationLog"
        checks.positive_data_acceptance.enabled = false
        """

    // MARK: Finding and running Schemathesis

    /// Schemathesis 4 on PATH, in ~/.local/bin or in Python's scripts folder; skips the test when it is missing
    /// (fails it when HEARTH_TEST_REQUIRE_SCHEMATHESIS=1).
    static func findSchemathesis() throws -> String {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        var folders = [home + "/.local/bin"]
        if let python = TestEnvironment.executable("python3"),
            let scripts = try? output(of: [python, "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
        {
            folders.append(scripts.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var reason = "Schemathesis is not installed (python3 -m pip install schemathesis)"
        if let path = TestEnvironment.executable("schemathesis", extraFolders: folders) {
            let version = (try? output(of: [path, "--version"])) ?? ""
            if version.contains("version 4.") { return path }
            reason = "the tests need Schemathesis 4, and \(path) answered \"\(version.prefix(200))\""
        }
        if requireSchemathesis {
            throw HarnessError("HEARTH_TEST_REQUIRE_SCHEMATHESIS is set but \(reason)")
        }
        try Test.cancel("Skipped the Schemathesis test: \(reason).")
    }

    /// `HEARTH_TEST_REQUIRE_SCHEMATHESIS=1`: a missing Schemathesis fails the test instead of skipping it.
    static var requireSchemathesis: Bool {
        ["1", "true", "yes"].contains(
            ProcessInfo.processInfo.environment["HEARTH_TEST_REQUIRE_SCHEMATHESIS"]?.lowercased() ?? "")
    }

    /// What a short command prints; throws when it cannot start.
    static func output(of arguments: [String]) throws -> String {
        try ChildProcess.run(arguments).output
    }

    struct Run: Sendable {
        let status: Int32
        let output: String
        let timedOut: Bool
    }

    /// Runs Schemathesis in `folder` (where it keeps its files) without blocking a thread the server needs:
    /// its output goes to a file, and its end is awaited. Past `timeLimit` it is stopped.
    static func run(_ executable: String, _ arguments: [String], in folder: URL) async throws -> Run {
        let log = folder.appendingPathComponent("schemathesis.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        // `env -C` starts it in `folder`.
        let process = try ChildProcess(
            ["/usr/bin/env", "-C", folder.path, executable] + arguments, output: .file(log.path))
        let watchdog = Task {
            do { try await Task.sleep(for: timeLimit) } catch { return false }
            process.signal(SIGTERM)
            return true
        }
        let status = await process.ended()
        watchdog.cancel()
        let timedOut = await watchdog.value
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Run(status: status, output: output, timedOut: timedOut)
    }
}
