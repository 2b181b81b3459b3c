import CSRTP

/// libsrtp's process-wide state.
///
/// `srtp_init` registers the cipher and auth types in a global crypto kernel
/// and must run once before any session exists; calling it again while
/// sessions are alive is not safe. A `static let` gives exactly-once,
/// thread-safe initialisation (Swift runs the initialiser under `swift_once`),
/// and `srtp_shutdown` is never called: the bridge keeps sessions until exit.
enum SRTPLibrary {
    /// The raw `srtp_err_status_t` of the one `srtp_init` call.
    private static let initializationStatus: Int = Int(srtp_init().rawValue)

    static func ensureInitialized() throws(SRTPError) {
        let status = initializationStatus
        guard status == Int(srtp_err_status_ok.rawValue) else {
            throw .libraryInitializationFailed(code: status)
        }
    }
}
