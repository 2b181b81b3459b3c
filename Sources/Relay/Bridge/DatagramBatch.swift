import CSocket
#if canImport(Glibc)
import Glibc
#endif

/// Preallocated storage for a batch of datagrams: one slab of fixed-size
/// slots, with the `iovec`, `msghdr` and `sockaddr_storage` arrays the kernel
/// fills or reads in one `recvmmsg`/`sendmmsg` call. Allocated once per
/// socket; the media path then reuses it for every packet.
///
/// Single-threaded: owned by the media thread.
final class DatagramBatch {
    /// Room for a 1,500-byte datagram plus the SRTP/SRTCP trailer protect adds.
    static let slotSize = 2048

    let capacity: Int
    private let slab: UnsafeMutableRawPointer
    private let iovecs: UnsafeMutablePointer<iovec>
    let headers: UnsafeMutablePointer<CSocket_mmsghdr>
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    /// Slots in use (for a send batch), or filled by the last receive.
    var count = 0
    /// Bytes of each slot's datagram.
    private let lengths: UnsafeMutablePointer<Int>

    init(capacity: Int) {
        self.capacity = capacity
        slab = .allocate(byteCount: capacity * Self.slotSize, alignment: 16)
        iovecs = .allocate(capacity: capacity)
        headers = .allocate(capacity: capacity)
        addresses = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        addresses.initialize(repeating: sockaddr_storage(), count: capacity)
        for i in 0..<capacity {
            iovecs[i] = iovec(iov_base: slab + i * Self.slotSize, iov_len: Self.slotSize)
            var header = CSocket_mmsghdr()
            header.msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + i)
            header.msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            header.msg_hdr.msg_iov = iovecs + i
            header.msg_hdr.msg_iovlen = 1
            headers[i] = header
        }
    }

    deinit {
        slab.deallocate()
        iovecs.deallocate()
        headers.deallocate()
        addresses.deallocate()
        lengths.deallocate()
    }

    /// The whole slot `index` (for writing a datagram into it).
    func slot(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: slab + index * Self.slotSize, count: Self.slotSize)
    }

    func length(_ index: Int) -> Int { lengths[index] }

    func address(_ index: Int) -> UnsafePointer<sockaddr_storage> { UnsafePointer(addresses + index) }

    // MARK: Receiving

    /// Resets every header so the kernel may fill all slots.
    func prepareForReceive() {
        for i in 0..<capacity {
            iovecs[i].iov_len = Self.slotSize
            headers[i].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            headers[i].msg_len = 0
        }
        count = 0
    }

    /// Records the lengths after `recvmmsg` filled `received` slots.
    func didReceive(_ received: Int) {
        count = received
        for i in 0..<received { lengths[i] = Int(headers[i].msg_len) }
    }

    // MARK: Sending

    var isFull: Bool { count == capacity }

    /// Claims the next free slot; the caller writes the datagram into it and
    /// calls `commit`.
    func nextSlot() -> UnsafeMutableRawBufferPointer { slot(count) }

    /// Finishes the slot returned by `nextSlot`: `length` bytes to `peer`.
    func commit(length: Int, to peer: PeerAddress, family: Int32) {
        let index = count
        lengths[index] = length
        iovecs[index].iov_len = length
        headers[index].msg_hdr.msg_namelen = peer.write(to: addresses + index, family: family)
        count += 1
    }
}
