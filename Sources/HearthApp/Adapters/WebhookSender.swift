import AsyncHTTPClient
import Foundation
import HearthCore
import NIOCore

/// Posts one webhook delivery, signed as Standard Webhooks asks, and records the attempt. A receiver that answers
/// other than 2xx, times out or cannot be reached fails the job, which the runner tries again later (1 min, 5, 30,
/// 2 h, 12 h): the board is never slowed by a receiver.
struct WebhookSender: Sendable {
    let board: any FeedbackRepository
    let client: HTTPClient
    let now: Now
    /// How long a receiver has to answer.
    var timeout: TimeAmount = .seconds(10)

    func deliver(_ job: WebhookDeliveryJob) async throws {
        guard let (delivery, secret) = try await board.delivery(WebhookDeliveryID(job.deliveryID)) else { return }
        // The signed timestamp is the moment of sending as the receiver's clock sees it (it refuses one more than
        // five minutes off), so it is the wall clock's, not the community's clock that tests move.
        guard let headers = WebhookSignature.headers(delivery, secret: secret, at: Date()) else {
            try await board.recordAttempt(delivery.id, result: "bad secret", delivered: false, at: now())
            return
        }
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Hearth-Webhooks/1")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: delivery.payload))
        let result: String
        let delivered: Bool
        do {
            let response = try await client.execute(request, timeout: timeout)
            // The body is not read: only the status counts, and a receiver may send anything.
            _ = try? await response.body.collect(upTo: 64 * 1_024)
            result = "HTTP \(response.status.code)"
            delivered = (200..<300).contains(Int(response.status.code))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            (result, delivered) = ("timed out", false)
        } catch {
            (result, delivered) = ("unreachable", false)
        }
        try await board.recordAttempt(delivery.id, result: result, delivered: delivered, at: now())
        guard delivered else {
            throw HearthError.unavailable("The webhook receiver at \(delivery.url) answered: \(result).")
        }
    }
}
