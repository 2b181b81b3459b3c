import Foundation
import Control
import Topology

/// The controller's state and rules: rooms, participants, their offers and
/// answers, and the commands that keep the bridges in step (DESIGN §4, §5).
///
/// An actor; every method re-reads the room after each `await` (the bridge
/// may answer after another participant joined or left), and mutates state
/// only once the bridge agreed, so a failed step leaves nothing half-done.
///
/// Rooms may span bridges: `Controller+Cascade` keeps each room's cascade
/// (plan and commands) in step with its participants, and
/// `Controller+Bridges` follows bridges coming and going and their links.
/// `Controller+Placement` chooses bridges and counts what it placed;
/// `Controller+Failover` moves participants off a bridge that died.
public actor Controller {
    var topology: Topology
    public nonisolated let registry: BridgeRegistry
    var rooms: [String: Room] = [:]
    /// Per room: the cascade plan sent and the bridges holding it.
    var cascades: [String: RoomCascade] = [:]
    /// Links reported down, RTTs announced by link events.
    var linkHealth = LinkHealth()
    /// The bridges up at the last check (`checkBridges`).
    var knownUp: Set<String> = []
    /// Endpoints placed per bridge, counted from the choice on (`Controller+Placement`).
    var ledger = AllocationLedger()
    /// How many placements each selection rule decided (`selectionCounts`).
    var selectionTally: [BridgeSelector.Rule: Int] = [:]
    /// Participants being moved off a dead bridge now (`Controller+Failover`).
    var moving: Set<String> = []
    private var subscribers: [String: [Int: AsyncStream<EventFrame>.Continuation]] = [:]
    private var nextSubscriber = 0
    var random = SystemRandomNumberGenerator()
    /// Called with a line per join and leave (for `meridian up`'s console).
    let log: @Sendable (String) -> Void

    public init(topology: Topology, registry: BridgeRegistry, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.topology = topology
        self.registry = registry
        self.log = log
    }

    // MARK: Join

    /// A participant joins `room`. `peer` is the TCP peer's address and
    /// `forwardedFor` the request's `X-Forwarded-For` values: the client's
    /// address for the region is read from them under the topology's
    /// trusted proxies (`RegionResolver`).
    public func join(room roomID: String, request: JoinRequest, peer: IPAddress?,
                     forwardedFor: [String] = []) async throws(APIError) -> JoinResponse {
        try Self.validate(room: roomID)
        let name = request.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64 else { throw .badRequest("name must have 1 to 64 characters") }
        if let hint = request.region, topology.region(named: hint) == nil {
            throw .badRequest("unknown region '\(hint)'; known: \(topology.regions.map(\.name).joined(separator: ", "))")
        }
        let (region, regionSource) = RegionResolver(topology: topology)
            .resolve(hint: request.region, peer: peer, forwardedFor: forwardedFor)
        let id = Self.token(12, using: &random)
        // Counted on the bridge from here on (so concurrent joins spread);
        // every failure below takes it off again.
        let selection = try await place(endpoint: id, room: roomID, region: region)
        let bridge = selection.bridge
        let allocation = try await allocate(id, room: roomID, region: region, on: bridge.id)

        // Re-read the room: others may have joined or left while the bridge answered.
        var room = rooms[roomID] ?? Room(id: roomID)
        let announced = AnnouncedSSRCs(audio: room.uniqueSSRC(using: &random), video: room.uniqueSSRC(using: &random),
                                       videoRTX: room.uniqueSSRC(using: &random))
        var participant = Participant(id: id, name: name, region: region, regionSource: regionSource.rawValue,
                                      bridge: bridge.id, iceUfrag: allocation.iceUfrag, icePwd: allocation.icePwd,
                                      sessionID: UInt64.random(in: 1...UInt64(Int64.max), using: &random),
                                      announced: announced, joinOrder: room.nextJoinOrder)
        room.nextJoinOrder += 1
        participant.slots = room.ordered.map { OfferPlanSlotState(participant: $0.id, announced: $0.announced, active: true) }
        room.participants[id] = participant
        rooms[roomID] = room
        // The other bridges must relay the newcomer (and it them) before
        // anyone is offered its media.
        await syncCascade(room: roomID)
        let offer: SDPDocument
        do { offer = try await makeOffer(room: roomID, participant: id) } catch {
            // The bridge went away between allocate and offer: undo the join.
            rooms[roomID]?.participants[id] = nil
            ledger.remove(endpoint: id)
            try? await allocation.link.execute(.expire(.init(conference: roomID, endpoint: id)))
            await syncCascade(room: roomID)
            if rooms[roomID]?.participants.isEmpty == true { rooms[roomID] = nil }
            throw error
        }
        for other in room.ordered where other.id != id {
            rooms[roomID]?.participants[other.id]?.slots.append(
                OfferPlanSlotState(participant: id, announced: announced, active: true))
            _ = try? await makeOffer(room: roomID, participant: other.id)
        }
        publishParticipants(room: roomID)
        log("join  \(roomID)/\(id) \(name) region \(region) (\(regionSource.rawValue)) → bridge \(bridge.id) (\(selection.rule.rawValue))")
        return JoinResponse(id: id, bridge: bridge.id, region: region, regionSource: regionSource.rawValue,
                            selection: selection.rule.rawValue,
                            offer: offer.text, revision: rooms[roomID]?.participants[id]?.revision ?? 1,
                            events: "/v1/rooms/\(roomID)/participants/\(id)/events")
    }

    /// An endpoint allocated on a bridge: the link it was allocated over and
    /// the ICE credentials the bridge was given.
    struct Allocation {
        var link: BridgeLink
        var iceUfrag: String
        var icePwd: String
    }

    /// Allocates `endpoint` of `room` on `bridge` with fresh ICE credentials
    /// (a join, or a move off a dead bridge). The caller placed it on the
    /// ledger (`place`); a failure takes it off again before it is thrown.
    func allocate(_ endpoint: String, room roomID: String, region: String,
                  on bridge: String) async throws(APIError) -> Allocation {
        let ufrag = Self.token(8, using: &random), pwd = Self.token(24, using: &random)
        do throws(APIError) {
            guard let link = await registry.link(bridge) else { throw .unavailable("bridge \(bridge) went away") }
            try await link.execute(.allocate(.init(conference: roomID, endpoint: endpoint, iceUfrag: ufrag, icePwd: pwd,
                                                   region: region)))
            return Allocation(link: link, iceUfrag: ufrag, icePwd: pwd)
        } catch {
            ledger.remove(endpoint: endpoint)
            throw error
        }
    }

    /// Builds and records the next offer for a participant; pushes it to the
    /// participant's event sockets unless it is the first one (that one goes
    /// in the join response).
    @discardableResult
    func makeOffer(room roomID: String, participant id: String) async throws(APIError) -> SDPDocument {
        guard var participant = rooms[roomID]?.participants[id] else { throw .notFound("participant \(id) is gone") }
        guard let hello = await registry.link(participant.bridge)?.hello else {
            throw .unavailable("bridge \(participant.bridge) is not connected")
        }
        guard let current = rooms[roomID]?.participants[id] else { throw .notFound("participant \(id) is gone") }
        participant = current
        participant.revision += 1
        let plan = OfferPlan(
            participant: id, revision: participant.revision, sessionID: participant.sessionID,
            transport: .init(candidates: hello.media, fingerprint: hello.fingerprint,
                             iceUfrag: participant.iceUfrag, icePwd: participant.icePwd),
            slots: participant.slots.map {
                OfferPlan.RemoteSlot(participant: $0.participant, audioSSRC: $0.announced.audio,
                                     videoSSRC: $0.announced.video, videoRTXSSRC: $0.announced.videoRTX, active: $0.active)
            })
        let offer = OfferBuilder.offer(plan)
        participant.offer = offer
        rooms[roomID]?.participants[id] = participant
        if participant.revision > 1 { publish(.offer(offer.text, revision: participant.revision), to: id) }
        return offer
    }

    // MARK: Answer

    public func answer(room roomID: String, participant id: String, sdp: String, revision: Int) async throws(APIError) {
        guard let participant = rooms[roomID]?.participants[id], let offer = participant.offer else {
            throw .notFound("no participant \(id) in room \(roomID)")
        }
        guard revision == participant.revision else {
            throw .conflict("this answers revision \(revision); the current offer is revision \(participant.revision)")
        }
        let summary: AnswerSummary
        do { summary = try AnswerReader.read(sdp, answering: offer) } catch { throw .badRequest(error.description) }
        guard let link = await registry.link(participant.bridge) else {
            throw .unavailable("bridge \(participant.bridge) is not connected")
        }
        try await link.execute(.update(update(for: participant, summary: summary, room: roomID)))
        guard rooms[roomID]?.participants[id] != nil else { throw .notFound("participant \(id) left") }
        rooms[roomID]?.participants[id]?.answer = summary
        rooms[roomID]?.participants[id]?.answeredRevision = revision
    }

    private func update(for participant: Participant, summary: AnswerSummary, room: String) -> ControlCommand.Update {
        var sends: [Source] = []
        if let ssrc = summary.audioSSRC {
            sends.append(Source(kind: .audio, ssrc: ssrc, announcedSSRC: participant.announced.audio))
        }
        if let ssrc = summary.videoSSRC {
            sends.append(Source(kind: .video, ssrc: ssrc, announcedSSRC: participant.announced.video,
                                rtxSSRC: summary.videoRTXSSRC, announcedRTXSSRC: participant.announced.videoRTX))
        }
        var receives: [UInt32] = []
        for index in summary.acceptedSlots.sorted() where index < participant.slots.count {
            let slot = participant.slots[index]
            guard slot.active else { continue }
            receives += [slot.announced.audio, slot.announced.video]
        }
        var payloads = Payloads()
        if !summary.rtxAccepted { payloads.rtx = nil }
        return ControlCommand.Update(conference: room, endpoint: participant.id, remoteUfrag: summary.iceUfrag,
                                     remotePwd: summary.icePwd, remoteFingerprint: summary.fingerprint,
                                     remoteSetup: summary.setup, sends: sends, receives: receives, payloads: payloads)
    }

    // MARK: Leave

    public func leave(room roomID: String, participant id: String) async throws(APIError) {
        guard let participant = rooms[roomID]?.participants.removeValue(forKey: id) else {
            throw .notFound("no participant \(id) in room \(roomID)")
        }
        closeSubscribers(of: id)
        ledger.remove(endpoint: id)
        if let link = await registry.link(participant.bridge) {
            try? await link.execute(.expire(.init(conference: roomID, endpoint: id)))
        }
        await syncCascade(room: roomID)
        for other in rooms[roomID]?.ordered ?? [] {
            guard let index = other.slots.firstIndex(where: { $0.participant == id }) else { continue }
            rooms[roomID]?.participants[other.id]?.slots[index].active = false
            _ = try? await makeOffer(room: roomID, participant: other.id)
        }
        if rooms[roomID]?.participants.isEmpty == true { rooms[roomID] = nil }
        publishParticipants(room: roomID)
        log("leave \(roomID)/\(id) \(participant.name)")
    }

    // MARK: Queries and events

    public func roomInfo(_ roomID: String) async throws(APIError) -> RoomInfo {
        try Self.validate(room: roomID)
        guard rooms[roomID] != nil else { throw .notFound("no room \(roomID)") }
        let tree = await cascadeEdges(room: roomID)
        // Re-read after the await: the room may have emptied meanwhile.
        guard let room = rooms[roomID] else { throw .notFound("no room \(roomID)") }
        return RoomInfo(room: roomID,
                        participants: room.ordered.map { .init(id: $0.id, name: $0.name, region: $0.region, bridge: $0.bridge) },
                        bridges: room.bridges, strategy: topology.cascade.strategy.rawValue, tree: tree)
    }

    public func contains(room roomID: String, participant id: String) -> Bool {
        rooms[roomID]?.participants[id] != nil
    }

    public func subscribe(room roomID: String, participant id: String) throws(APIError) -> AsyncStream<EventFrame> {
        guard let participant = rooms[roomID]?.participants[id] else {
            throw .notFound("no participant \(id) in room \(roomID)")
        }
        let (stream, continuation) = AsyncStream<EventFrame>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let key = nextSubscriber
        nextSubscriber += 1
        subscribers[id, default: [:]][key] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id, key) } }
        continuation.yield(.participants(participantList(room: roomID)))
        // A renegotiation offer sent before the socket opened must not be missed.
        if participant.revision > 1, participant.revision > participant.answeredRevision, let offer = participant.offer {
            continuation.yield(.offer(offer.text, revision: participant.revision))
        }
        return stream
    }

    private func unsubscribe(_ participant: String, _ key: Int) {
        subscribers[participant]?[key] = nil
    }

    private func publish(_ frame: EventFrame, to participant: String) {
        for continuation in subscribers[participant]?.values ?? [:].values { continuation.yield(frame) }
    }

    private func publishParticipants(room roomID: String) {
        let list = participantList(room: roomID)
        for participant in rooms[roomID]?.ordered ?? [] { publish(.participants(list), to: participant.id) }
    }

    private func participantList(room roomID: String) -> [EventFrame.Entry] {
        (rooms[roomID]?.ordered ?? []).map { .init(id: $0.id, name: $0.name) }
    }

    private func closeSubscribers(of participant: String) {
        for continuation in subscribers.removeValue(forKey: participant)?.values ?? [:].values { continuation.finish() }
    }

    // MARK: Helpers

    static func validate(room: String) throws(APIError) {
        let ok = (1...64).contains(room.count) && room.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95
        }
        guard ok else { throw .badRequest("room names have 1 to 64 letters, digits, '-' or '_'") }
    }

    /// A random token of ICE-safe characters (RFC 8839 ice-char).
    static func token<G: RandomNumberGenerator>(_ length: Int, using generator: inout G) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
