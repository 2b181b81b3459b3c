#if canImport(Glibc)
import Glibc
#endif

/// The kernel floor of `meridian bench cascade`: what the hop's two system
/// calls cost with no work between them. A sender puts 32 datagrams of the
/// sealed frame's size on a forwarding socket (one sendmmsg, not measured);
/// the forwarder reads them with one recvmmsg into a `DatagramBatch` of 32
/// and sends as many datagrams of the same size to a sink with one sendmmsg
/// — same sockets (`UDPSocket`), same batch types, same loopback, same
/// per-datagram address writes as the transit bridge, but no open, no
/// routing, no copy and no seal. CPU is this thread's clock around the
/// receive and the send.
///
/// Single-threaded: runs on the thread that created it.
final class CascadeKernelFloor {
    private let sender: UDPSocket
    private let forwarder: UDPSocket
    private let sink: UDPSocket
    private let outgoing = DatagramBatch(capacity: CascadeHopHarness.burst)
    private let receiveBatch = DatagramBatch(capacity: CascadeHopHarness.burst)
    private let sendBatch = DatagramBatch(capacity: 256)
    private let sinkBatch = DatagramBatch(capacity: CascadeHopHarness.burst)
    private let length: Int
    private(set) var forwarded = 0
    private(set) var delivered = 0

    /// `length`: octets of each datagram in and out (the hop's sealed frame).
    init(datagramLength length: Int) throws(CascadeHopBenchmark.Failure) {
        let loopback = PeerAddress(ip: [127, 0, 0, 1], port: 0)!
        do {
            sender = try UDPSocket(bind: loopback)
            forwarder = try UDPSocket(bind: loopback)
            sink = try UDPSocket(bind: loopback)
        } catch {
            throw .setup("kernel floor sockets: \(error)")
        }
        self.length = length
        // Content does not matter to the kernel; fill once so no page is untouched.
        for index in 0..<CascadeHopHarness.burst {
            _ = outgoing.slot(index).initializeMemory(as: UInt8.self, repeating: 0x5A)
        }
    }

    /// 32 datagrams onto the forwarder's socket. Not measured.
    func sendBurst() {
        for _ in 0..<CascadeHopHarness.burst {
            _ = outgoing.nextSlot()
            outgoing.commit(length: length, to: forwarder.localAddress, family: sender.family)
        }
        sender.send(outgoing)
    }

    /// recvmmsg + sendmmsg of what arrived, nothing between; CPU nanoseconds
    /// and datagrams forwarded.
    func forwardBurst() -> (cpuNanoseconds: UInt64, forwarded: Int) {
        var cpu: UInt64 = 0
        var count = 0
        var empty = 0
        while count < CascadeHopHarness.burst, empty < 2 {
            let start = cpuClockNanoseconds(CLOCK_THREAD_CPUTIME_ID)
            let read = forwarder.receive(into: receiveBatch)
            for _ in 0..<read {
                _ = sendBatch.nextSlot()
                sendBatch.commit(length: length, to: sink.localAddress, family: forwarder.family)
            }
            if read > 0 { forwarder.send(sendBatch) }
            cpu += cpuClockNanoseconds(CLOCK_THREAD_CPUTIME_ID) - start
            if read == 0 { empty += 1 }
            count += read
        }
        forwarded += count
        return (cpu, count)
    }

    /// Reads what reached the sink. Not measured.
    func drain() {
        while true {
            let count = sink.receive(into: sinkBatch)
            guard count > 0 else { return }
            delivered += count
        }
    }
}

@available(*, unavailable)
extension CascadeKernelFloor: Sendable {}
