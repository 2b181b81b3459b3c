@testable import Signaling
import Topology

extension SignalServer.Listener {
    /// Every role on one listener on 127.0.0.1, port chosen by the system
    /// (what `meridian signal` does when the topology names one address).
    static func allRolesOnLoopback() throws -> Self {
        Self(address: try SocketAddress.parse("127.0.0.1:0", allowingPortZero: true).get(),
             roles: Set(SignalServer.Role.allCases))
    }
}
