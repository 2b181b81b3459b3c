import CSodium

/// A fixed-size secret (session key, MAC key, ephemeral private key) in one
/// heap block that is wiped with `sodium_memzero` when the last reference goes.
///
/// Why a class and not `[UInt8]`: an array is copied freely by the compiler and
/// its old buffers are never wiped, so a rotated key could linger in freed
/// memory. Here there is exactly one copy, allocated once when a handshake
/// completes (never on the packet path) and erased when the session ends, which
/// is what makes "forward secrecy after rotation" true in practice.
///
/// Concurrency: immutable after `init`; safe to share, but Meridian only ever
/// touches it from the thread that owns the `SealRegistry`.
final class SecretBytes {
    let count: Int
    let pointer: UnsafeMutablePointer<UInt8>

    /// `count` zero bytes, to be filled by a libsodium call.
    init(zeroed count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    /// A copy of `bytes` (used for fixed test keys and for slices of a KDF output).
    convenience init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        self.init(zeroed: bytes.count)
        for (offset, byte) in bytes.enumerated() { pointer[offset] = byte }
    }

    /// `count` bytes from libsodium's CSPRNG.
    static func random(count: Int) -> SecretBytes {
        Sodium.ensureInitialized()
        let secret = SecretBytes(zeroed: count)
        randombytes_buf(secret.pointer, count)
        return secret
    }

    deinit {
        sodium_memzero(pointer, count)
        pointer.deallocate()
    }

    /// Copies out the bytes: for tests and vectors only, never for live keys.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

@available(*, unavailable)
extension SecretBytes: Sendable {}
