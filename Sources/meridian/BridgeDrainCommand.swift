import ArgumentParser
import Control
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension BridgeCommand {
    /// `meridian bridge drain ID`: asks the controller to stop placing new
    /// participants on a running bridge (`POST /v1/bridges/{id}/drain`), or
    /// to place them there again (`--undo`: `DELETE`). Authenticated with the
    /// bridge's own control secret, the file its `meridian bridge` reads.
    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop new placements on bridge ID (participants on it stay); --undo lifts that.",
            discussion: "The controller answers at once; GET /v1/bridges then shows the bridge as 'draining'."
        )

        @Argument(help: "The bridge id.")
        var id: String

        @Option(help: "Controller URL (http://HOST:PORT).")
        var controller: String

        @Option(help: "File holding the bridge's control secret (from 'meridian bridge secret').")
        var secretFile: String

        @Flag(help: "Undrain: the bridge takes new participants again.")
        var undo = false

        func run() async throws {
            let secret = String(decoding: try readSecret(secretFile), as: UTF8.self)
            let base = controller.replacingOccurrences(of: "ws://", with: "http://")
                .replacingOccurrences(of: "wss://", with: "https://")
            guard let path = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_."))),
                  let url = URL(string: base.trimmingCharacters(in: ["/"]) + "/v1/bridges/\(path)/drain"),
                  url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--controller \(controller): expected http://HOST:PORT")
            }
            var request = URLRequest(url: url, timeoutInterval: 10)
            request.httpMethod = undo ? "DELETE" : "POST"
            request.setValue(secret, forHTTPHeaderField: ControlProtocol.secretHeader)
            let data: Data, response: URLResponse
            do { (data, response) = try await URLSession.shared.data(for: request) } catch {
                printError("meridian bridge drain: cannot reach the controller at \(base): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 204 else {
                let message = (try? JSONDecoder().decode([String: String].self, from: data))?["error"]
                    ?? String(decoding: data.prefix(200), as: UTF8.self)
                printError("meridian bridge drain: the controller refused (\(status)): \(message)")
                throw ExitCode(1)
            }
            say(undo ? "bridge \(id): undrained; it takes new participants again"
                     : "bridge \(id): draining; no new participants, the ones on it stay")
        }
    }
}
