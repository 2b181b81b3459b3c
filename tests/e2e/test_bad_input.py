"""A flood of garbage at the media port during a 3-party call: the call goes
on, the bridge drops and counts every datagram, nothing crashes."""

import json
import os
import random
import socket
import struct
import urllib.request

from participant import Participant, counts, everyone_receives, wait_until

MAGIC = 0x2112A442


def stun_request_with_bad_integrity(ufrag):
    """A well-formed Binding request for a real endpoint, signed with the wrong key."""
    username = f"{ufrag}:intruder".encode()
    padded = username + b"\0" * (-len(username) % 4)
    attributes = struct.pack("!HH", 0x0006, len(username)) + padded
    attributes += struct.pack("!HH", 0x0008, 20) + os.urandom(20)  # MESSAGE-INTEGRITY
    header = struct.pack("!HHI", 0x0001, len(attributes), MAGIC) + os.urandom(12)
    return header + attributes


def garbage(rng, ufrag):
    kind = rng.randrange(8)
    if kind == 0:
        return bytes([rng.randrange(256)])                          # 1-byte noise
    if kind == 1:
        return os.urandom(1500)                                     # 1,500-byte noise
    if kind == 2:
        return stun_request_with_bad_integrity(ufrag)                # STUN, bad integrity
    if kind == 3:
        return stun_request_with_bad_integrity(ufrag)[: rng.randrange(1, 40)]  # truncated STUN
    if kind == 4:
        return bytes([22, 254, 253]) + os.urandom(rng.randrange(0, 200))       # DTLS garbage
    if kind == 5:                                                    # RTP, unknown SSRC
        return struct.pack("!BBHII", 0x80, 96, rng.randrange(65536), rng.randrange(2**32), rng.randrange(2**32)) + os.urandom(100)
    if kind == 6:                                                    # RTCP-looking garbage
        return bytes([0x81, 201]) + os.urandom(rng.randrange(0, 60))
    return bytes([rng.randrange(64, 128)]) + os.urandom(rng.randrange(0, 300))  # no protocol


async def test_garbage_flood_does_not_disturb_the_call(cluster):
    people = [Participant(cluster.url, "flooded", name) for name in ("alice", "bob", "carol")]
    try:
        for p in people:
            await p.join()
        assert await wait_until(everyone_receives(people, video=20, audio=40), timeout=60), counts(people)
        before = {(p.name, q.name): (p.video_frames[q.id], p.audio_frames[q.id]) for p in people for q in people if p is not q}

        ufrag = next(line.split(":", 1)[1] for line in people[0].offers[0].split("\r\n") if line.startswith("a=ice-ufrag:"))
        target = cluster.bridges[people[0].bridge]
        rng = random.Random(1)
        sent = 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for round in range(20):
                for _ in range(1000):
                    s.sendto(garbage(rng, ufrag), target)
                    sent += 1
                await wait_until(lambda: False, timeout=0.1)  # let the call breathe

        # The call goes on: everyone keeps decoding everyone.
        def progressed():
            return all(p.video_frames[q.id] >= before[(p.name, q.name)][0] + 30
                       and p.audio_frames[q.id] >= before[(p.name, q.name)][1] + 50
                       for p in people for q in people if p is not q)
        assert await wait_until(progressed, timeout=30), counts(people)
        assert cluster.process.poll() is None, "meridian up must still run"

        # ... and the bridge counted what it dropped, by reason (stats refresh every second).
        def counted():
            info = next(b for b in json.load(urllib.request.urlopen(cluster.url + "/v1/bridges")) if b["id"] == people[0].bridge)
            return sum(info["drops"].values()) >= sent * 0.95
        assert await wait_until(counted, timeout=5)
        info = next(b for b in json.load(urllib.request.urlopen(cluster.url + "/v1/bridges")) if b["id"] == people[0].bridge)
        print(f"\nflood: {sent} datagrams sent; bridge drops by reason: {info['drops']}")
        for reason in ("unknown-kind", "stun-unauthorized", "stun-malformed", "unknown-peer"):
            assert info["drops"].get(reason, 0) > 0, f"no drops counted as {reason}: {info['drops']}"
    finally:
        for p in people:
            await p.close()
