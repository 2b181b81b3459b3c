import Cascade

/// The controller's cascade bookkeeping for one room: the plan the bridges
/// were last told, which bridges hold the room's cascade state, and the
/// queue that keeps the room's cascade updates in order.
///
/// Updates of one room run one at a time: a bridge must never receive an
/// older full state after a newer one (the link's writes are not ordered
/// between commands in flight). Requests that arrive while an update runs
/// are coalesced into one more pass, which reads the state as it is then;
/// each requester resumes once a pass that started after its request ended.
struct RoomCascade: Sendable {
    /// The plan last sent; `nil` while the room lives on one bridge.
    var plan: CascadeTree?
    /// Bridges sent a non-empty command for this room (they need the
    /// clearing command once they leave the plan), and bridges owed that
    /// clearing command but unreachable (they get it when they return).
    var holding: Set<String> = []
    /// Pass requests made, and requests a finished pass covered.
    var requested = 0
    var completed = 0
    var running = false
    var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Nothing to remember and nobody waiting: the entry can go.
    var isIdle: Bool { plan == nil && holding.isEmpty && !running && waiters.isEmpty }

    /// Resumes and removes the waiters a pass covering `ticket` satisfied.
    mutating func finish(upTo ticket: Int) {
        completed = max(completed, ticket)
        let ready = waiters.filter { $0.ticket <= completed }
        waiters.removeAll { $0.ticket <= completed }
        for waiter in ready { waiter.continuation.resume() }
    }
}
