import CSRTP

/// Which way an `SRTPSession` carries packets.
public enum SRTPDirection: Sendable, Equatable {
    /// Packets this bridge receives: `unprotect` / `unprotectRTCP`.
    case inbound
    /// Packets this bridge sends: `protect` / `protectRTCP`.
    case outbound
}

/// One direction of SRTP/SRTCP for one endpoint, backed by a libsrtp session.
///
/// A single session serves every SSRC of the endpoint: the policy uses
/// `ssrc_any_inbound` / `ssrc_any_outbound`, so libsrtp clones a per-SSRC
/// stream from the template the first time an SSRC appears. On the inbound
/// side that clone is made only after the packet's tag has verified, so
/// forged packets with random SSRCs create no state.
///
/// The replay window is 1,024 packets (libsrtp's default is 128, too small for
/// video bursts reordered across a long-haul path). Outbound sessions allow
/// repeated transmission of the same index, because a NACK is answered by
/// protecting the very same RTP packet again; inbound sessions keep strict
/// replay protection.
///
/// The in-place methods are the hot path: they encrypt or decrypt inside the
/// caller's buffer and allocate nothing (apart from libsrtp's one-off stream
/// clone for a new SSRC). The `[UInt8]` overloads copy and are for tests and
/// control-plane use.
///
/// Concurrency: libsrtp sessions are not thread-safe (replay windows, rollover
/// counters and stream lists change on every packet), so a session belongs to
/// the one thread or actor that owns its endpoint; it is not `Sendable`.
public final class SRTPSession {
    /// The replay window, in packets, for inbound RTP and SRTCP.
    public static let replayWindowSize = 1024

    public let profile: SRTPProfile
    public let direction: SRTPDirection
    private let context: OpaquePointer

