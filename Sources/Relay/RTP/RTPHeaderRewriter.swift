/// In-place writes to the fixed RTP header in a per-receiver buffer.
///
/// The bridge forwards one stream to many receivers; when a receiver needs a
/// different SSRC, sequence number, timestamp or payload type (SSRC rewriting
/// on simulcast switches, sequence gaps hidden after a layer change) the
/// packet is copied once into that receiver's send buffer and these setters
/// patch it there, before SRTP protection. They touch only octets 1–11 and
/// allocate nothing.
///
/// Concurrency: borrows the caller's mutable buffer; use it on the thread
/// that owns the buffer.
public struct RTPHeaderRewriter {
    public let bytes: UnsafeMutableRawBufferPointer

    /// Wraps `bytes`, which must hold at least a fixed RTP header of version 2.
    public init(_ bytes: UnsafeMutableRawBufferPointer) throws(RTPError) {
        guard bytes.count >= RTPPacket.fixedHeaderLength else {
            throw .truncated(length: bytes.count, needed: RTPPacket.fixedHeaderLength)
        }
        let version = bytes[0] >> 6
        guard version == 2 else { throw .unsupportedVersion(version) }
        self.bytes = bytes
    }

    public func setSSRC(_ ssrc: UInt32) {
        bytes.storeBigEndian(ssrc, at: 8)
    }

    public func setSequenceNumber(_ sequenceNumber: UInt16) {
        bytes.storeBigEndian(sequenceNumber, at: 2)
    }

    public func setTimestamp(_ timestamp: UInt32) {
        bytes.storeBigEndian(timestamp, at: 4)
    }

    /// Replaces the 7-bit payload type and keeps the marker bit.
    public func setPayloadType(_ payloadType: UInt8) {
        bytes[1] = (bytes[1] & 0x80) | (payloadType & 0x7F)
    }

    public func setMarker(_ marker: Bool) {
        bytes[1] = marker ? bytes[1] | 0x80 : bytes[1] & 0x7F
    }
}

@available(*, unavailable, message: "an RTPHeaderRewriter borrows its buffer")
extension RTPHeaderRewriter: Sendable {}
