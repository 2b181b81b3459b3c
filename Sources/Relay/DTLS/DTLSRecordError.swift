/// Why a datagram on the DTLS path was dropped before OpenSSL saw it.
///
/// These are routine on a public media port (scanners, stale packets, a
/// middlebox that truncates): the transport counts them in
/// `DTLSTransport.Statistics` and carries on; none of them ends a handshake.
public enum DTLSRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than 13 bytes where a record header should start.
    case truncatedHeader(available: Int)
    /// The header announces more fragment bytes than the datagram holds.
    case truncatedRecord(declared: Int, available: Int)
    /// A first byte that is not 20–23 (change_cipher_spec … application_data).
    case unknownContentType(UInt8)
    /// A record version other than DTLS 1.2 (0xFEFD) or DTLS 1.0 (0xFEFF).
    case unsupportedVersion(UInt16)
    /// A fragment longer than 2^14 + 2048 bytes.
    case fragmentTooLong(length: Int)
    /// An unencrypted (epoch 0) record whose content cannot be what it says.
    case malformedPlaintext(DTLSContentType, reason: String)
    /// OpenSSL rejected a would-be first ClientHello; the server side was
    /// reset so that the real client can still connect.
    case rejectedClientHello(reason: String)

    public var description: String {
        switch self {
        case let .truncatedHeader(available):
            "DTLS datagram ends \(available) bytes into a 13-byte record header (truncated or not DTLS)"
        case let .truncatedRecord(declared, available):
            "DTLS record announces \(declared) bytes but only \(available) follow (truncated datagram: check the path MTU)"
        case let .unknownContentType(type):
            "DTLS record has unknown content type \(type) (not DTLS; RFC 7983 demultiplexing sent it here)"
        case let .unsupportedVersion(version):
            "DTLS record version 0x\(String(version, radix: 16)) is neither DTLS 1.2 nor 1.0"
        case let .fragmentTooLong(length):
            "DTLS record fragment of \(length) bytes exceeds the 18,432-byte limit"
        case let .malformedPlaintext(type, reason):
            "unencrypted DTLS \(type) record is malformed: \(reason)"
        case let .rejectedClientHello(reason):
            "DTLS ClientHello rejected, waiting for a valid one: \(reason)"
        }
    }
}
