/// Cuts what OpenSSL wrote into its memory BIO into UDP datagrams.
///
/// OpenSSL writes each DTLS record with its own `BIO_write`, fragmenting
/// handshake messages so that every record fits the MTU; a memory BIO then
/// concatenates those writes, so the record boundaries survive only in the
/// record headers. Sending the whole buffer as one datagram would exceed the
/// MTU as soon as a flight is larger than it (IP fragmentation, which many
/// paths drop); sending one record per datagram would multiply the packets of
/// a flight. So this packs whole records, in order, into as few datagrams of
/// at most `mtu` bytes as possible (RFC 6347 §4.1.1 allows several records
/// per datagram, never one record across two).
///
/// The input is OpenSSL's own output, so malformed framing means an OpenSSL
/// bug rather than an attack; bytes that do not parse as records are still
/// sent, as one final datagram, rather than silently lost.
enum DTLSFlightPacker {
    /// Packs `bytes` (one or more back-to-back DTLS records) into datagrams.
    /// A single record larger than `mtu` travels alone in its own datagram.
    static func pack(_ bytes: UnsafeRawBufferPointer, mtu: Int) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            guard let header = try? DTLSRecordHeader(parsing: rest) else {
                if !current.isEmpty { datagrams.append(current) }
                current = Array(rest)
                offset = bytes.count
                break
            }
            let record = rest[..<header.recordLength]
            if !current.isEmpty && current.count + record.count > mtu {
                datagrams.append(current)
                current = []
            }
            current.append(contentsOf: record)
            offset += header.recordLength
        }
        if !current.isEmpty { datagrams.append(current) }
        return datagrams
    }
}
