import CDTLS

/// The SHA-256 fingerprint of a DER certificate, as SDP carries it.
///
/// RFC 8122 §5: `a=fingerprint:sha-256 AB:CD:…`, the hash as upper-case hex
/// pairs joined by colons. The bridge puts its own fingerprint in the offer
/// and, when DTLS completes, checks that the peer's certificate hashes to the
/// fingerprint from the peer's answer; that check is what binds the
/// self-signed DTLS certificates to the signalling channel.
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The SDP hash-function token (RFC 8122 §5, IANA "Hash Function Textual Names").
    public static let hashFunction = "sha-256"
    /// SHA-256 digest length in bytes.
    public static let length = 32

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Hashes a DER-encoded certificate with SHA-256 (OpenSSL `EVP_Digest`).
    /// Any bytes are accepted: the fingerprint of garbage is just a hash that
    /// will match no SDP fingerprint.
    public init(derCertificate der: [UInt8]) throws(DTLSCertificateError) {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        let ok = der.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &digestLength, EVP_sha256(), nil)
        }
        guard ok == 1, Int(digestLength) == Self.length else {
            throw DTLSCertificateError.openSSL("EVP_Digest(SHA-256)")
        }
        bytes = Array(digest.prefix(Self.length))
    }

    /// Parses the value of an SDP `a=fingerprint:sha-256` attribute (the part
    /// after the hash token). Lower-case hex is accepted too, since some
    /// clients send it; anything else malformed yields nil.
    public init?(sdpValue: String) {
        let pairs = sdpValue.split(separator: ":", omittingEmptySubsequences: false)
        guard pairs.count == Self.length else { return nil }
        var parsed: [UInt8] = []
        parsed.reserveCapacity(Self.length)
        for pair in pairs {
            // Checked by hand: UInt8(_:radix:) would also accept "+F".
            guard pair.utf8.count == 2,
                  let high = Self.hexValue(pair.utf8.first), let low = Self.hexValue(pair.utf8.last)
            else { return nil }
            parsed.append(high << 4 | low)
        }
        bytes = parsed
    }

    private static func hexValue(_ character: UInt8?) -> UInt8? {
        switch character {
        case let c? where c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case let c? where c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        case let c? where c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// `AB:CD:…`: 32 upper-case hex pairs joined by colons.
    public var sdpValue: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The whole attribute value: `sha-256 AB:CD:…`.
    public var sdpAttributeValue: String { "\(Self.hashFunction) \(sdpValue)" }

    public var description: String { sdpAttributeValue }
}
