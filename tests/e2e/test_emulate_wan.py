"""`meridian up --emulate-wan` (issue 6): on one machine, the bridges' cascade
links take the topology's round trips (the ping/pong RTTs the controller
plans with match them), and a three-region meeting still works."""

import json
import math
import urllib.request

from conftest import REGIONS, start_cluster
from participant import Participant, wait_until

BRIDGES = [("fra-1", "eu-central"), ("iad-1", "us-east"), ("sin-1", "ap-southeast")]


def estimate_ms(a, b):
    """DESIGN's estimate: 2 × great-circle km / 199.86 km/ms + 10 (the topology declares no latency-ms)."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, REGIONS[a]), map(math.radians, REGIONS[b]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    km = 2 * 6371.0 * math.asin(math.sqrt(h))
    return 2 * km / 199.86 + 10


async def test_links_take_the_topology_round_trips_and_the_call_works():
    cluster = start_cluster(BRIDGES, extra_args=("--emulate-wan",))
    region = dict(BRIDGES)
    people = [Participant(cluster.url, "wan", name, region=r) for name, (_, r) in zip(("ana", "ben", "chen"), BRIDGES)]
    try:
        assert "WAN emulation" in cluster.output()
        for p in people:
            await p.join()
        ok = await wait_until(lambda: all(p.video_frames[o.id] >= 20 and p.audio_frames[o.id] >= 40
                                          for p in people for o in people if o is not p), timeout=60)
        assert ok, {p.name: (dict(p.video_frames), dict(p.audio_frames)) for p in people}

        def measured():
            with urllib.request.urlopen(cluster.url + "/v1/bridges") as r:
                return {(b["id"], l["peer"]): l["rttMs"] for b in json.load(r) for l in b.get("links", [])
                        if l["up"] and l["rttMs"] is not None}
        assert await wait_until(lambda: len(measured()) >= 4, timeout=10), measured()
        for (a, b), rtt in measured().items():
            expected = estimate_ms(region[a], region[b])
            # The emulated delay is a floor; the machine only adds to it.
            assert rtt >= 0.9 * expected, f"{a}→{b}: measured {rtt:.1f} ms, topology says {expected:.1f} ms"
            # Only a sanity ceiling: three aiortc clients decode video on the same 2 cores.
            assert rtt <= 2 * expected + 500, f"{a}→{b}: measured {rtt:.1f} ms, far above {expected:.1f} ms"
    finally:
        for p in people:
            await p.close()
        cluster.stop()
