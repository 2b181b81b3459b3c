@testable import Relay
import Testing

/// Meridian's client role and server role wired back to back in process:
/// every datagram one returns is (unless `shouldDeliver` drops it) handed to
/// the other, and every datagram is checked against the MTU on the way.
final class DTLSLoopback {
    let clientCertificate: DTLSCertificate
    let serverCertificate: DTLSCertificate
    let client: DTLSTransport
    let server: DTLSTransport
    /// Each batch one side returned from one call, in order.
    private(set) var log: [(from: DTLSRole, datagrams: [[UInt8]])] = []
    /// Return false to drop a datagram (loss injection); called for every datagram.
    var shouldDeliver: (_ from: DTLSRole, _ datagram: [UInt8]) -> Bool = { _, _ in true }
    private var toServer: [[UInt8]] = []
    private var toClient: [[UInt8]] = []

    /// Fresh certificates for both sides; each side knows the other's
    /// fingerprint unless told otherwise.
    init(client clientConfiguration: DTLSConfiguration = DTLSConfiguration(),
         server serverConfiguration: DTLSConfiguration = DTLSConfiguration(),
         clientKnowsServerFingerprint: Bool = true,
         serverKnowsClientFingerprint: Bool = true) throws {
        clientCertificate = try DTLSCertificate()
        serverCertificate = try DTLSCertificate()
        client = try DTLSTransport(certificate: clientCertificate, role: .client,
                                   remoteFingerprint: clientKnowsServerFingerprint ? serverCertificate.fingerprint : nil,
                                   configuration: clientConfiguration)
        server = try DTLSTransport(certificate: serverCertificate, role: .server,
                                   remoteFingerprint: serverKnowsClientFingerprint ? clientCertificate.fingerprint : nil,
                                   configuration: serverConfiguration)
    }

    /// Every datagram either side produced.
    var allDatagrams: [[UInt8]] { log.flatMap(\.datagrams) }

    /// Queues what `from` returned for the other side.
    func send(from: DTLSRole, _ datagrams: [[UInt8]]) {
        guard !datagrams.isEmpty else { return }
        log.append((from, datagrams))
        let mtu = (from == .client ? client : server).configuration.mtu
        for datagram in datagrams {
            #expect(datagram.count <= mtu, "\(from) sent a \(datagram.count)-byte datagram over the \(mtu)-byte MTU")
            guard shouldDeliver(from, datagram) else { continue }
            if from == .client { toServer.append(datagram) } else { toClient.append(datagram) }
        }
    }

    func start() {
        send(from: .client, client.start())
    }

    /// Delivers queued datagrams until nothing is in flight.
    func pump() {
        var rounds = 0
        while !(toServer.isEmpty && toClient.isEmpty) && rounds < 100 {
            let forServer = toServer
            toServer = []
            for datagram in forServer { send(from: .server, server.receive(datagram)) }
            let forClient = toClient
            toClient = []
            for datagram in forClient { send(from: .client, client.receive(datagram)) }
            rounds += 1
        }
    }

    /// Sleeps until the earlier retransmission deadline, then lets both sides
    /// handle their timers. Returns false when neither side has one.
    func fireTimers() async throws -> Bool {
        guard let deadline = [client.nextTimeout, server.nextTimeout].compactMap({ $0 }).min() else {
            return false
        }
        try await ContinuousClock().sleep(until: deadline + .milliseconds(20))
        send(from: .client, client.handleTimeout())
        send(from: .server, server.handleTimeout())
        return true
    }

    /// Starts the client and exchanges flights, firing retransmission timers
    /// when traffic stops, until both sides settle or `maximumTimeouts` pass.
    func run(maximumTimeouts: Int = 6) async throws {
        start()
        pump()
        var timeouts = 0
        while !settled && timeouts < maximumTimeouts {
            guard try await fireTimers() else { break }
            pump()
            timeouts += 1
        }
    }

    /// Neither side is still waiting for flights.
    var settled: Bool {
        [client.state, server.state].allSatisfy { state in
            switch state {
            case .new, .handshaking: false
            case .connected, .failed, .closed: true
            }
        }
    }
}

/// SplitMix64: a seeded generator, so garbage inputs are the same every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The DTLS records in a datagram, as (content type, fragment) pairs.
func dtlsRecords(in datagram: [UInt8]) throws -> [(type: DTLSContentType, epoch: UInt16, fragment: ArraySlice<UInt8>)] {
    var records: [(type: DTLSContentType, epoch: UInt16, fragment: ArraySlice<UInt8>)] = []
    var offset = 0
    while offset < datagram.count {
        let header = try datagram[offset...].withUnsafeBytes { try DTLSRecordHeader(parsing: $0) }
        let start = offset + DTLSRecordHeader.length
        records.append((header.contentType, header.epoch, datagram[start ..< start + header.fragmentLength]))
        offset += header.recordLength
    }
    return records
}
