import Control
@testable import Relay

/// A participant without ICE or DTLS: a UDP socket and SRTP keys shared with
/// its bridge. Sends RTP with its own SSRCs; counts what it receives per
/// announced SSRC, with duplicates, after real SRTP unprotection.
final class SyntheticParticipant {
    let name: String
    let bridge: String
    let socket: UDPSocket
    let bridgeKeys: SRTPKeyingMaterial
    private let outbound: SRTPSession
    private let inbound: SRTPSession
    /// Own SSRCs (audio, video) and the announced ones everyone else sees.
    let ssrcs: [UInt32]
    let announced: [UInt32]
    private var sequence: UInt16 = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
    private let batch = DatagramBatch(capacity: 32)
    private let sendBatch = DatagramBatch(capacity: 4)
    /// Announced SSRC → sequence numbers received (a repeat is a duplicate).
    private(set) var received: [UInt32: Set<UInt16>] = [:]
    private(set) var duplicates = 0
    private(set) var sent = 0

    init(name: String, bridge: String, index: Int, bridgeAddress: PeerAddress) throws {
        self.name = name
        self.bridge = bridge
        self.bridgeAddress = bridgeAddress
        socket = try UDPSocket(bind: PeerAddress("127.0.0.1:0")!)
        var generator = SystemRandomNumberGenerator()
        let profile = SRTPProfile.aeadAES128GCM
        let exported = (0..<profile.keyingMaterialLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bridgeKeys = try SRTPKeyingMaterial(exported: exported, profile: profile, role: .server)
        let own = try SRTPKeyingMaterial(exported: exported, profile: profile, role: .client)
        outbound = try own.makeOutboundSession()
        inbound = try own.makeInboundSession()
        ssrcs = [0x1000_0000 + UInt32(index) * 2, 0x1000_0001 + UInt32(index) * 2]
        announced = [0x2000_0000 + UInt32(index) * 2, 0x2000_0001 + UInt32(index) * 2]
    }

    deinit { buffer.deallocate() }

    var address: PeerAddress { socket.localAddress }
    /// The media address of its bridge.
    let bridgeAddress: PeerAddress

    var sources: [Source] {
        [Source(kind: .audio, ssrc: ssrcs[0], announcedSSRC: announced[0]),
         Source(kind: .video, ssrc: ssrcs[1], announcedSSRC: announced[1])]
    }

    /// One audio (Opus PT 111) and one video (VP8 PT 96) packet.
    func sendRound() {
        let target = bridgeAddress
        for (ssrc, payloadType, size) in [(ssrcs[0], UInt8(111), 160), (ssrcs[1], UInt8(96), 1_000)] {
            _ = buffer.initializeMemory(as: UInt8.self, repeating: 0xAB)
            buffer[0] = 0x80
            buffer[1] = payloadType
            buffer.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
            buffer.storeBytes(of: (UInt32(sequence) * 960).bigEndian, toByteOffset: 4, as: UInt32.self)
            buffer.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
            guard let length = try? outbound.protect(rtp: buffer, length: size) else { continue }
            sendBatch.nextSlot().baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: length)
            sendBatch.commit(length: length, to: target, family: socket.family)
            _ = socket.send(sendBatch)
        }
        sequence &+= 1
        sent += 1
    }

    /// Sends an RTCP NACK (RFC 4585) for `lost` of the announced stream `ssrc`.
    func sendNACK(mediaSSRC: UInt32, lost: [UInt16]) throws {
        let target = bridgeAddress
        let length = try RTCPGenericNACK.write(senderSSRC: ssrcs[0], mediaSSRC: mediaSSRC, lost: lost, to: buffer)
        let protected = try outbound.protectRTCP(buffer, length: length)
        sendBatch.nextSlot().baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: protected)
        sendBatch.commit(length: protected, to: target, family: socket.family)
        _ = socket.send(sendBatch)
    }

    /// Reads and unprotects everything waiting; RTCP is ignored.
    /// Returns how many datagrams it read.
    @discardableResult
    func drain() -> Int {
        var total = 0
        while true {
            let count = socket.receive(into: batch)
            guard count > 0 else { return total }
            total += count
            for index in 0..<count {
                let slot = batch.slot(index)
                let length = batch.length(index)
                guard length >= 12, slot[1] & 0x7F < 64 || slot[1] & 0x7F > 95 else { continue }
                guard let plain = try? inbound.unprotect(rtp: slot, length: length), plain >= 12 else { continue }
                let ssrc = slot.load(fromByteOffset: 8, as: UInt32.self).bigEndian
                let sequenceNumber = slot.load(fromByteOffset: 2, as: UInt16.self).bigEndian
                if received[ssrc, default: []].insert(sequenceNumber).inserted == false { duplicates += 1 }
            }
        }
    }

    func receivedCount(from other: SyntheticParticipant) -> [Int] {
        other.announced.map { received[$0]?.count ?? 0 }
    }
}
