/// Vets a datagram from the network before any byte of it reaches OpenSSL.
///
/// OpenSSL already discards records it cannot authenticate, but it trusts the
/// unencrypted (epoch 0) handshake records of the first flights: a malformed
/// one is a fatal error that ends the handshake. Random bytes on the media
/// port that happen to start with 20–63 (RFC 7983's DTLS range) must not do
/// that, so every datagram must consist of whole, well-formed records, and
/// every epoch-0 record must look like what its content type says. A datagram
/// that fails is dropped whole. Encrypted records (epoch ≥ 1) are left to
/// OpenSSL, whose AEAD/MAC check is the real filter there.
enum DTLSDatagramFilter {
    /// Throws the first reason the datagram is not a sequence of sane records.
    static func check(_ datagram: UnsafeRawBufferPointer) throws(DTLSRecordError) {
        guard !datagram.isEmpty else { throw .truncatedHeader(available: 0) }
        var offset = 0
        while offset < datagram.count {
            let rest = UnsafeRawBufferPointer(rebasing: datagram[offset...])
            let header = try DTLSRecordHeader(parsing: rest)
            if header.epoch == 0 {
                let fragment = UnsafeRawBufferPointer(
                    rebasing: rest[DTLSRecordHeader.length ..< header.recordLength])
                try checkPlaintext(header.contentType, fragment)
            }
            offset += header.recordLength
        }
    }

    /// RFC 5246 §7.1: ChangeCipherSpec is the single byte 1.
    /// RFC 5246 §7.2: an alert is two bytes, level 1 (warning) or 2 (fatal).
    /// Application data never travels in epoch 0.
    private static func checkPlaintext(_ type: DTLSContentType,
                                       _ fragment: UnsafeRawBufferPointer) throws(DTLSRecordError) {
        switch type {
        case .changeCipherSpec:
            guard fragment.count == 1, fragment[0] == 1 else {
                throw .malformedPlaintext(type, reason: "change_cipher_spec must be the single byte 1")
            }
        case .alert:
            guard fragment.count == 2, fragment[0] == 1 || fragment[0] == 2 else {
                throw .malformedPlaintext(type, reason: "an alert is 2 bytes with level 1 or 2")
            }
        case .applicationData:
            throw .malformedPlaintext(type, reason: "application data before keys were agreed")
        case .handshake:
            try checkHandshakeFragments(fragment)
        }
    }

    /// The DTLS 1.2 handshake message types (RFC 5246 §7.4, RFC 6347 §4.3.2).
    private static let handshakeTypes: Set<UInt8> = [0, 1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 20]

    /// RFC 6347 §4.2.2: each handshake fragment in a record carries
    ///
    /// ```
    /// struct {
    ///   HandshakeType msg_type;    // 1 byte
    ///   uint24 length;             // whole message
    ///   uint16 message_seq;
    ///   uint24 fragment_offset;
    ///   uint24 fragment_length;    // bytes of body in this record
    ///   opaque body[fragment_length];
    /// } Handshake;
    /// ```
    ///
    /// A record may hold several fragments back to back; they must tile it
    /// exactly and each must lie inside its message.
    private static func checkHandshakeFragments(_ fragment: UnsafeRawBufferPointer) throws(DTLSRecordError) {
        let headerLength = 12
        var offset = 0
        repeat {
            guard fragment.count - offset >= headerLength else {
                throw .malformedPlaintext(.handshake, reason: "handshake fragment header cut short")
            }
            guard handshakeTypes.contains(fragment[offset]) else {
                throw .malformedPlaintext(.handshake, reason: "unknown handshake type \(fragment[offset])")
            }
            let messageLength = uint24(fragment, at: offset + 1)
            let fragmentOffset = uint24(fragment, at: offset + 6)
            let fragmentLength = uint24(fragment, at: offset + 9)
            guard fragmentOffset + fragmentLength <= messageLength else {
                throw .malformedPlaintext(.handshake, reason: "fragment runs past the end of its message")
            }
            guard fragmentLength <= fragment.count - offset - headerLength else {
                throw .malformedPlaintext(.handshake, reason: "fragment longer than its record")
            }
            offset += headerLength + fragmentLength
        } while offset < fragment.count
    }

    private static func uint24(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
    }
}
