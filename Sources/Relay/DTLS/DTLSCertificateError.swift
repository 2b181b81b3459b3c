import CDTLS

/// Why a certificate could not be generated, encoded or fingerprinted.
public enum DTLSCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An OpenSSL call failed; `reason` is OpenSSL's own error queue.
    case openSSL(operation: String, reason: String)
    /// A validity period that would make the certificate unusable.
    case invalidValidity(days: Int)

    public var description: String {
        switch self {
        case let .openSSL(operation, reason):
            "OpenSSL \(operation) failed: \(reason) (check that libssl3 is OpenSSL 3 with the default provider)"
        case let .invalidValidity(days):
            "certificate validity of \(days) days is not positive"
        }
    }

    /// Captures and clears OpenSSL's thread-local error queue for `operation`,
    /// so the next failure does not report a stale reason.
    static func openSSL(_ operation: String) -> DTLSCertificateError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return .openSSL(operation: operation, reason: reasons.isEmpty ? "no reason reported" : reasons.joined(separator: "; "))
    }
}
