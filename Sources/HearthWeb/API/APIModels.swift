import Foundation
import HearthCore
import Hummingbird

/// The JSON shapes of the API, one per resource, named as in `openapi.json`.
enum APIModel {
    struct MemberRef: Codable, Sendable {
        let id: Int64
        let handle: String
        let displayName: String
        let role: String

        init(_ member: MemberSummary) {
            id = member.id.rawValue
            handle = member.handle
            displayName = member.displayName
            role = member.role.rawValue
        }
    }

    struct Member: ResponseEncodable, Codable {
        let id: Int64
        let handle: String
        let displayName: String
        let role: String
        let bio: String
        /// The member's picture, a path on this server (`/uploads/…`), or null.
        let avatarUrl: String?
        let createdAt: Date
        /// Only for the member themself.
        let email: String?

        init(_ member: HearthCore.Member, showEmail: Bool) {
            id = member.id.rawValue
            handle = member.handle
            displayName = member.displayName
            role = member.role.rawValue
            bio = member.bio
            avatarUrl = member.avatarPath
            createdAt = member.createdAt
            email = showEmail ? member.email : nil
        }
    }

    struct Category: ResponseEncodable, Codable {
        let id: Int64
        let slug: String
        let name: String
        let description: String
        let position: Int
        let startPolicy: String
        let kind: String
        let archived: Bool
        let readPolicy: String

        init(_ category: HearthCore.Category) {
            archived = category.archivedAt != nil
            readPolicy = category.readPolicy.rawValue
            id = category.id.rawValue
            slug = category.slug
            name = category.name
            description = category.description
            position = category.position
            startPolicy = category.startPolicy.rawValue
            kind = category.kind.rawValue
        }
    }

    struct Topic: ResponseEncodable, Codable {
        let id: Int64
        let categoryId: Int64
        let title: String
        let slug: String
        let author: MemberRef
        let createdAt: Date
        let lastPostedAt: Date
        let lastPoster: MemberRef
        let postCount: Int
        let pinned: Bool
        let closed: Bool
        let deleted: Bool
        let unread: Int?
        /// Present while the topic has a timer.
        let timer: TopicTimer?

        init(_ topic: HearthCore.Topic, unread: Int? = nil) {
            id = topic.id.rawValue
            categoryId = topic.categoryID.rawValue
            title = topic.title
            slug = topic.slug
            author = MemberRef(topic.author)
            createdAt = topic.createdAt
            lastPostedAt = topic.lastPostedAt
            lastPoster = MemberRef(topic.lastPoster)
            postCount = topic.postCount
            pinned = topic.isPinned
            closed = topic.isClosed
            deleted = topic.deletedAt != nil
            self.unread = unread
            timer = topic.timer.map { TopicTimer($0, lastPostedAt: topic.lastPostedAt) }
        }
    }

    struct Post: ResponseEncodable, Codable {
        let id: Int64
        let topicId: Int64
        let number: Int
        let author: MemberRef
        /// Empty for a deleted post shown to someone who may not read it.
        let body: String
        let html: String
        let quotePostId: Int64?
        let createdAt: Date
        let editedAt: Date?
        let editCount: Int
        let deleted: Bool
        let reactions: [String: Int]
        let myReactions: [String]
        /// For staff only: "visible", "hidden" or "pending".
        let moderation: String?
        /// For staff only: what the triage engine read in the post.
        let reading: Reading?

        init(
            _ post: HearthCore.Post, tally: ReactionTally? = nil, hidden: Bool = false, forStaff: Bool = false,
            reading: PostReading? = nil
        ) {
            id = post.id.rawValue
            topicId = post.topicID.rawValue
            number = post.number
            author = MemberRef(post.author)
            body = hidden ? "" : post.body
            html = hidden ? "" : post.html
            quotePostId = post.quotePostID?.rawValue
            createdAt = post.createdAt
            editedAt = post.editedAt
            editCount = post.editCount
            deleted = post.isDeleted
            reactions = Dictionary(uniqueKeysWithValues: (tally?.counts ?? [:]).map { ($0.key.rawValue, $0.value) })
            myReactions = (tally?.mine ?? []).map(\.rawValue).sorted()
            moderation = forStaff ? post.moderation.rawValue : nil
            self.reading = reading.map(Reading.init)
        }
    }

    struct Reading: Codable, Sendable {
        let language: String
        let toxicity: Double
        let feedbackKind: String
        let sentiment: Double
        let explanation: String

        init(_ reading: PostReading) {
            language = reading.language
            toxicity = reading.toxicity
            feedbackKind = reading.feedbackKind
            sentiment = reading.sentiment
            explanation = reading.explanation
        }
    }

    struct Page<Item: Codable & Sendable>: ResponseEncodable, Codable {
        let items: [Item]
        /// Pass as `cursor` to get the next page; absent on the last one.
        let nextCursor: String?
    }

    struct TopicWithPosts: ResponseEncodable, Codable {
        let topic: Topic
        let category: Category
        let posts: [Post]
        let nextCursor: String?
    }

    struct CreatedTopic: ResponseEncodable, Codable {
        let topic: Topic
        let post: Post
    }

