"""5 % loss on one participant's downlink: the bridge answers its NACKs from
its retransmission cache (RTX); we measure which lost video packets came back."""

import json
import urllib.request

import aiortc.rtcrtpreceiver as receiver_module

from participant import Participant, wait_until
from udp_proxy import LossyProxy

recovered = set()
_original_unwrap = receiver_module.unwrap_rtx


def _recording_unwrap(rtx, payload_type, ssrc):
    packet = _original_unwrap(rtx, payload_type=payload_type, ssrc=ssrc)
    recovered.add((packet.ssrc, packet.sequence_number))
    return packet


async def test_lost_video_packets_are_recovered_by_retransmission(cluster, monkeypatch):
    monkeypatch.setattr(receiver_module, "unwrap_rtx", _recording_unwrap)
    recovered.clear()
    sender = Participant(cluster.url, "lossy", "sender")
    await sender.join()
    host, port = cluster.bridges[sender.bridge]
    proxy = await LossyProxy((host, port), loss=0.05).start()
    receiver = Participant(cluster.url, "lossy", "receiver", munge_offer=proxy.munge(port))
    try:
        await receiver.join()
        assert await wait_until(lambda: receiver.video_frames[sender.id] >= 300, timeout=60), dict(receiver.video_frames)
        # Packets dropped in the last second may still be on their way back.
        cutoff = len(proxy.dropped)
        await wait_until(lambda: False, timeout=1.5)
        video_ssrc = next(int(line.split()[1]) for line in receiver.offers[-1].split("\r\n")
                          if line.startswith("a=ssrc-group:FID"))
        lost = [(ssrc, seq) for ssrc, seq, pt in proxy.dropped[:cutoff] if ssrc == video_ssrc and pt == 96]
        back = [p for p in lost if p in recovered]
        share = len(back) / len(lost) if lost else 1.0
        bridges = json.load(urllib.request.urlopen(cluster.url + "/v1/bridges"))
        retransmissions = sum(b["retransmissions"] for b in bridges)
        print(f"\nloss 5 %: {len(lost)} video packets dropped, {len(back)} recovered by RTX "
              f"({share:.1%}); bridge sent {retransmissions} retransmissions")
        assert len(lost) >= 15, "the proxy should have dropped some video"
        assert retransmissions > 0
        assert share >= 0.9, f"recovered {share:.1%} of lost video packets"
    finally:
        proxy.close()
        await receiver.close()
        await sender.close()
