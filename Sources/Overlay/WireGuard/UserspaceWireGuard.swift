#if canImport(Glibc)
import Glibc
#endif

/// The wireguard-go path: every read and change is one UAPI exchange.
/// Tested for real by the namespace tests.
final class UserspaceWireGuard: WireGuardBackend {
    let interface: String
    let path: WireGuardPath
    private let connection: UAPIConnection

    /// `pid` is the daemon serving the socket, as found by the caller.
    init(interface: String, pid: Int32?) {
        self.interface = interface
        connection = UAPIConnection(interface: interface)
        path = .userspace(pid: pid, socket: connection.path)
    }

    func readDevice() throws(OverlayError) -> WireGuardDeviceState {
        let reply = try exchange(UAPIMessage.getRequest)
        do {
            return try UAPIMessage.device(from: reply)
        } catch {
            throw .uapi(interface: interface, error.description)
        }
    }

    func apply(_ update: WireGuardDeviceUpdate) throws(OverlayError) {
        guard !update.isEmpty else { return }
        let reply = try exchange(UAPIMessage.setRequest(update))
        let code: Int32
        do { code = try UAPIMessage.errno(of: reply) } catch { throw .uapi(interface: interface, error.description) }
        switch code {
        case 0: return
        case EADDRINUSE: throw .listenPortInUse(update.listenPort ?? 0)
        default: throw .uapiRefused(interface: interface, errno: code)
        }
    }

    private func exchange(_ request: String) throws(OverlayError) -> String {
        do {
            return try connection.exchange(request)
        } catch {
            switch error {
            case .notListening: throw .uapi(interface: interface, "\(connection.path): nobody is listening (did wireguard-go exit?)")
            case .permissionDenied: throw .notRoot(operation: "connect to \(connection.path)")
            case .tooLong: throw .uapi(interface: interface, "the reply exceeded 1 MiB")
            case .io(let what, let code): throw .uapi(interface: interface, "\(what): \(String(cString: strerror(code)))")
            }
        }
    }
}

@available(*, unavailable)
extension UserspaceWireGuard: Sendable {}
