// libFuzzer target for the RTP parser, RFC 8285 extension walk and header
// rewriter. Built by Fuzz/run.sh with Sources/Relay/RTP/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    _ = DatagramKind(classifying: datagram)
    guard let packet = try? RTPPacket(parsing: datagram) else { return 0 }

    guard packet.headerLength <= size, packet.payloadRange.lowerBound == packet.headerLength,
          packet.payloadRange.upperBound <= size else {
        fatalError("RTP offsets outside the datagram")
    }
    for index in 0 ..< packet.csrcCount { _ = packet.csrc(at: index) }
    if let data = packet.extensionDataRange {
        for element in packet.headerExtensions {
            guard element.range.lowerBound >= data.lowerBound, element.range.upperBound <= data.upperBound else {
                fatalError("RTP extension element outside the extension block")
            }
            _ = packet.extensionValue(id: element.id)
        }
    }
    for id in [UInt8(1), 2, 3, 14, 15, 200] {
        _ = packet.audioLevel(id: id)
        _ = packet.mid(id: id)
    }

    // Rewrite a copy and check that exactly the rewritten fields changed.
    var copy = Array(datagram)
    copy.withUnsafeMutableBytes { buffer in
        guard let rewriter = try? RTPHeaderRewriter(buffer) else { fatalError("a parsed packet must be rewritable") }
        rewriter.setSSRC(~packet.ssrc)
        rewriter.setSequenceNumber(packet.sequenceNumber &+ 1)
        rewriter.setTimestamp(packet.timestamp &+ 960)
        rewriter.setPayloadType(packet.payloadType ^ 0x01)
        guard let rewritten = try? RTPPacket(parsing: UnsafeRawBufferPointer(buffer)),
              rewritten.ssrc == ~packet.ssrc, rewritten.sequenceNumber == packet.sequenceNumber &+ 1,
              rewritten.timestamp == packet.timestamp &+ 960, rewritten.payloadType == packet.payloadType ^ 0x01,
              rewritten.marker == packet.marker, rewritten.headerLength == packet.headerLength,
              rewritten.payloadRange == packet.payloadRange else {
            fatalError("RTP header rewrite changed more than the rewritten fields")
        }
    }
    return 0
}
