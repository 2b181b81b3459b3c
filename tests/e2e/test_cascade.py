"""Issue 5, real clients: participants joined with region hints for three
regions land on three bridges of `meridian up` and see and hear each other
through the cascade, under `tree` (three bridges: a chain) and `mesh`."""

import pytest

from conftest import get_json, start_cluster
from participant import Participant, everyone_receives, wait_until

BRIDGES = [("fra-1", "eu-central"), ("iad-1", "us-east"), ("sin-1", "ap-southeast")]






@pytest.mark.parametrize("strategy,links", [("tree", 2), ("mesh", 3)])
async def test_three_regions_three_bridges_one_meeting(strategy, links):
    cluster = start_cluster(BRIDGES, strategy=strategy)
    people = [Participant(cluster.url, "world", name, region=region)
              for name, (_, region) in zip(("ana", "ben", "chen"), BRIDGES)]
    try:
        for p in people:
            await p.join()
        assert [p.bridge for p in people] == [b for b, _ in BRIDGES], "each lands on its region's bridge"

        ok = await wait_until(everyone_receives(people, video=30, audio=50), timeout=60)
        frames = {p.name: {"video": dict(p.video_frames), "audio": dict(p.audio_frames)} for p in people}
        assert ok, f"frames decoded: {frames}\nlog: {cluster.log_path}\n{cluster.output()[-3000:]}"

        room = get_json(f"{cluster.url}/v1/rooms/world")
        assert room["strategy"] == strategy
        edges = {frozenset((e["a"], e["b"])) for e in room["tree"]}
        assert len(edges) == links, room["tree"]
        if strategy == "tree":
            degrees = {b: sum(b in e for e in edges) for b, _ in BRIDGES}
            assert sorted(degrees.values()) == [1, 1, 2], f"three bridges in a chain: {room['tree']}"
        # Every planned link is up and measured at both ends.
        def links_up():
            bridges = {b["id"]: b for b in get_json(f"{cluster.url}/v1/bridges")}
            return all(any(l["peer"] == peer and l["up"] for l in bridges[me].get("links", []))
                       for e in edges for me, peer in (tuple(e), tuple(e)[::-1]))
        assert await wait_until(links_up, timeout=10), get_json(f"{cluster.url}/v1/bridges")
        # Tree edges report media flowing in both directions.
        def edges_carry_media():
            tree = get_json(f"{cluster.url}/v1/rooms/world")["tree"]
            return all(e["aToB"]["packetsPerSecond"] > 0 and e["bToA"]["packetsPerSecond"] > 0 for e in tree)
        assert await wait_until(edges_carry_media, timeout=10), get_json(f"{cluster.url}/v1/rooms/world")["tree"]
    finally:
        for p in people:
            await p.close()
        cluster.stop()
