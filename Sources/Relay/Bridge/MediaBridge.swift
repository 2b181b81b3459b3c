import CSocket
import Control
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One media relay: a UDP port for every participant, served by a dedicated
/// media thread, and a thread-safe face for the control channel (commands,
/// stats, endpoint events).
///
/// Concurrency: the `MediaEngine` and everything under it belong to the media
/// thread. Other threads only touch `shared` (under its mutex) and wake the
/// media thread through an eventfd; commands run on the media thread between
/// packet batches, so no lock is taken on the forwarding path.
public final class MediaBridge: Sendable {
    public struct Configuration: Sendable {
        public var id: String
        public var region: String
        /// Where to bind the media socket (port 0 picks a free port).
        public var media: PeerAddress
        /// Host candidates to advertise; defaults to the bound address.
        public var advertised: [String]?
        /// Endpoints this bridge accepts at most.
        public var capacity: Int
        /// How long an allocated endpoint may take to connect (ICE + DTLS).
        public var connectTimeout: Duration
        /// How long a connected endpoint may go without a valid ICE check (RFC 7675).
        public var consentTimeout: Duration
        /// The overlay socket and key for cascade links; nil: this bridge never cascades.
        public var cascade: CascadeSettings?
        /// The other bridges (overlay addresses, cascade keys); `setCascadePeers` replaces them.
        public var cascadePeers: [CascadePeer]
        /// `meridian up --emulate-wan`: hold datagrams for the topology's latencies.
        public var emulation: WANEmulation?

        public init(id: String, region: String, media: PeerAddress, advertised: [String]? = nil, capacity: Int = 500,
                    connectTimeout: Duration = .seconds(30), consentTimeout: Duration = .seconds(30),
                    cascade: CascadeSettings? = nil, cascadePeers: [CascadePeer] = [], emulation: WANEmulation? = nil) {
            self.cascade = cascade
            self.cascadePeers = cascadePeers
            self.emulation = emulation
            self.id = id
            self.region = region
            self.media = media
            self.advertised = advertised
            self.capacity = capacity
            self.connectTimeout = connectTimeout
            self.consentTimeout = consentTimeout
        }
    }

    public let configuration: Configuration
    /// The media socket's bound address.
    public let mediaAddress: PeerAddress
    /// SHA-256 fingerprint of this bridge's DTLS certificate, `AB:CD:…`.
    public let fingerprint: String
    /// Endpoint events for the controller (connected, failed, expired).
    public let events: AsyncStream<EndpointEvent>
    /// Cascade link state changes for the controller.
    public let linkEvents: AsyncStream<LinkEvent>
    /// The overlay socket's bound address, when the bridge cascades.
    public let overlayAddress: PeerAddress?

    /// Work for the media thread: a controller command, or new cascade peers.
    private enum Work {
        case command(ControlCommand)
        case peers([CascadePeer])
    }

    private struct Shared {
        var commands: [(Work, CheckedContinuation<String?, Never>)] = []
        var stats = BridgeStats()
        var stopping = false
    }

