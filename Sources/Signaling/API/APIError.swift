/// A client API failure: an HTTP status and a message for the client,
/// returned as `{"error": "…"}` (DESIGN §4).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> APIError { APIError(400, message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(401, message) }
    public static func forbidden(_ message: String) -> APIError { APIError(403, message) }
    public static func notFound(_ message: String) -> APIError { APIError(404, message) }
    public static func conflict(_ message: String) -> APIError { APIError(409, message) }
    public static func unavailable(_ message: String) -> APIError { APIError(503, message) }

    public var description: String { "\(status): \(message)" }
}
