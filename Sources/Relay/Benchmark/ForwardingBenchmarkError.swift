/// Why `meridian bench forward` could not produce its figures. Each message
/// says what to install or check.
public enum ForwardingBenchmarkError: Error, CustomStringConvertible {
    case invalidConfiguration(String)
    /// A socket, key or endpoint of the benchmark's own setup failed.
    case setup(String)
    /// `cc` is not on PATH or could not be started.
    case compilerUnavailable(String)
    /// The C reference did not compile or link (usually libsrtp2-dev missing).
    case referenceBuildFailed(output: String)
    /// The reference process exited or answered something unexpected.
    case referenceFailed(String)
    /// Forwarded copies did not decrypt or carried the wrong SSRC at the
    /// subscribers: the figures would measure a broken path.
    case verificationFailed(target: String, failures: Int, verified: Int, first: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let why):
            "invalid benchmark configuration: \(why)"
        case .setup(let why):
            "benchmark setup failed: \(why)"
        case .compilerUnavailable(let why):
            "cannot run the C compiler for the reference (\(why)); install a C compiler (Debian: gcc) and libsrtp2-dev"
        case .referenceBuildFailed(let output):
            "the C reference did not build; is libsrtp2-dev installed (pkg-config libsrtp2)? cc said:\n\(output)"
        case .referenceFailed(let why):
            "the C reference failed: \(why)"
        case let .verificationFailed(target, failures, verified, first):
            "\(failures) of \(failures + verified) sampled copies from \(target) did not decrypt to the packet sent (first: \(first))"
        }
    }
}
