/// One generic NACK FCI entry (RFC 4585 §6.2.1): a lost packet and a bitmask
/// of lost packets among the 16 that follow it.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            PID                |             BLP               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Bit i of BLP (least significant = 0) set means PID + i + 1 is lost too;
/// sequence numbers wrap at 2^16.
public struct RTCPNACKEntry: Sendable, Equatable, Hashable, Sequence {
    public var packetID: UInt16
    public var lostBitmask: UInt16

    public init(packetID: UInt16, lostBitmask: UInt16) {
        self.packetID = packetID
        self.lostBitmask = lostBitmask
    }

    /// The lost sequence numbers this entry names, PID first, ascending
    /// (modulo 2^16).
    public func makeIterator() -> Iterator {
        Iterator(entry: self)
    }

    public struct Iterator: IteratorProtocol {
        let entry: RTCPNACKEntry
        /// -1 before PID is returned, then the next BLP bit to look at.
        var bit = -1

        init(entry: RTCPNACKEntry) {
            self.entry = entry
        }

        public mutating func next() -> UInt16? {
            if bit < 0 {
                bit = 0
                return entry.packetID
            }
            while bit < 16 {
                let current = bit
                bit += 1
                if entry.lostBitmask & (1 << current) != 0 {
                    return entry.packetID &+ UInt16(current + 1)
                }
            }
            return nil
        }
    }
}

/// A generic NACK (RFC 4585 §6.2.1, PT 205 FMT 1): the receiver asks for
/// these packets of `mediaSSRC` again. The bridge answers from its
/// retransmission cache and does not forward the NACK upstream.
public struct RTCPGenericNACK {
    public let senderSSRC: UInt32
    public let mediaSSRC: UInt32
    public let entries: Entries

    /// Reads a generic NACK; a trailing partial entry is ignored.
    public init(_ packet: RTCPPacket) throws(RTCPError) {
        guard packet.kind == .genericNACK else {
            throw .wrongPacketKind(expected: .genericNACK, actual: packet.kind)
        }
        let feedback = try RTCPFeedback(packet)
        senderSSRC = feedback.senderSSRC
        mediaSSRC = feedback.mediaSSRC
        entries = Entries(fci: feedback.fci)
    }

    /// Every lost sequence number, entry by entry, without allocating.
    public var lostSequenceNumbers: FlattenSequence<Entries> {
        entries.joined()
    }

    /// The FCI entries, read on access.
    public struct Entries: RandomAccessCollection {
        let fci: UnsafeRawBufferPointer
        public let startIndex = 0
        public let endIndex: Int

        init(fci: UnsafeRawBufferPointer) {
            self.fci = fci
            self.endIndex = fci.count / 4
        }

        public subscript(position: Int) -> RTCPNACKEntry {
            precondition(indices.contains(position), "NACK entry index out of range")
            return RTCPNACKEntry(packetID: fci.bigEndianUInt16(at: 4 * position),
                                 lostBitmask: fci.bigEndianUInt16(at: 4 * position + 2))
        }
    }

    /// How many FCI entries `write` packs `lost` into.
    public static func entryCount(packing lost: [UInt16]) -> Int {
        var count = 0
        pack(lost) { _ in count += 1 }
        return count
    }

    /// Bytes of a NACK for `lost`.
    public static func encodedSize(packing lost: [UInt16]) -> Int {
        RTCPFeedback.headerLength + 4 * entryCount(packing: lost)
    }

    /// Writes a generic NACK for `lost` at the start of `buffer`; returns its
    /// length.
    ///
    /// Sequence numbers are packed in the order given: one within 16 after
    /// the current entry's PID joins its bitmask, a repeat of the PID is
    /// dropped, anything else starts a new entry. Pass them in ascending RTP
    /// order (as a loss detector finds them) for the fewest entries.
    ///
    /// - Throws: `.nothingToWrite` for an empty list, `.bufferTooSmall`.
    public static func write(senderSSRC: UInt32, mediaSSRC: UInt32, lost: [UInt16],
                             to buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        let entryCount = entryCount(packing: lost)
        guard entryCount > 0 else { throw .nothingToWrite(what: "lost sequence number") }
        let length = try RTCPFeedback.begin(buffer, format: 1, packetType: RTCPPacketKind.transportFeedbackType,
                                            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, fciLength: 4 * entryCount)
        var offset = RTCPFeedback.headerLength
        pack(lost) { entry in
            buffer.storeBigEndian(entry.packetID, at: offset)
            buffer.storeBigEndian(entry.lostBitmask, at: offset + 2)
            offset += 4
        }
        return length
    }

    /// The packing rule shared by `entryCount` and `write`.
    private static func pack(_ lost: [UInt16], emit: (RTCPNACKEntry) -> Void) {
        var current: RTCPNACKEntry?
        for sequenceNumber in lost {
            if var entry = current {
                let distance = sequenceNumber &- entry.packetID
                if distance == 0 { continue }
                if distance <= 16 {
                    entry.lostBitmask |= 1 << (distance - 1)
                    current = entry
                    continue
                }
                emit(entry)
            }
            current = RTCPNACKEntry(packetID: sequenceNumber, lostBitmask: 0)
        }
        if let current { emit(current) }
    }
}

@available(*, unavailable, message: "an RTCPGenericNACK borrows its datagram's buffer")
extension RTCPGenericNACK: Sendable {}
