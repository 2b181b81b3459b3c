/// What one packet of a compound RTCP datagram is, from its packet type and,
/// for feedback messages, its 5-bit format (FMT).
///
/// The bridge ends some of these and forwards others (see
/// `Sources/Relay/README.md`); this type only names them.
public enum RTCPPacketKind: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// PT 200, RFC 3550 §6.4.1.
    case senderReport
    /// PT 201, RFC 3550 §6.4.2.
    case receiverReport
    /// PT 202, RFC 3550 §6.5; content skipped (CNAMEs are the controller's).
    case sourceDescription
    /// PT 203, RFC 3550 §6.6.
    case goodbye
    /// PT 204, RFC 3550 §6.7; skipped.
    case application
    /// PT 205 FMT 1, RFC 4585 §6.2.1.
    case genericNACK
    /// PT 205 FMT 15, transport-wide congestion control feedback
    /// (draft-holmer-rmcat-transport-wide-cc-extensions-01); recognised, skipped.
    case transportWideCC
    /// PT 205 with another FMT (TMMBR/TMMBN of RFC 5104, …).
    case otherTransportFeedback(format: UInt8)
    /// PT 206 FMT 1, RFC 4585 §6.3.1.
    case pictureLossIndication
    /// PT 206 FMT 4, RFC 5104 §4.3.1.
    case fullIntraRequest
    /// PT 206 FMT 15 with the "REMB" identifier
    /// (draft-alvestrand-rmcat-remb-03); recognised, skipped.
    case receiverEstimatedMaximumBitrate
    /// PT 206 FMT 15 without the REMB identifier (RFC 4585 §6.4 AFB).
    case applicationLayerFeedback
    /// PT 206 with another FMT (SLI, RPSI, TSTR, …).
    case otherPayloadFeedback(format: UInt8)
    /// PT 207, RFC 3611 extended reports; skipped.
    case extendedReport
    /// Any other packet type.
    case unknown(packetType: UInt8)

    public static let senderReportType: UInt8 = 200
    public static let receiverReportType: UInt8 = 201
    public static let sourceDescriptionType: UInt8 = 202
    public static let goodbyeType: UInt8 = 203
    public static let applicationType: UInt8 = 204
    public static let transportFeedbackType: UInt8 = 205
    public static let payloadFeedbackType: UInt8 = 206
    public static let extendedReportType: UInt8 = 207

    /// Classifies a packet whose bytes (header included, padding excluded)
    /// are `packet`; only REMB needs to look past the header.
    init(packetType: UInt8, countOrFormat: UInt8, packet: UnsafeRawBufferPointer) {
        switch packetType {
        case Self.senderReportType: self = .senderReport
        case Self.receiverReportType: self = .receiverReport
        case Self.sourceDescriptionType: self = .sourceDescription
        case Self.goodbyeType: self = .goodbye
        case Self.applicationType: self = .application
        case Self.extendedReportType: self = .extendedReport
        case Self.transportFeedbackType:
            switch countOrFormat {
            case 1: self = .genericNACK
            case 15: self = .transportWideCC
            default: self = .otherTransportFeedback(format: countOrFormat)
            }
        case Self.payloadFeedbackType:
            switch countOrFormat {
            case 1: self = .pictureLossIndication
            case 4: self = .fullIntraRequest
            case 15:
                // "REMB" in ASCII right after the two SSRCs.
                let isREMB = packet.count >= 16 && packet.bigEndianUInt32(at: 12) == 0x5245_4D42
                self = isREMB ? .receiverEstimatedMaximumBitrate : .applicationLayerFeedback
            default: self = .otherPayloadFeedback(format: countOrFormat)
            }
        default: self = .unknown(packetType: packetType)
        }
    }

    public var description: String {
        switch self {
        case .senderReport: "sender report (SR)"
        case .receiverReport: "receiver report (RR)"
        case .sourceDescription: "source description (SDES)"
        case .goodbye: "BYE"
        case .application: "APP"
        case .genericNACK: "generic NACK"
        case .transportWideCC: "transport-wide CC feedback"
        case let .otherTransportFeedback(format): "transport-layer feedback FMT \(format)"
        case .pictureLossIndication: "picture loss indication (PLI)"
        case .fullIntraRequest: "full intra request (FIR)"
        case .receiverEstimatedMaximumBitrate: "REMB"
        case .applicationLayerFeedback: "application-layer feedback"
        case let .otherPayloadFeedback(format): "payload-specific feedback FMT \(format)"
        case .extendedReport: "extended report (XR)"
        case let .unknown(packetType): "unknown RTCP packet type \(packetType)"
        }
    }
}
