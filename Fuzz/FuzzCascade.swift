// libFuzzer target for the inter-bridge frame header and the link-message
// bodies. Built by Fuzz/run.sh with Sources/Cascade/Frames/*.swift.

// libFuzzer calls the target from one thread only.
nonisolated(unsafe) private var scratch = [UInt8](repeating: 0, count: 4096)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCascade(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let frame = UnsafeRawBufferPointer(start: data, count: size)
    // Every reader on the whole input too: bodies come from peers as well.
    readBodies(frame)
    guard let header = try? CascadeFrame(parsing: frame) else { return 0 }

    guard header.conference.lowerBound == CascadeFrame.fixedHeaderSize,
          header.conference.upperBound == header.origin.lowerBound,
          header.origin.upperBound == header.source.lowerBound,
          header.source.upperBound == header.body.lowerBound,
          header.body.lowerBound <= header.body.upperBound, header.body.upperBound == size else {
        fatalError("cascade frame ranges out of order or outside the frame")
    }
    let conference = CascadeFrame.name(header.conference, in: frame)
    let origin = CascadeFrame.name(header.origin, in: frame)
    let source = CascadeFrame.name(header.source, in: frame)
    // A name that decoded without replacement compares equal to its own octets.
    if String(validating: Array(frame[header.conference]), as: UTF8.self) != nil,
       !CascadeFrame.name(header.conference, in: frame, equals: conference) {
        fatalError("a frame's conference name does not equal itself")
    }
    if CascadeFrame.name(header.origin, in: frame, equals: "fra-1") != (origin == "fra-1" && header.origin.count == 5) {
        fatalError("name comparison disagrees with the decoded name")
    }
    readBodies(UnsafeRawBufferPointer(rebasing: frame[header.body]))

    // Names that were valid UTF-8 survive a rewrite byte for byte.
    let names = [header.conference, header.origin, header.source].map { Array(frame[$0]) }
    guard names.map({ String(validating: $0, as: UTF8.self) }).allSatisfy({ $0 != nil }) else { return 0 }
    let length = scratch.withUnsafeMutableBytes {
        CascadeFrame.writeHeader(header.kind, hops: header.hops, flags: header.flags, mediaKind: header.mediaKind,
                                 conference: conference, origin: origin, source: source, into: $0)
    }
    guard let length, length == header.body.lowerBound,
          scratch.prefix(length).elementsEqual(frame.prefix(length)) else {
        fatalError("cascade frame header does not rewrite to the same bytes")
    }
    return 0
}

/// Every link-message reader; whatever reads is written again and must read
/// back to the same value and the same bytes.
private func readBodies(_ body: UnsafeRawBufferPointer) {
    if let chunk = try? LinkMessage.readInterest(body) {
        rewrite(body) { LinkMessage.writeInterest(chunk, into: $0) }
        // A chunk that is a whole set assembles to exactly its SSRCs at once.
        var assembly = InterestAssembly()
        let assembled = assembly.add(chunk)
        if chunk.offset == 0, chunk.ssrcs.count == chunk.total, assembled != Set(chunk.ssrcs) {
            fatalError("a one-chunk interest set did not assemble to its SSRCs")
        }
    }
    if let ssrc = try? LinkMessage.readSSRC(body) {
        rewrite(body) { LinkMessage.writeSSRC(ssrc, into: $0) }
    }
    if let nack = try? LinkMessage.readNACK(body) {
        rewrite(body) { LinkMessage.writeNACK(ssrc: nack.ssrc, sequenceNumbers: nack.sequenceNumbers, into: $0) }
    }
    for kind in [CascadeFrame.Kind.ping, .pong] {
        if let token = try? LinkMessage.readToken(body, kind: kind) {
            rewrite(body) { LinkMessage.writeToken(token, into: $0) }
        }
    }
}

private func rewrite(_ body: UnsafeRawBufferPointer, _ write: (UnsafeMutableRawBufferPointer) -> Int?) {
    let length = scratch.withUnsafeMutableBytes { write($0) }
    guard length == body.count, scratch.prefix(body.count).elementsEqual(body) else {
        fatalError("link message body does not rewrite to the same bytes")
    }
}
