import Foundation

/// The board's outgoing webhooks: receivers, and each delivery's attempts.
extension FeedbackService {
    public func endpoints(_ viewer: Viewer?) async throws -> [WebhookEndpoint] {
        try policy.authorize(viewer, .manageWebhooks, at: now())
        return try await board.endpoints()
    }

    /// Adds a receiver for `events` (all of them when empty); its secret is made here and shown once.
    public func addEndpoint(_ viewer: Viewer?, url raw: String, events: [WebhookEvent]) async throws
        -> WebhookEndpoint
    {
        let date = now()
        try policy.authorize(viewer, .manageWebhooks, at: date)
        let url = try WebhookEndpoint.validated(raw)
        let chosen = events.isEmpty ? WebhookEvent.allCases : events
        let secret = WebhookEndpoint.newSecret()
        let id = try await board.addEndpoint(url: url, secret: secret, events: chosen, at: date)
        return WebhookEndpoint(id: id, url: url, secret: secret, events: chosen, createdAt: date)
    }

    public func removeEndpoint(_ viewer: Viewer?, _ id: WebhookEndpointID) async throws {
        try policy.authorize(viewer, .manageWebhooks, at: now())
        guard try await board.removeEndpoint(id) else { throw HearthError.notFound("There is no such webhook.") }
    }

    /// The latest deliveries, newest first, with their attempts.
    public func deliveries(_ viewer: Viewer?, limit: Int = 50) async throws -> [WebhookDelivery] {
        try policy.authorize(viewer, .manageWebhooks, at: now())
        return try await board.deliveries(limit: min(max(limit, 1), 200))
    }

    /// Sends a delivery once more, now.
    public func resend(_ viewer: Viewer?, _ id: WebhookDeliveryID) async throws {
        let date = now()
        try policy.authorize(viewer, .manageWebhooks, at: date)
        guard try await board.resend(id, at: date) else { throw HearthError.notFound("There is no such delivery.") }
    }
}
