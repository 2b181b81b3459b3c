import Control

/// One participant of a room as the controller sees it: where it is, what it
/// was offered, what it answered.
struct Participant: Sendable {
    let id: String
    let name: String
    let region: String
    let regionSource: String
    var bridge: String
    /// The bridge side's ICE credentials for this participant.
    /// New ones when the participant is moved to another bridge (failover).
    var iceUfrag: String
    var icePwd: String
    let sessionID: UInt64
    /// SSRCs everyone else sees for this participant's audio, video and RTX.
    let announced: AnnouncedSSRCs
    /// The other participants' m-line pairs, in the order they appeared.
    var slots: [OfferPlanSlotState] = []
    /// The last offer sent and its revision.
    var revision = 0
    var offer: SDPDocument?
    /// What the last accepted answer said (nil until the first answer).
    var answer: AnswerSummary?
    var answeredRevision = 0
    /// When this participant joined, for ordering.
    let joinOrder: Int
}

struct AnnouncedSSRCs: Sendable, Equatable {
    var audio: UInt32
    var video: UInt32
    var videoRTX: UInt32

    var all: [UInt32] { [audio, video, videoRTX] }
}

/// One remote slot in a participant's offer, pointing at another participant.
struct OfferPlanSlotState: Sendable, Equatable {
    var participant: String
    var announced: AnnouncedSSRCs
    var active: Bool
}
