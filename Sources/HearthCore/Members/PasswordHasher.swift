import Dispatch
import HummingbirdBcrypt

/// Hashes and checks passwords. A protocol so that tests can use a cheap cost; production uses bcrypt
/// at cost 12 or more.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async -> String
    func verify(_ password: String, against hash: String) async -> Bool
    /// A hash of nothing anyone knows, checked when an account does not exist so that a wrong e-mail
    /// takes as long as a wrong password.
    var decoyHash: String { get }
}

/// bcrypt, run off the cooperative thread pool: one hash at cost 12 takes a quarter of a second of CPU,
/// which would otherwise stall every other request on that thread.
public struct BcryptPasswordHasher: PasswordHasher {
    /// OWASP's floor for bcrypt; lower costs are accepted only in tests.
    public static let productionCost: UInt8 = 12
    public let cost: UInt8

    public let decoyHash: String

    public init(cost: UInt8 = BcryptPasswordHasher.productionCost) {
        self.cost = cost
        self.decoyHash = Bcrypt.hash(SecretToken.generate(), cost: cost)
    }

    public func hash(_ password: String) async -> String {
        let cost = self.cost
        return await offload { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async -> Bool {
        await offload { Bcrypt.verify(password, hash: hash) }
    }

    private func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: work())
            }
        }
    }
}
