"""Live topology (issue 6): the controller and the bridges follow their
topology file. A valid edit that adds a bridge applies without a restart:
the new bridge process registers, the running bridges learn it as a cascade
peer, and a participant of its region lands on it and talks with the others.
An invalid edit is logged with FILE:LINE:COLUMN and changes nothing."""

import re

from participant import Participant, everyone_receives, wait_until
from process_cluster import ProcessCluster, loopback_topology

FIRST = [("fra-1", "eu-central"), ("iad-1", "us-east")]
ADDED = ("sin-1", "ap-southeast")




async def test_adding_a_bridge_live_and_ignoring_an_invalid_edit():
    cluster = ProcessCluster(prefix="meridian-reload-")
    keys = {b: cluster.keygen(b) for b, _ in FIRST + [ADDED]}
    full = loopback_topology(FIRST + [ADDED], keys)
    # The same file without sin-1: cut its four lines out of the full text so
    # that ports and keys of the others stay identical between versions.
    lines = full.split("\n")
    start = lines.index(f"  {ADDED[0]}:")
    cluster.write_topology("\n".join(lines[:start] + lines[start + 5:]))
    people = []
    try:
        cluster.start_signal()
        for bridge, _ in FIRST:
            cluster.start_bridge(bridge)
        cluster.wait_bridges_up([b for b, _ in FIRST])
        assert ADDED[0] not in {b["id"] for b in cluster.bridges()}

        # An invalid edit: an unknown key. Logged with its location; nothing changes.
        with open(cluster.topology) as f:
            valid = f.read()
        broken = valid.replace("    region: us-east", "    regoin: us-east")
        with open(cluster.topology, "w") as f:
            f.write(broken)
        line = broken.split("\n").index("    regoin: us-east") + 1
        located = re.escape(f"{cluster.topology}:{line}:5: error: unknown key 'regoin'")
        assert await wait_until(lambda: re.search(located, cluster.log_text("signal")), timeout=10), \
            f"controller did not report the invalid edit; {cluster.where()}"
        assert await wait_until(lambda: re.search(located, cluster.log_text("fra-1")), timeout=10), \
            f"bridge did not report the invalid edit; {cluster.where()}"
        assert {b["id"]: b["state"] for b in cluster.bridges()} == {"fra-1": "up", "iad-1": "up"}

        # A valid edit: sin-1 appears; its process starts and registers.
        cluster.write_topology(full)
        assert await wait_until(lambda: "applied" in cluster.log_text("signal")
                                and ADDED[0] in {b["id"] for b in cluster.bridges()}, timeout=10), cluster.where()
        cluster.start_bridge(ADDED[0])
        cluster.wait_bridges_up([ADDED[0]])

        for name, (bridge, region) in zip(("ana", "ben", "chen"), FIRST + [ADDED]):
            p = Participant(cluster.url, "reload", name, region=region)
            people.append(p)
            await p.join()
            assert p.bridge == bridge, f"{name} ({region}) landed on {p.bridge}"
        ok = await wait_until(everyone_receives(people, video=20, audio=40), timeout=60)
        assert ok, ({p.name: (dict(p.video_frames), dict(p.audio_frames)) for p in people}, cluster.where())
    finally:
        for p in people:
            await p.close()
        cluster.stop()