    struct ReactionState: ResponseEncodable, Codable {
        let kind: String
        let active: Bool
    }

    struct Notification: Codable, Sendable {
        let id: Int64
        let kind: String
        let actor: MemberRef
        let topicId: Int64
        let topicTitle: String
        let postId: Int64
        let postNumber: Int
        let createdAt: Date
        let read: Bool

        init(_ note: MemberNotification) {
            id = note.id.rawValue
            kind = note.kind.rawValue
            actor = MemberRef(note.actor)
            topicId = note.topicID.rawValue
            topicTitle = note.topicTitle
            postId = note.postID.rawValue
            postNumber = note.postNumber
            createdAt = note.createdAt
            read = note.readAt != nil
        }
    }

    struct SearchResult: Codable, Sendable {
        let topicId: Int64
        let topicTitle: String
        let categoryId: Int64
        let post: Post

        init(_ hit: SearchHit) {
            topicId = hit.post.topicID.rawValue
            topicTitle = hit.topicTitle
            categoryId = hit.categoryID.rawValue
            post = Post(hit.post)
        }
    }

    struct Upload: ResponseEncodable, Codable {
        let url: String
        let hash: String
        let contentType: String
        let width: Int
        let height: Int
        let bytes: Int
        /// What to put in a post's Markdown to show it.
        let markdown: String

        init(_ upload: HearthCore.Upload) {
            url = upload.path
            hash = upload.hash
            contentType = upload.format.contentType
            width = upload.width
            height = upload.height
            bytes = upload.byteCount
            markdown = "![](\(upload.path))"
        }
    }

    struct Article: ResponseEncodable, Codable {
        struct Product: Codable, Sendable {
            let name: String
            let url: String
            let imageUrl: String?
        }

        let id: Int64
        let slug: String
        let title: String
        let body: String
        let html: String
        let coverUrl: String?
        let tags: [String]
        let status: String
        let publishAt: Date?
        let product: Product?
        let author: MemberRef
        let topicId: Int64
        let createdAt: Date
        let updatedAt: Date

        init(_ article: HearthCore.Article) {
            id = article.id.rawValue
            slug = article.slug
            title = article.title
            body = article.body
            html = article.html
            coverUrl = article.coverPath
            tags = article.tags
            status = article.status.rawValue
            publishAt = article.publishAt
            product = article.product.map { Product(name: $0.name, url: $0.url, imageUrl: $0.imagePath) }
            author = MemberRef(article.author)
            topicId = article.topicID.rawValue
            createdAt = article.createdAt
            updatedAt = article.updatedAt
        }
    }

    struct NewArticle: Decodable {
        let title: String
        let body: String
        let coverUrl: String?
        let tags: [String]?
        let status: String?
        let publishAt: String?
        let product: Article.Product?
    }

    // MARK: Inputs

    struct NewCategory: Decodable {
        let name: String
        let description: String?
        let startPolicy: String?
        let kind: String?
    }

    struct NewTopic: Decodable {
        let categoryId: Int64
        let title: String
        let body: String
    }

    struct NewPost: Decodable {
        let body: String
        let quotePostId: Int64?
    }

    struct PostEdit: Decodable {
        let body: String
        /// The post's `editCount` when the client read it: a post edited since is refused, not saved over.
        let basedOn: Int?
    }

    struct NewReaction: Decodable {
        let kind: String
    }
}

extension Request {
    /// Decodes a JSON body; a malformed one is a validation error that says what was expected.
    mutating func json<T: Decodable>(_ type: T.Type, context: HearthRequestContext, shape: String) async throws -> T {
        let buffer = try await collectBody(within: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(JSONText.withoutForbiddenCharacters(buffer)))
        } catch {
            throw HearthError.invalid("body", "Send a JSON object like \(shape).")
        }
    }
}

/// JSON text as it is read from a request.
enum JSONText {
    /// The JSON with the characters XML 1.0 forbids left out of its strings, whether escaped (`\u000c`) or
    /// not, as every text input drops them (see `String.withoutXMLForbiddenCharacters`). A backslash appears
    /// only inside strings in JSON, so reading escapes pair by pair is enough to tell `\\u000c` (a
    /// backslash, then text) from `\u000c`.
    static func withoutForbiddenCharacters(_ buffer: ByteBuffer) -> [UInt8] {
        let bytes = Array(buffer.readableBytesView)
        guard bytes.contains(UInt8(ascii: "\\")) || bytes.contains(0xEF) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                // `\b` and `\f` are backspace and form feed, written short: forbidden like the rest.
                if bytes[index + 1] == UInt8(ascii: "b") || bytes[index + 1] == UInt8(ascii: "f") {
                    index += 2
                    continue
                }
                if bytes[index + 1] == UInt8(ascii: "u"), index + 6 <= bytes.count,
                    let code = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
                    Unicode.Scalar(code)?.isForbiddenInXML == true
                {
                    index += 6
                    continue
                }
                output.append(byte)
                output.append(bytes[index + 1])
                index += 2
                continue
            }
            // U+FFFE and U+FFFF written as UTF-8.
            if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                index += 3
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }
}
