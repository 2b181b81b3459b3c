import Foundation
import Topology

/// The client's address for region resolution (DESIGN §4, issue 6): the TCP
/// peer, unless that peer is one of `signaling.trusted-proxies`, in which
/// case `X-Forwarded-For` is read from the right.
///
/// Why from the right: each proxy appends the address it received the
/// request from, so the right-most entries were written by our own proxies
/// and everything left of the first untrusted entry was written by the
/// client, who may have put anything there. The right-most address that is
/// not itself a trusted proxy is therefore the last one a trusted party
/// vouched for. A peer outside the list gets no say at all: anyone can send
/// the header. Pure value logic, no state; `Sendable`.
public enum ForwardedClient {
    /// - Parameters:
    ///   - peer: the TCP peer address (`nil` when the transport has none).
    ///   - forwardedFor: every `X-Forwarded-For` header value, in the order received.
    ///   - trusted: `signaling.trusted-proxies`.
    public static func address(peer: IPAddress?, forwardedFor: [String], trusted: [CIDR]) -> IPAddress? {
        guard let peer = peer.map(unmapped) else { return nil }
        guard isTrusted(peer, trusted) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        var nearest = peer
        for entry in hops.reversed() {
            // A malformed entry ends the chain: whatever lies beyond it was
            // not written by a proxy we know, so the last good hop stands.
            guard let hop = parse(entry) else { return nearest }
            if !isTrusted(hop, trusted) { return hop }
            nearest = hop
        }
        return nearest
    }

    static func isTrusted(_ address: IPAddress, _ trusted: [CIDR]) -> Bool {
        trusted.contains { $0.contains(address) }
    }

    /// One `X-Forwarded-For` entry: an address, or an address with a port
    /// as some proxies write it (`192.0.2.7:5060`, `[2001:db8::7]:443`,
    /// read by the topology's own `SocketAddress.parse`).
    static func parse(_ entry: Substring) -> IPAddress? {
        let text = entry.trimmingCharacters(in: .whitespaces)
        if let address = IPAddress(text) { return unmapped(address) }
        guard case .success(let address) = SocketAddress.parse(text, allowingPortZero: true) else { return nil }
        return unmapped(address.host)
    }

    /// `::ffff:a.b.c.d` as the IPv4 address it is, so that a dual-stack
    /// listener's peers match IPv4 prefixes.
    static func unmapped(_ address: IPAddress) -> IPAddress {
        guard case .v6(let bytes) = address, bytes.prefix(10).allSatisfy({ $0 == 0 }),
              bytes[10] == 0xff, bytes[11] == 0xff else { return address }
        return .v4(Array(bytes[12...]))
    }
}
