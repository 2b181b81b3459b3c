// libFuzzer target for compound RTCP: the iterator, every typed view, and
// the builders (whatever parses is rebuilt and parsed again). Built by
// Fuzz/run.sh with Sources/Relay/RTP/*.swift and Sources/Relay/RTP/RTCP/*.swift.

// libFuzzer calls the target from one thread only.
nonisolated(unsafe) private var scratch = [UInt8](repeating: 0, count: 1 << 17)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTCP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    _ = DatagramKind(classifying: datagram)
    var iterator = RTCPCompoundIterator(datagram)
    while true {
        let next: RTCPPacket?
        do { next = try iterator.next() } catch { break }
        guard let packet = next else { break }
        guard packet.range.upperBound <= size, packet.bytes.count <= packet.range.count else {
            fatalError("RTCP packet outside the datagram")
        }
        check(packet)
    }
    return 0
}

private func check(_ packet: RTCPPacket) {
    if let report = try? RTCPSenderReport(packet) {
        let blocks = Array(report.reportBlocks)
        rebuild({ try RTCPSenderReport.write(ssrc: report.ssrc, senderInfo: report.senderInfo, reportBlocks: blocks, to: $0) }) {
            guard let again = try? RTCPSenderReport($0), again.senderInfo == report.senderInfo,
                  Array(again.reportBlocks) == blocks else { fatalError("SR round trip") }
        }
    }
    if let report = try? RTCPReceiverReport(packet) {
        let blocks = Array(report.reportBlocks)
        rebuild({ try RTCPReceiverReport.write(ssrc: report.ssrc, reportBlocks: blocks, to: $0) }) {
            guard let again = try? RTCPReceiverReport($0), again.ssrc == report.ssrc,
                  Array(again.reportBlocks) == blocks else { fatalError("RR round trip") }
        }
    }
    if let bye = try? RTCPGoodbye(packet) {
        _ = (Array(bye.ssrcs), bye.reason.map(Array.init))
    }
    if let feedback = try? RTCPFeedback(packet) {
        _ = (feedback.senderSSRC, feedback.mediaSSRC, feedback.fci.count)
    }
    if let pli = try? RTCPPictureLossIndication.read(packet) {
        rebuild({ try RTCPPictureLossIndication.write(senderSSRC: pli.senderSSRC, mediaSSRC: pli.mediaSSRC, to: $0) }) {
            guard let again = try? RTCPPictureLossIndication.read($0), again == pli else { fatalError("PLI round trip") }
        }
    }
    if let nack = try? RTCPGenericNACK(packet) {
        let lost = Array(nack.lostSequenceNumbers)
        guard lost.count <= 17 * nack.entries.count else { fatalError("NACK expanded to too many numbers") }
        if !lost.isEmpty {
            rebuild({ try RTCPGenericNACK.write(senderSSRC: nack.senderSSRC, mediaSSRC: nack.mediaSSRC, lost: lost, to: $0) }) {
                guard let again = try? RTCPGenericNACK($0), Set(again.lostSequenceNumbers) == Set(lost) else {
                    fatalError("NACK round trip lost or invented sequence numbers")
                }
            }
        }
    }
    if let fir = try? RTCPFullIntraRequest(packet) {
        let entries = Array(fir.entries)
        if !entries.isEmpty {
            rebuild({ try RTCPFullIntraRequest.write(senderSSRC: fir.senderSSRC, entries: entries, to: $0) }) {
                guard let again = try? RTCPFullIntraRequest($0), Array(again.entries) == entries else {
                    fatalError("FIR round trip")
                }
            }
        }
    }
}

/// Writes with a builder into the scratch buffer and hands the single
/// packet it produced to `verify`.
private func rebuild(_ write: (UnsafeMutableRawBufferPointer) throws -> Int,
                     verify: (RTCPPacket) -> Void) {
    scratch.withUnsafeMutableBytes { buffer in
        guard let length = try? write(buffer) else { return }
        var iterator = RTCPCompoundIterator(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<length]))
        guard let packet = try? iterator.next() else { fatalError("built RTCP does not parse") }
        verify(packet)
    }
}
