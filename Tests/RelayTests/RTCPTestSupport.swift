@testable import Relay

/// Runs `body` over every packet of a compound datagram; rethrows the
/// iterator's error.
func forEachRTCPPacket(in bytes: [UInt8], _ body: (RTCPPacket) throws -> Void) throws {
    try bytes.withUnsafeBytes { raw in
        var iterator = RTCPCompoundIterator(raw)
        while let packet = try iterator.next() {
            try body(packet)
        }
    }
}

/// The kinds of every packet in a compound datagram.
func rtcpKinds(_ bytes: [UInt8]) throws -> [RTCPPacketKind] {
    var kinds: [RTCPPacketKind] = []
    try forEachRTCPPacket(in: bytes) { kinds.append($0.kind) }
    return kinds
}

/// Writes a packet with one of the builders into a fresh 1,500-byte buffer.
func buildRTCP(_ write: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: 1500)
    let length = try buffer.withUnsafeMutableBytes { try write($0) }
    return Array(buffer.prefix(length))
}
