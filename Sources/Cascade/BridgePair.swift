/// An unordered pair of bridge ids: the key of a link between two bridges.
///
/// A link's round-trip time is the same whichever end measured it, so `a~b`
/// and `b~a` must be one key; the initializer normalises the order.
public struct BridgePair: Sendable, Hashable, CustomStringConvertible {
    public let first: String
    public let second: String

    public init(_ a: String, _ b: String) {
        if a <= b { first = a; second = b } else { first = b; second = a }
    }

    public var description: String { "\(first)~\(second)" }
}
