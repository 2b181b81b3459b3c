import Foundation
import CSodium

/// Per-bridge control-channel secrets derived from one cluster secret:
/// `hex(HMAC-SHA-256(cluster, "meridian-bridge:" + id))`. The controller keeps
/// only the cluster secret; each bridge is given only its own derived secret,
/// so a compromised bridge cannot impersonate another.
public enum BridgeSecret {
    public static func derive(clusterSecret: [UInt8], bridge: String) -> String {
        _ = sodium_init()
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        let message = Array("meridian-bridge:\(bridge)".utf8)
        var state = crypto_auth_hmacsha256_state()
        crypto_auth_hmacsha256_init(&state, clusterSecret, clusterSecret.count)
        crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        crypto_auth_hmacsha256_final(&state, &mac)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Constant-time comparison, so timing does not reveal how much matched.
    public static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return sodium_memcmp(a, b, a.count) == 0
    }

    /// A fresh random cluster secret (32 bytes).
    public static func generateClusterSecret() -> [UInt8] {
        _ = sodium_init()
        var bytes = [UInt8](repeating: 0, count: 32)
        randombytes_buf(&bytes, bytes.count)
        return bytes
    }
}
