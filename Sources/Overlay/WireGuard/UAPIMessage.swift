import Topology

/// The text protocol spoken on a userspace WireGuard implementation's UAPI
/// socket (wireguard.com/xplatform, "Configuration Protocol"):
///
///     request:  get=1\n\n              set=1\nkey=value\n…\n\n
///     reply:    key=value\n…errno=0\n\n      errno=0\n\n
///
/// Keys are lowercase hex, not base64. After `public_key=` every key belongs
/// to that peer until the next `public_key=`. A set request only touches what
/// it names: no `replace_peers=true`, so unnamed peers keep their sessions.
///
/// Pure value code (encode/decode); the socket lives in `UAPIConnection`.
enum UAPIMessage {
    static let getRequest = "get=1\n\n"

    static func setRequest(_ update: WireGuardDeviceUpdate) -> String {
        var lines = ["set=1"]
        if let key = update.privateKey { lines.append("private_key=\(Hex.encode(key))") }
        if let port = update.listenPort { lines.append("listen_port=\(port)") }
        for change in update.peers {
            switch change {
            case .remove(let key):
                lines.append("public_key=\(Hex.encode(key.bytes))")
                lines.append("remove=true")
            case .upsert(let peer):
                lines.append("public_key=\(Hex.encode(peer.publicKey.bytes))")
                if let endpoint = peer.endpoint { lines.append("endpoint=\(endpoint)") }
                lines.append("persistent_keepalive_interval=\(peer.persistentKeepalive)")
                lines.append("replace_allowed_ips=true")
                for ip in peer.allowedIPs { lines.append("allowed_ip=\(ip)") }
            }
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// A reply the device sent that does not follow the protocol.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "reply line \(line): \(reason)" }
    }

    /// The `errno=` value of a reply: 0 for success. wireguard-go has sent
    /// both signs over its history, so the magnitude is returned.
    static func errno(of reply: String) throws(Malformed) -> Int32 {
        for (index, line) in reply.split(separator: "\n").enumerated() where line.hasPrefix("errno=") {
            guard let value = Int32(line.dropFirst("errno=".count)) else {
                throw Malformed(line: index + 1, reason: "errno is not a number: '\(line)'")
            }
            return value.magnitude > Int32.max.magnitude ? Int32.max : Int32(value.magnitude)
        }
        throw Malformed(line: 0, reason: "no errno= line (the reply was cut off)")
    }

    /// Decodes the reply to `get=1`. Unknown keys are skipped (newer
    /// implementations may add some); malformed values of known keys are errors.
    static func device(from reply: String) throws(Malformed) -> WireGuardDeviceState {
        var device = WireGuardDeviceState()
        var peers: [PeerBuilder] = []
        var sawErrno = false
        for (index, raw) in reply.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let lineNumber = index + 1
            guard let equals = raw.firstIndex(of: "=") else {
                throw Malformed(line: lineNumber, reason: "expected key=value, got '\(raw)'")
            }
            let key = raw[..<equals]
            let value = String(raw[raw.index(after: equals)...])
            func bad(_ what: String) -> Malformed { Malformed(line: lineNumber, reason: "\(key) \(what): '\(value)'") }
            func number<T: FixedWidthInteger>(_: T.Type) throws(Malformed) -> T {
                guard let parsed = T(value) else { throw bad("is not a number") }
                return parsed
            }
            func key32() throws(Malformed) -> [UInt8] {
                guard let bytes = Hex.decode(value), bytes.count == 32 else { throw bad("is not 64 hex digits") }
                return bytes
            }
            if key == "public_key" {
                guard let publicKey = PublicKey(bytes: try key32()) else { throw bad("is not a key") }
                peers.append(PeerBuilder(publicKey: publicKey))
                continue
            }
            if key == "errno" {
                guard try number(Int32.self) == 0 else { throw Malformed(line: lineNumber, reason: "device reported errno=\(value)") }
                sawErrno = true
                continue
            }
            if let last = peers.indices.last {
                switch key {
                case "endpoint":
                    // A zone-scoped IPv6 endpoint (fe80::1%eth0) is not
                    // expressible in the topology; it reads as "no endpoint".
                    peers[last].endpoint = try? SocketAddress.parse(value).get()
                case "allowed_ip":
                    guard let cidr = try? CIDR.parse(value).get() else { throw bad("is not an address prefix") }
                    peers[last].allowedIPs.append(cidr)
                case "persistent_keepalive_interval": peers[last].keepalive = try number(UInt16.self)
                case "last_handshake_time_sec": peers[last].handshakeSeconds = try number(Int64.self)
                case "last_handshake_time_nsec": peers[last].handshakeNanoseconds = try number(Int64.self)
                case "rx_bytes": peers[last].received = try number(UInt64.self)
                case "tx_bytes": peers[last].transmitted = try number(UInt64.self)
                default: break  // preshared_key, protocol_version, …
                }
            } else {
                switch key {
                case "private_key": device.privateKey = try key32()
                case "listen_port": device.listenPort = try number(UInt16.self)
                default: break  // fwmark, …
                }
            }
        }
        guard sawErrno else { throw Malformed(line: 0, reason: "no errno= line (the reply was cut off)") }
        // An all-zero private key is how some implementations say "none".
        if device.privateKey == [UInt8](repeating: 0, count: 32) { device.privateKey = nil }
        device.peers = peers.map(\.state)
        return device
    }

    private struct PeerBuilder {
        var publicKey: PublicKey
        var endpoint: SocketAddress?
        var allowedIPs: [CIDR] = []
        var keepalive: UInt16 = 0
        var handshakeSeconds: Int64 = 0
        var handshakeNanoseconds: Int64 = 0
        var received: UInt64 = 0
        var transmitted: UInt64 = 0

        init(publicKey: PublicKey) { self.publicKey = publicKey }

        var state: WireGuardPeerState {
            let handshake = handshakeSeconds == 0 && handshakeNanoseconds == 0
                ? nil : Double(handshakeSeconds) + Double(handshakeNanoseconds) / 1e9
            return WireGuardPeerState(
                configuration: WireGuardPeerConfiguration(publicKey: publicKey, endpoint: endpoint,
                                                          allowedIPs: allowedIPs, persistentKeepalive: keepalive),
                lastHandshake: handshake, receivedBytes: received, transmittedBytes: transmitted)
        }
    }
}

/// Lowercase hexadecimal, as the UAPI writes keys.
enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil for odd lengths or non-hex characters (either case accepted).
    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