    private let shared = Mutex(Shared())
    private let wakeFD: Int32
    private let eventSink: AsyncStream<EndpointEvent>.Continuation
    private let linkEventSink: AsyncStream<LinkEvent>.Continuation
    private let engine: EngineTransfer
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)

    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let socket = try UDPSocket(bind: configuration.media)
        let certificate = try DTLSCertificate()
        let engine = try MediaEngine(socket: socket, certificate: certificate, capacity: configuration.capacity)
        engine.connectTimeout = configuration.connectTimeout
        engine.consentTimeout = configuration.consentTimeout
        if let settings = configuration.cascade {
            let plane = try CascadePlane(localId: configuration.id, settings: settings)
            try plane.setPeers(configuration.cascadePeers)
            engine.cascade = plane
        }
        overlayAddress = engine.cascade?.socket.localAddress
        if let emulation = configuration.emulation {
            engine.emulation = emulation
            engine.cascade?.linkDelays = emulation.towardBridge
        }
        self.engine = EngineTransfer(engine)
        mediaAddress = socket.localAddress
        fingerprint = certificate.fingerprint.sdpValue
        wakeFD = CSocket_eventfd_nonblocking()
        (events, eventSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1024))
        (linkEvents, linkEventSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
    }

    deinit { close(wakeFD) }

    /// What the bridge tells the controller in `hello`.
    public var hello: BridgeHello {
        BridgeHello(bridge: configuration.id, region: configuration.region, software: "meridian",
                    media: configuration.advertised ?? [mediaAddress.description], fingerprint: fingerprint)
    }

    /// Starts the media thread.
    public func start() {
        let thread = Thread { [self] in self.runMediaLoop() }
        thread.name = "meridian-media-\(configuration.id)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops the media thread and waits for it; pending commands fail.
    public func stop() async {
        await withCheckedContinuation { continuation in
            finished.withLock { $0 = continuation }
            shared.withLock { $0.stopping = true }
            wake()
        }
        eventSink.finish()
        linkEventSink.finish()
    }

    /// Runs a controller command on the media thread; nil on success, else
    /// the reason it failed.
    public func execute(_ command: ControlCommand) async -> String? {
        await submit(.command(command))
    }

    /// Replaces the other bridges this one may link to (after a topology
    /// edit, or once every bridge of a test cluster has bound its port);
    /// nil on success, else why the list was refused (nothing changed).
    public func setCascadePeers(_ peers: [CascadePeer]) async -> String? {
        await submit(.peers(peers))
    }

    private func submit(_ work: Work) async -> String? {
        await withCheckedContinuation { continuation in
            let accepted = shared.withLock { state -> Bool in
                guard !state.stopping else { return false }
                state.commands.append((work, continuation))
                return true
            }
            if accepted { wake() } else { continuation.resume(returning: "bridge is stopping") }
        }
    }

    /// The latest counters (refreshed by the media thread every second).
    public func statistics() -> BridgeStats {
        shared.withLock { $0.stats }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    // MARK: Media thread

    private func runMediaLoop() {
        let engine = self.engine.engine
        // The overlay socket, when there is none, is a negative fd: poll skips it.
        var descriptors = [pollfd(fd: engine.socket.fd, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: engine.cascade?.socket.fd ?? -1, events: Int16(POLLIN), revents: 0)]
        var nextTick = ContinuousClock.now
        var nextStats = ContinuousClock.now
        while true {
            let now = ContinuousClock.now
            _ = poll(&descriptors, 3, Self.pollTimeout(until: min(nextTick, nextStats), now: now))
            if descriptors[1].revents != 0 {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
                if runCommands(engine) { break }
            }
            // Drain the socket, a bounded number of batches before timers get a turn.
            for _ in 0..<64 where engine.receiveAndForward(now: .now) == engine.receiveBatch.capacity {}
            if let plane = engine.cascade {
                for _ in 0..<64 where engine.receiveCascade(now: .now) == plane.receiveBatch.capacity {}
            }
            let after = ContinuousClock.now
            if after >= nextTick {
                engine.tick(now: after)
                nextTick = min(engine.nextDeadline(now: after), after + .milliseconds(100))
            }
            if after >= nextStats {
                nextStats = after + .seconds(1)
                let stats = engine.statistics()
                shared.withLock { $0.stats = stats }
            }
            for event in engine.events { eventSink.yield(event) }
            engine.events.removeAll(keepingCapacity: true)
            if let plane = engine.cascade, !plane.linkEvents.isEmpty {
                for event in plane.linkEvents { linkEventSink.yield(event) }
                plane.linkEvents.removeAll(keepingCapacity: true)
                // The controller should hear about a link at once, not at the next stats.
                shared.withLock { $0.stats = engine.statistics() }
            }
        }
        finished.withLock { $0?.resume(); $0 = nil }
    }

    /// Milliseconds to the next deadline, 0…50 (50 keeps stop and stats timely).
    private static func pollTimeout(until deadline: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Int32 {
        guard deadline > now else { return 0 }
        let wait = deadline - now
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        return Int32(min(50, max(0, milliseconds)))
    }

    /// Applies queued commands; true when the bridge is stopping.
    private func runCommands(_ engine: MediaEngine) -> Bool {
        let (commands, stopping) = shared.withLock { state in
            defer { state.commands.removeAll() }
            return (state.commands, state.stopping)
        }
        for (work, continuation) in commands {
            guard !stopping else {
                continuation.resume(returning: "bridge is stopping")
                continue
            }
            switch work {
            case .command(let command):
                continuation.resume(returning: engine.apply(command, now: .now))
            case .peers(let peers):
                guard let plane = engine.cascade else {
                    continuation.resume(returning: "this bridge has no overlay socket")
                    continue
                }
                do {
                    try plane.setPeers(peers)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: "\(error)")
                }
            }
        }
        engine.flush()
        return stopping
    }
}

/// Hands the engine to the media thread. `@unchecked` because the engine is
/// not thread-safe: after `start()` only the media thread touches it.
private final class EngineTransfer: @unchecked Sendable {
    let engine: MediaEngine

    init(_ engine: MediaEngine) {
        self.engine = engine
    }
}
