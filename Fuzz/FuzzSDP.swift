// libFuzzer target for the controller's SDP parser and answer reader: the
// one parser that reads text from participants. Built by Fuzz/run.sh with
// Sources/Signaling/SDP/SDPDocument.swift and AnswerReader.swift.

/// A two-participant offer as the controller writes it (fixed, so the fuzzer
/// explores answers against a realistic m-line layout).
private let offer: SDPDocument = {
    let fingerprint = Array(repeating: "AB", count: 32).joined(separator: ":")
    var lines = ["v=0", "o=meridian 1 1 IN IP4 0.0.0.0", "s=meridian", "t=0 0", "a=group:BUNDLE 0 1 2 3", "a=ice-lite"]
    for (mid, kind, direction) in [("0", "audio", "recvonly"), ("1", "video", "recvonly"),
                                   ("2", "audio", "sendonly"), ("3", "video", "sendonly")] {
        lines.append("m=\(kind) 10001 UDP/TLS/RTP/SAVPF " + (kind == "audio" ? "111" : "96 97"))
        lines += ["c=IN IP4 127.0.0.1", "a=mid:\(mid)", "a=\(direction)", "a=ice-ufrag:brdg",
                  "a=ice-pwd:bridgepasswordbridgepass", "a=fingerprint:sha-256 \(fingerprint)", "a=setup:actpass"]
    }
    return try! SDPDocument(parsing: lines.joined(separator: "\r\n") + "\r\n")
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSDP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? SDPDocument(parsing: text) else { return 0 }
    // Whatever parses must print and parse back to the same document.
    guard let again = try? SDPDocument(parsing: document.text), again == document else {
        fatalError("SDP round trip changed the document")
    }
    if let summary = try? AnswerReader.read(text, answering: offer) {
        guard summary.acceptedSlots.allSatisfy({ $0 >= 0 && $0 < 1 }),
              ["active", "passive"].contains(summary.setup) else {
            fatalError("answer summary outside the offer")
        }
    }
    return 0
}
