/// The second octet of every datagram on the cascade port: what follows.
///
/// The first octet is always the version (`SealHeader.version`). Data and
/// confirm messages are sealed envelopes (`SealHeader`); hello and hello-ack
/// are the handshake (`HandshakeHello`, `HandshakeHelloAck`), authenticated
/// with keys derived from the two bridges' static cascade keys.
public enum SealMessageType: UInt8, Sendable, CaseIterable {
    /// A sealed payload for the layer above (a cascade frame).
    case data = 1
    /// A sealed empty message that proves the sender holds a new session's
    /// keys. The responder of a handshake switches to the new session when the
    /// first sealed message (confirm or data) opens under it, and echoes a
    /// confirm so the initiator knows the switch happened.
    case confirm = 2
    /// Handshake, initiator → responder.
    case hello = 3
    /// Handshake, responder → initiator.
    case helloAck = 4
}
