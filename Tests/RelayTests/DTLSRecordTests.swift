@testable import Relay
import Testing

/// The record-layer pieces on their own: header parsing (RFC 6347 §4.1), the
/// inbound filter, the outbound packer, and the `a=setup` mapping.
@Suite("DTLS records")
struct DTLSRecordTests {
    /// A record with `fragment` bytes of 0xAB (type handshake unless told).
    private func record(_ length: Int, type: UInt8 = 23, epoch: UInt16 = 1) -> [UInt8] {
        [type, 0xFE, 0xFD, UInt8(epoch >> 8), UInt8(epoch & 0xFF), 0, 0, 0, 0, 0, 5,
         UInt8(length >> 8), UInt8(length & 0xFF)] + [UInt8](repeating: 0xAB, count: length)
    }

    private func parse(_ bytes: [UInt8]) throws(DTLSRecordError) -> DTLSRecordHeader {
        let result: Result<DTLSRecordHeader, DTLSRecordError> = bytes.withUnsafeBytes { raw in
            do throws(DTLSRecordError) { return .success(try DTLSRecordHeader(parsing: raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func filter(_ bytes: [UInt8]) -> DTLSRecordError? {
        bytes.withUnsafeBytes { raw in
            do throws(DTLSRecordError) { try DTLSDatagramFilter.check(raw); return nil } catch { return error }
        }
    }

    private func pack(_ bytes: [UInt8], mtu: Int) -> [[UInt8]] {
        bytes.withUnsafeBytes { DTLSFlightPacker.pack($0, mtu: mtu) }
    }

    @Test func headerFieldsParseRFC6347Layout() throws {
        let bytes: [UInt8] = [22, 0xFE, 0xFD, 0x00, 0x02, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x00, 0x03, 9, 9, 9]
        let header = try parse(bytes)
        #expect(header.contentType == .handshake)
        #expect(header.version == DTLSRecordHeader.dtls12)
        #expect(header.epoch == 2)
        #expect(header.sequenceNumber == 0x0000_0102_0304)
        #expect(header.fragmentLength == 3 && header.recordLength == 16)
    }

    @Test func headerRejectsEachKindOfDamage() {
        #expect(throws: DTLSRecordError.truncatedHeader(available: 12)) { try parse(Array(record(0).prefix(12))) }
        #expect(throws: DTLSRecordError.truncatedRecord(declared: 10, available: 9)) { try parse(Array(record(10).dropLast())) }
        #expect(throws: DTLSRecordError.unknownContentType(24)) { try parse(record(0, type: 24)) }
        var tls = record(0)
        tls[1] = 0x03; tls[2] = 0x03
        #expect(throws: DTLSRecordError.unsupportedVersion(0x0303)) { try parse(tls) }
        var huge = record(0)
        huge[11] = 0xFF; huge[12] = 0xFF
        #expect(throws: DTLSRecordError.fragmentTooLong(length: 0xFFFF)) { try parse(huge) }
    }

    @Test func filterAcceptsARealClientHelloAndEncryptedRecords() throws {
        let client = try DTLSTransport(certificate: try DTLSCertificate(), role: .client, remoteFingerprint: nil)
        let hello = try #require(client.start().first)
        #expect(filter(hello) == nil)
        #expect(filter(record(40) + record(1)) == nil, "two epoch-1 records in one datagram")
    }

    @Test func filterRejectsMalformedPlaintextRecords() {
        #expect(filter([]) == .truncatedHeader(available: 0))
        #expect(filter(record(40) + [22, 0xFE]) == .truncatedHeader(available: 2), "trailing bytes after a record")
        #expect(filter(record(5, type: 23, epoch: 0)) != nil, "application data in epoch 0")
        #expect(filter(record(2, type: 20, epoch: 0)) != nil, "change_cipher_spec is one byte")
        #expect(filter(record(3, type: 21, epoch: 0)) != nil, "an alert is two bytes")
        var alert = record(2, type: 21, epoch: 0)
        alert[13] = 2; alert[14] = 40
        #expect(filter(alert) == nil, "fatal handshake_failure alert")
        #expect(filter(record(11, type: 22, epoch: 0)) != nil, "handshake header cut short")
        // ClientHello claiming 10 bytes of body at offset 5 of an 8-byte message.
        let pastEnd: [UInt8] = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 22,
                                1, 0, 0, 8, 0, 0, 0, 0, 5, 0, 0, 10] + [UInt8](repeating: 0, count: 10)
        #expect(filter(pastEnd) != nil)
    }

    @Test func packerFillsDatagramsWithWholeRecordsUpToTheMTU() throws {
        let records = [record(487), record(487), record(187), record(1187)]  // 500, 500, 200, 1200 bytes
        let datagrams = pack(records.flatMap { $0 }, mtu: 1200)
        try #require(datagrams.map(\.count) == [1200, 1200])
        #expect(datagrams[0] == records[0] + records[1] + records[2])
        #expect(datagrams[1] == records[3])
    }

    @Test func packerStartsANewDatagramRatherThanSplitAnyRecord() {
        let records = [record(687), record(687), record(687)]  // 700 bytes each
        let datagrams = pack(records.flatMap { $0 }, mtu: 1200)
        #expect(datagrams == records)
    }

    @Test func packerSendsAnOversizedRecordAloneAndKeepsUnparsableTailBytes() {
        let big = record(1500)
        let small = record(10)
        #expect(pack(small + big + small, mtu: 1200) == [small, big, small])
        #expect(pack(small + [1, 2, 3], mtu: 1200) == [small, [1, 2, 3]])
        #expect(pack([], mtu: 1200).isEmpty)
    }

    @Test func answererSetupMapsToOurRoleAsActpassOfferer() {
        #expect(DTLSRole(offererWithAnswerSetup: .active) == .server)
        #expect(DTLSRole(offererWithAnswerSetup: .passive) == .client)
        #expect(DTLSRole(offererWithAnswerSetup: .actpass) == nil)
        #expect(DTLSRole(offererWithAnswerSetup: .holdconn) == nil)
        #expect(DTLSRole.client.setup == .active && DTLSRole.server.setup == .passive)
        #expect(DTLSSetup(rawValue: "actpass") == .actpass && DTLSSetup(rawValue: "ACTIVE") == nil)
    }

    @Test func unusableConfigurationsAreRejectedWithAReason() throws {
        let certificate = try DTLSCertificate()
        let bad = [
            DTLSConfiguration(srtpProfiles: []),
            DTLSConfiguration(srtpProfiles: [.aeadAES128GCM, .aeadAES128GCM]),
            DTLSConfiguration(mtu: 200),
            DTLSConfiguration(initialRetransmissionTimeout: .seconds(61)),
        ]
        for configuration in bad {
            #expect {
                _ = try DTLSContext(certificate: certificate, configuration: configuration)
            } throws: { error in
                guard case let .invalidConfiguration(reason)? = error as? DTLSError else { return false }
                return !reason.isEmpty
            }
        }
    }
}
