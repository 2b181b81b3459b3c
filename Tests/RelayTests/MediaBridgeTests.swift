import Control
import Testing
@testable import Relay

struct MediaBridgeTests {
    @Test func endpointThatNeverConnectsExpiresAndIsReported() async throws {
        let bridge = try MediaBridge(configuration: .init(id: "b", region: "eu", media: PeerAddress("127.0.0.1:0")!,
                                                          connectTimeout: .milliseconds(300)))
        bridge.start()
        // The first event, or nil after 30 s: a regression fails instead of hanging the suite.
        let firstEvent = Task {
            var events = bridge.events.makeAsyncIterator()
            return await events.next()
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(30))
            firstEvent.cancel()
        }
        let error = await bridge.execute(.allocate(.init(conference: "r", endpoint: "e1", iceUfrag: "ufrg", icePwd: "passwordpasswordpassword")))
        #expect(error == nil)
        let event = await firstEvent.value
        timeout.cancel()
        #expect(event?.endpoint == "e1" && event?.kind == .expired)
        #expect(event?.detail?.contains("never connected") == true)
        await bridge.stop()
    }

    @Test func allocatingAnEndpointOrUfragTwiceFails() async throws {
        let bridge = try MediaBridge(configuration: .init(id: "b", region: "eu", media: PeerAddress("127.0.0.1:0")!))
        bridge.start()
        #expect(await bridge.execute(.allocate(.init(conference: "r", endpoint: "e1", iceUfrag: "ufrg", icePwd: "passwordpasswordpassword"))) == nil)
        #expect(await bridge.execute(.allocate(.init(conference: "r", endpoint: "e1", iceUfrag: "ufr2", icePwd: "passwordpasswordpassword")))
                == "endpoint e1 already exists in r")
        #expect(await bridge.execute(.allocate(.init(conference: "r", endpoint: "e2", iceUfrag: "ufrg", icePwd: "passwordpasswordpassword")))
                == "ice-ufrag ufrg is in use")
        await bridge.stop()
    }

    @Test func commandsForUnknownEndpointsFailWithAReason() async throws {
        let bridge = try MediaBridge(configuration: .init(id: "b", region: "eu", media: PeerAddress("127.0.0.1:0")!))
        bridge.start()
        let update = ControlCommand.Update(conference: "r", endpoint: "ghost", remoteUfrag: "abcd",
                                           remotePwd: "passwordpasswordpassword", remoteFingerprint: "00",
                                           remoteSetup: "active", sends: [], receives: [], payloads: Payloads())
        #expect(await bridge.execute(.update(update)) == "no endpoint ghost in r")
        #expect(await bridge.execute(.expire(.init(conference: "r", endpoint: "ghost"))) == nil, "expire is idempotent")
        await bridge.stop()
        #expect(await bridge.execute(.expire(.init(conference: "r", endpoint: "ghost"))) == "bridge is stopping")
    }

    @Test func bindingAnAddressInUseIsAClearError() throws {
        let first = try MediaBridge(configuration: .init(id: "a", region: "eu", media: PeerAddress("127.0.0.1:0")!))
        #expect { _ = try MediaBridge(configuration: .init(id: "b", region: "eu", media: first.mediaAddress)) }
            throws: { "\($0)".contains("Address already in use") }
    }
}