    /// Creates a session from one side's master key and salt.
    ///
    /// - Throws: `SRTPError.invalidKeyLength` for keys of the wrong size, or
    ///   the libsrtp failure that prevented the session from being created.
    public init(profile: SRTPProfile, direction: SRTPDirection,
                masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) {
        try SRTPLibrary.ensureInitialized()
        guard masterKey.count == profile.masterKeyLength else {
            throw .invalidKeyLength(what: "key", expected: profile.masterKeyLength, actual: masterKey.count)
        }
        guard masterSalt.count == profile.masterSaltLength else {
            throw .invalidKeyLength(what: "salt", expected: profile.masterSaltLength, actual: masterSalt.count)
        }

        var policy = srtp_policy_t()
        var status = srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile.libsrtpProfile)
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
        status = srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile.libsrtpProfile)
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
        policy.ssrc.type = direction == .inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = UInt(Self.replayWindowSize)
        policy.allow_repeat_tx = direction == .outbound ? 1 : 0
        policy.next = nil

        // libsrtp reads the concatenated key || salt during srtp_create and
        // keeps only the derived session keys, so the buffer is wiped after.
        var keyAndSalt = masterKey + masterSalt
        var created: OpaquePointer?
        status = keyAndSalt.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            return srtp_create(&created, &policy)
        }
        for index in keyAndSalt.indices { keyAndSalt[index] = 0 }
        guard status == srtp_err_status_ok, let created else { throw SRTPError(status: status) }

        self.profile = profile
        self.direction = direction
        self.context = created
    }

    deinit {
        srtp_dealloc(context)
    }

    // MARK: In place (hot path)

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]`,
    /// appending the tag. `buffer` needs `profile.rtpTrailerLength` spare
    /// bytes after the packet. Returns the SRTP packet's length.
    public func protect(rtp buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try check(.outbound, buffer: buffer, length: length,
                  minimum: Self.rtpHeaderLength, trailer: profile.rtpTrailerLength)
        return try run(srtp_protect, buffer: buffer, length: length)
    }

    /// Verifies and decrypts the SRTP packet in `buffer[0..<length]`.
    /// Returns the RTP packet's length; the trailer bytes become garbage.
    public func unprotect(rtp buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try check(.inbound, buffer: buffer, length: length,
                  minimum: Self.rtpHeaderLength + profile.rtpTrailerLength, trailer: 0)
        return try run(srtp_unprotect, buffer: buffer, length: length)
    }

    /// Encrypts and authenticates the compound RTCP packet in
    /// `buffer[0..<length]`, appending the SRTCP index and tag
    /// (`profile.rtcpTrailerLength` bytes). Returns the SRTCP length.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try check(.outbound, buffer: buffer, length: length,
                  minimum: Self.rtcpHeaderLength, trailer: profile.rtcpTrailerLength)
        return try run(srtp_protect_rtcp, buffer: buffer, length: length)
    }

    /// Verifies and decrypts the SRTCP packet in `buffer[0..<length]`.
    /// Returns the RTCP packet's length.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try check(.inbound, buffer: buffer, length: length,
                  minimum: Self.rtcpHeaderLength + profile.rtcpTrailerLength, trailer: 0)
        return try run(srtp_unprotect_rtcp, buffer: buffer, length: length)
    }

    // MARK: Copying conveniences

    /// Returns the SRTP form of `packet` (copies; not for the hot path).
    public func protect(rtp packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        try copying(packet, trailer: profile.rtpTrailerLength) { (buffer, length) throws(SRTPError) in
            try self.protect(rtp: buffer, length: length)
        }
    }

    /// Returns the RTP form of the SRTP `packet` (copies; not for the hot path).
    public func unprotect(rtp packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        try copying(packet, trailer: 0) { (buffer, length) throws(SRTPError) in
            try self.unprotect(rtp: buffer, length: length)
        }
    }

    /// Returns the SRTCP form of `packet` (copies; not for the hot path).
    public func protectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        try copying(packet, trailer: profile.rtcpTrailerLength) { (buffer, length) throws(SRTPError) in
            try self.protectRTCP(buffer, length: length)
        }
    }

    /// Returns the RTCP form of the SRTCP `packet` (copies; not for the hot path).
    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        try copying(packet, trailer: 0) { (buffer, length) throws(SRTPError) in
            try self.unprotectRTCP(buffer, length: length)
        }
    }

    // MARK: Internals

    /// RFC 3550 §5.1: the fixed RTP header.
    static let rtpHeaderLength = 12
    /// RFC 3550 §6.4.1: V/P/RC, PT, length, SSRC of the first RTCP packet.
    static let rtcpHeaderLength = 8

    private typealias Operation = (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> srtp_err_status_t

    /// Validates everything libsrtp would otherwise trust: direction, that
    /// `length` lies inside the buffer, the minimum size, and room for the
    /// trailer libsrtp writes past `length`.
    private func check(_ required: SRTPDirection, buffer: UnsafeMutableRawBufferPointer,
                       length: Int, minimum: Int, trailer: Int) throws(SRTPError) {
        guard direction == required else {
            throw .wrongDirection(session: direction)
        }
        guard length >= minimum else {
            throw .packetTooShort(length: length, minimum: minimum)
        }
        guard length <= Int(Int32.max) - trailer else {
            throw .packetTooLarge(length: length)
        }
        guard buffer.baseAddress != nil, buffer.count >= length + trailer else {
            throw .bufferTooSmall(needed: length + trailer, capacity: buffer.count)
        }
    }

    private func run(_ operation: Operation, buffer: UnsafeMutableRawBufferPointer,
                     length: Int) throws(SRTPError) -> Int {
        var inOut = Int32(length)
        let status = operation(context, buffer.baseAddress, &inOut)
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
        return Int(inOut)
    }

    private func copying(_ packet: [UInt8], trailer: Int,
                         _ body: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int) throws(SRTPError) -> [UInt8] {
        var buffer = packet
        buffer.append(contentsOf: repeatElement(0, count: trailer))
        let result: Result<Int, SRTPError> = buffer.withUnsafeMutableBytes { raw in
            do throws(SRTPError) {
                return .success(try body(raw, packet.count))
            } catch {
                return .failure(error)
            }
        }
        let length = try result.get()
        buffer.removeSubrange(length...)
        return buffer
    }
}

@available(*, unavailable)
extension SRTPSession: Sendable {}
