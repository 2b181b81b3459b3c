import CDTLS

/// MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 over the message up to the
/// attribute, computed with OpenSSL.
///
/// The HMAC covers the header and every attribute before MESSAGE-INTEGRITY,
/// with the header's length field set as if MESSAGE-INTEGRITY were the last
/// attribute (so a FINGERPRINT added afterwards does not change it).
///
/// ICE uses short-term credentials only (RFC 8445 §7.2.2): the key is the
/// receiver's ice-pwd. RFC 5389 asks for SASLprep of the password; ICE
/// passwords are ice-chars (ALPHA / DIGIT / "+" / "/", RFC 8839 §5.4), for
/// which SASLprep is the identity, so the UTF-8 bytes are the key.
public enum STUNMessageIntegrity {
    /// HMAC-SHA1 output length.
    public static let length = 20

    /// The short-term credential key for `password`.
    public static func shortTermKey(password: String) -> [UInt8] {
        Array(password.utf8)
    }

    /// HMAC-SHA1 of `message` under `key`; nil if OpenSSL fails.
    static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8]? {
        var mac = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var macLength: UInt32 = 0
        // OpenSSL wants a non-null key pointer even for an empty key.
        let keyBytes = key.isEmpty ? [0] : key
        let succeeded = keyBytes.withUnsafeBytes { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                mac.withUnsafeMutableBufferPointer { macBuffer in
                    HMAC(EVP_sha1(), keyBuffer.baseAddress, Int32(key.count),
                         messageBuffer.baseAddress, messageBuffer.count,
                         macBuffer.baseAddress, &macLength) != nil
                }
            }
        }
        guard succeeded, macLength == length else { return nil }
        return Array(mac.prefix(length))
    }

    /// Constant-time comparison, so that a forger learns nothing from timing.
    static func constantTimeEqual(_ lhs: ArraySlice<UInt8>, _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, rhs.count) == 0
            }
        }
    }
}

extension STUNMessage {
    /// Whether the received datagram's MESSAGE-INTEGRITY verifies under
    /// `key`; false when it has none. Checks the bytes as received, not the
    /// (possibly edited) `attributes`.
    public func verifyMessageIntegrity(key: [UInt8]) -> Bool {
        guard let offset = messageIntegrityOffset else { return false }
        var covered = Array(received[0 ..< offset])
        Self.setLength(&covered, attributeBytes: offset - Self.headerLength + 4 + STUNMessageIntegrity.length)
        guard let mac = STUNMessageIntegrity.hmacSHA1(key: key, message: covered) else { return false }
        let valueStart = offset + 4
        return STUNMessageIntegrity.constantTimeEqual(received[valueStart ..< valueStart + STUNMessageIntegrity.length], mac)
    }

    /// Writes the header's Message Length field.
    static func setLength(_ message: inout [UInt8], attributeBytes: Int) {
        message[2] = UInt8(truncatingIfNeeded: attributeBytes >> 8)
        message[3] = UInt8(truncatingIfNeeded: attributeBytes)
    }
}
