"""A UDP relay between one WebRTC client and a bridge that drops a share of
the bridge→client RTP, recording what it dropped (the RTP header stays in
clear text under SRTP, so SSRC and sequence number are readable)."""

import asyncio
import random


class LossyProxy:
    def __init__(self, bridge, loss, seed=7):
        self.bridge = bridge
        self.loss = loss
        self.random = random.Random(seed)
        self.client = None
        self.dropped = []  # (ssrc, seq, payload_type)
        self.forwarded = 0

    async def start(self):
        loop = asyncio.get_running_loop()
        proxy = self

        class ClientSide(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                proxy.client_transport = transport

            def datagram_received(self, data, addr):
                proxy.client = addr
                proxy.bridge_transport.sendto(data)

        class BridgeSide(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                proxy.bridge_transport = transport

            def datagram_received(self, data, addr):
                proxy.from_bridge(data)

        await loop.create_datagram_endpoint(BridgeSide, remote_addr=self.bridge)
        await loop.create_datagram_endpoint(ClientSide, local_addr=("127.0.0.1", 0))
        self.port = self.client_transport.get_extra_info("sockname")[1]
        return self

    def from_bridge(self, data):
        if self.client is None:
            return
        is_rtp = len(data) >= 12 and 128 <= data[0] <= 191 and not 192 <= (data[1] & 0x7F) + 128 <= 223
        if is_rtp and self.random.random() < self.loss:
            ssrc = int.from_bytes(data[8:12], "big")
            seq = int.from_bytes(data[2:4], "big")
            self.dropped.append((ssrc, seq, data[1] & 0x7F))
            return
        self.forwarded += 1
        self.client_transport.sendto(data, self.client)

    def munge(self, bridge_port):
        """Rewrites the offer's host candidate so the client talks to the proxy."""
        def rewrite(sdp):
            return sdp.replace(f"127.0.0.1 {bridge_port} typ host", f"127.0.0.1 {self.port} typ host")
        return rewrite

    def close(self):
        self.client_transport.close()
        self.bridge_transport.close()
