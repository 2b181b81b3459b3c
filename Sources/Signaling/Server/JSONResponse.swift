import Foundation
import Hummingbird
import NIOCore

/// JSON responses and request bodies for the client API, with every failure
/// mapped to a 4xx `{"error": "…"}` instead of a framework default.
enum JSONResponse {
    static let maximumBody = 4 << 20

    static func make<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: APIError) -> Response {
        make(HTTPResponse.Status(code: error.status), ["error": error.message])
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws(APIError) -> T {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maximumBody) } catch {
            throw .badRequest("the body is larger than \(maximumBody) bytes or was cut off")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
            throw .badRequest("invalid JSON body: \(describe(error))")
        } catch {
            throw .badRequest("invalid JSON body")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type for '\(path)'"
        case .dataCorrupted: return "not valid JSON"
        @unknown default: return "not valid JSON"
        }
    }
}
