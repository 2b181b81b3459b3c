// libFuzzer target for the STUN parser, encoder and ICE-lite responder.
// Built by Fuzz/run.sh together with Sources/Relay/STUN and the RFC 7983
// demultiplexer; see Fuzz/README.md.

private let credentials = ICECredentials(ufrag: "fuzz", password: "fuzzFuzzFuzzFuzzFuzzFuzz")
private let key = STUNMessageIntegrity.shortTermKey(password: credentials.password)
private let responder = ICELiteResponder(local: credentials)
private let source = TransportAddress(ip: [192, 0, 2, 1], port: 9)!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTUN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let datagram = UnsafeRawBufferPointer(start: data, count: size)
    _ = DatagramKind(classifying: datagram)
    guard let message = try? STUNMessage(parsing: datagram) else { return 0 }

    // Every accessor on whatever the parser accepted.
    _ = (message.username, message.software, message.priority, message.useCandidate)
    _ = (message.iceControlling, message.iceControlled, message.errorCode, message.unknownAttributes)
    _ = message.xorMappedAddress
    _ = ICELiteResponder.localUfrag(of: message)
    _ = message.verifyMessageIntegrity(key: key)
    _ = message.verifyFingerprint()
    _ = responder.respond(to: message, from: source)

    // Round trip: what was accepted re-encodes, with integrity and
    // fingerprint, into a message that parses to the same content and
    // verifies. The signed copy also drives the responder past
    // authentication with fuzzer-chosen attributes.
    guard let signed = try? message.encoded(messageIntegrityKey: key, fingerprint: true) else { return 0 }
    guard let again = try? STUNMessage(parsing: signed) else { fatalError("re-encoded STUN message does not parse") }
    guard again.type == message.type, again.transactionID == message.transactionID,
          again.attributes == message.attributes,
          again.verifyMessageIntegrity(key: key), again.verifyFingerprint() else {
        fatalError("STUN round trip changed the message")
    }
    let outcome = responder.respond(toDatagram: signed, from: source)
    if let response = outcome.response {
        guard let parsed = try? STUNMessage(parsing: response), parsed.verifyFingerprint() else {
            fatalError("ICE-lite response does not parse")
        }
    }
    return 0
}
