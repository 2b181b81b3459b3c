/// The last packets of one video source, kept in plaintext so that a NACK from
/// any receiver is answered by the bridge instead of travelling to the sender
/// (RFC 4585 §6.2.1; DESIGN §5: NACKs are answered hop by hop).
///
/// A ring indexed by sequence number: slot `seq % capacity` holds the packet
/// with that sequence number until a newer one overwrites it. The storage is
/// allocated once, so storing and looking up never allocate.
///
/// Single-threaded: owned by the media thread.
final class RetransmissionCache {
    /// 512 packets ≈ 1.5 s of 2.5 Mbit/s video at 1,200-byte packets: longer
    /// than any NACK round trip the receiver would still wait for.
    static let defaultCapacity = 512
    static let maximumPacketSize = 1500

    let capacity: Int
    private let storage: UnsafeMutableRawPointer
    private var sequenceNumbers: [UInt16]
    private var lengths: [Int]

    init(capacity: Int = RetransmissionCache.defaultCapacity) {
        self.capacity = capacity
        storage = .allocate(byteCount: capacity * Self.maximumPacketSize, alignment: 16)
        sequenceNumbers = [UInt16](repeating: 0, count: capacity)
        lengths = [Int](repeating: 0, count: capacity)
    }

    deinit { storage.deallocate() }

    /// Keeps a copy of a plaintext RTP packet; packets larger than a slot are
    /// not kept (they cannot come from a WebRTC sender).
    func store(_ packet: UnsafeRawBufferPointer, sequenceNumber: UInt16) {
        guard packet.count <= Self.maximumPacketSize, let base = packet.baseAddress else { return }
        let index = Int(sequenceNumber) % capacity
        (storage + index * Self.maximumPacketSize).copyMemory(from: base, byteCount: packet.count)
        sequenceNumbers[index] = sequenceNumber
        lengths[index] = packet.count
    }

    /// The cached packet with this sequence number, if still there. The view
    /// is valid until the next `store`.
    func packet(sequenceNumber: UInt16) -> UnsafeRawBufferPointer? {
        let index = Int(sequenceNumber) % capacity
        guard lengths[index] > 0, sequenceNumbers[index] == sequenceNumber else { return nil }
        return UnsafeRawBufferPointer(start: storage + index * Self.maximumPacketSize, count: lengths[index])
    }
}
