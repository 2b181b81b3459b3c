/// The DTLS record content types (RFC 6347 §4.1, RFC 5246 §6.2.1).
public enum DTLSContentType: UInt8, Sendable, Equatable {
    case changeCipherSpec = 20
    case alert = 21
    case handshake = 22
    case applicationData = 23
}

/// The 13-byte header in front of every DTLS record.
///
/// RFC 6347 §4.1:
///
/// ```
/// struct {
///      ContentType type;                 // 1 byte
///      ProtocolVersion version;          // 2 bytes: {254, 253} = DTLS 1.2, {254, 255} = DTLS 1.0
///      uint16 epoch;                     // 2 bytes
///      uint48 sequence_number;           // 6 bytes
///      uint16 length;                    // 2 bytes
///      opaque fragment[DTLSPlaintext.length];
/// } DTLSPlaintext;
/// ```
///
/// Records are self-delimiting, so several may share one UDP datagram
/// (RFC 6347 §4.1.1). The transport parses these headers twice: to vet what a
/// peer sends before OpenSSL sees it, and to cut OpenSSL's output (which a
/// memory BIO hands back as one byte stream) into datagrams on record
/// boundaries.
public struct DTLSRecordHeader: Sendable, Equatable {
    /// Bytes in the record header.
    public static let length = 13
    /// RFC 6347 §4.1 / RFC 5246 §6.2.3: a record's fragment never exceeds
    /// 2^14 + 2048 bytes.
    public static let maximumFragmentLength = (1 << 14) + 2048
    /// DTLS 1.2 on the wire (ones' complement of 1.2).
    public static let dtls12: UInt16 = 0xFEFD
    /// DTLS 1.0, which DTLS 1.2 clients may put in the ClientHello's record
    /// (RFC 6347 §4.1: the record version of the first flight is not binding).
    public static let dtls10: UInt16 = 0xFEFF

    public let contentType: DTLSContentType
    public let version: UInt16
    public let epoch: UInt16
    /// The 48-bit record sequence number.
    public let sequenceNumber: UInt64
    /// Bytes of fragment after the header.
    public let fragmentLength: Int

    /// Header plus fragment: what this record occupies in a datagram.
    public var recordLength: Int { Self.length + fragmentLength }

    /// Parses the header at the start of `bytes` and checks that the whole
    /// record fits in `bytes`.
    ///
    /// - Throws: `DTLSRecordError` for a short header, an unknown content
    ///   type, a version other than DTLS 1.0/1.2, an oversized fragment, or a
    ///   fragment that runs past the end of `bytes` (a truncated datagram).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(DTLSRecordError) {
        guard bytes.count >= Self.length else {
            throw .truncatedHeader(available: bytes.count)
        }
        guard let type = DTLSContentType(rawValue: bytes[0]) else {
            throw .unknownContentType(bytes[0])
        }
        let version = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
        guard version == Self.dtls12 || version == Self.dtls10 else {
            throw .unsupportedVersion(version)
        }
        var sequence: UInt64 = 0
        for index in 5 ..< 11 { sequence = sequence << 8 | UInt64(bytes[index]) }
        let length = Int(bytes[11]) << 8 | Int(bytes[12])
        guard length <= Self.maximumFragmentLength else {
            throw .fragmentTooLong(length: length)
        }
        guard Self.length + length <= bytes.count else {
            throw .truncatedRecord(declared: length, available: bytes.count - Self.length)
        }
        contentType = type
        self.version = version
        epoch = UInt16(bytes[3]) << 8 | UInt16(bytes[4])
        sequenceNumber = sequence
        fragmentLength = length
    }
}
