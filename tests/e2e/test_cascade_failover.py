"""Failure: in a 4-bridge tree, kill a transit bridge during a call (DESIGN §6
"failover gap"). The remaining bridges re-form the tree and the participants
on them keep hearing each other.

Setup: `meridian signal` and four `meridian bridge` processes, one per region,
loopback overlay with cascade keys, strategy tree with max-fanout 2 (so the
tree of four bridges has transit bridges). Four aiortc participants, one per
region, land on four bridges.

Measurement: every participant records the monotonic time of each decoded
audio frame per sender (Opus, 20 ms frames; aiortc does no concealment, so a
missing packet is a missing frame). After the SIGKILL of a transit bridge,
the gap of a (receiver, sender) pair of survivors is the longest interval
between two consecutive decoded frames from the last frame before the kill
to the 50th frame after it; the longest interval in the 2 s before the kill
is printed beside it as the noise floor (event loop, jitter buffer). Pairs whose tree path crossed the killed bridge
are the ones the goal is about (≤ 0.5 s); the others are printed as a
control. Lines start with FAILOVER-GAP; the figures also go to
tests/e2e/results/cascade_failover.json. The test only asserts that media
resumed, with a loose bound, because a busy 2-core machine makes any tight
timing flaky."""

import json
import os
import threading
import time

from conftest import ROOT
from participant import Participant, counts, everyone_receives, wait_until
from process_cluster import ProcessCluster, loopback_topology, tree_path

BRIDGES = [("fra-1", "eu-central"), ("iad-1", "us-east"), ("sin-1", "ap-southeast"), ("gru-1", "sa-east")]
ROOM = "failover"
RESULTS = os.path.join(ROOT, "tests", "e2e", "results")
BEFORE_KILL = 2.0  # seconds of arrivals before the kill included in the window
AFTER_FRAMES = 50  # frames after the kill that must arrive (and close the window)
SANITY_GAP = 5.0  # seconds: a loose bound only, the figure itself is reported






def frames_after(receiver, sender, t):
    return sum(1 for a in receiver.arrivals["audio"][sender.id] if a > t)


def gap_around(arrivals, killed_at):
    """The gap: the longest interval between consecutive arrivals that ends
    after the kill, up to the AFTER_FRAMES-th arrival after it (the first such
    interval spans the kill). Also, as the noise floor of this measurement on
    this machine, the longest interval in the BEFORE_KILL s before the kill,
    and the time from the kill to the first frame after it (frames already in
    the client's jitter buffer still come out)."""
    before = [a for a in arrivals if killed_at - BEFORE_KILL <= a <= killed_at]
    after = [a for a in arrivals if a > killed_at][:AFTER_FRAMES]
    window = before[-1:] + after
    gaps = [b - a for a, b in zip(window, window[1:])]
    baseline = [b - a for a, b in zip(before, before[1:])]
    return {
        "gap_s": round(max(gaps), 4) if gaps else None,
        "baseline_gap_s": round(max(baseline), 4) if baseline else None,
        "first_frame_after_kill_s": round(after[0] - killed_at, 4) if after else None,
        "frames_before_kill_in_window": len(before),
        # The first intervals from the last frame before the kill, in ms: a burst after the gap
        # (intervals near 0) means frames were held up, not lost.
        "first_intervals_ms": [round(g * 1000, 1) for g in gaps[:12]],
    }


class TreeWatch(threading.Thread):
    """Polls GET /v1/rooms/{room} every 10 ms (off the event loop) and notes
    when the plan first no longer uses `victim`: the controller's part of the
    failover (detection and replan), as opposed to links and media."""

    def __init__(self, cluster, room, victim, timeout=20.0):
        super().__init__(daemon=True)
        self.cluster, self.room, self.victim, self.timeout = cluster, room, victim, timeout
        self.replanned_at = None

    def run(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                tree = self.cluster.room(self.room)["tree"]
            except Exception:
                tree = None
            if tree is not None and all(self.victim not in (e["a"], e["b"]) for e in tree):
                self.replanned_at = time.monotonic()
                return
            time.sleep(0.01)


async def test_killing_a_transit_bridge_keeps_the_survivors_talking():
    cluster = ProcessCluster(prefix="meridian-failover-")
    people = []
    try:
        keys = {bridge_id: cluster.keygen(bridge_id) for bridge_id, _ in BRIDGES}
        cluster.write_topology(loopback_topology(BRIDGES, keys, strategy="tree", max_fanout=2))
        cluster.start_signal()
        for bridge_id, _ in BRIDGES:
            cluster.start_bridge(bridge_id)
        cluster.wait_bridges_up([b for b, _ in BRIDGES])

        for bridge_id, region in BRIDGES:
            p = Participant(cluster.url, ROOM, f"p-{region}", region=region)
            people.append(p)
            await p.join()
        placement = {p.name: p.bridge for p in people}
        assert len(set(placement.values())) == 4, f"one participant per bridge expected: {placement}"

        ok = await wait_until(everyone_receives(people, video=30, audio=50), timeout=90)
        assert ok, f"not everyone sees and hears everyone: {counts(people)}\n{cluster.where()}"

        # The tree the controller planned; a transit bridge has two edges or more.
        info = cluster.room(ROOM)
        assert info["strategy"] == "tree", info
        edges = [(e["a"], e["b"]) for e in info["tree"]]
        assert len(edges) == 3, f"4 bridges need 3 tree edges: {info}\n{cluster.where()}"
        degree = {}
        for a, b in edges:
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        transit = sorted((b for b in degree if degree[b] >= 2), key=lambda b: (-degree[b], b))
        assert transit, f"max-fanout 2 over 4 bridges must give transit bridges: {edges}"
        victim = transit[0]
        survivors = [p for p in people if p.bridge != victim]
        lost = [p for p in people if p.bridge == victim]
        crossing = {(r.id, s.id): victim in tree_path(edges, r.bridge, s.bridge)[1:-1]
                    for r in survivors for s in survivors if r is not s}

        watch = TreeWatch(cluster, ROOM, victim)
        watch.start()
        killed_at = cluster.kill_bridge(victim)
        # The participants of the dead bridge are lost for now (moving them is
        # the next issue): they leave the measurement.
        for p in lost:
            await p.close()

        def resumed():
            return all(frames_after(r, s, killed_at) >= AFTER_FRAMES
                       for r in survivors for s in survivors if r is not s)
        ok = await wait_until(resumed, timeout=60)
        after = {f"{r.name}<-{s.name}": frames_after(r, s, killed_at)
                 for r in survivors for s in survivors if r is not s}
        info_after = cluster.room(ROOM)
        assert ok, (f"media did not resume for every surviving pair after killing {victim}: "
                    f"frames after the kill {after}; tree before {edges}, after {info_after.get('tree')}\n"
                    f"{cluster.where()}")

        watch.join(timeout=1)
        replan_s = round(watch.replanned_at - killed_at, 4) if watch.replanned_at else None
        pairs = []
        for r in survivors:
            for s in survivors:
                if r is s:
                    continue
                figure = gap_around(r.arrivals["audio"][s.id], killed_at)
                pairs.append({"receiver": r.name, "sender": s.name, "receiver_bridge": r.bridge,
                              "sender_bridge": s.bridge, "path_crossed_killed_bridge": crossing[(r.id, s.id)],
                              **figure})
        measured = [p for p in pairs if p["path_crossed_killed_bridge"]]
        control = [p for p in pairs if not p["path_crossed_killed_bridge"]]
        # Before any figure is formatted: every pair resumed (above), so each has a gap.
        assert measured, f"no surviving pair crossed {victim}: {edges}"
        assert all(p["gap_s"] is not None for p in pairs), pairs
        max_gap = max(p["gap_s"] for p in measured)

        def seconds(value):
            return "n/a" if value is None else f"{value:.3f}"
        for p in pairs:
            kind = "crossed" if p["path_crossed_killed_bridge"] else "control"
            print(f"FAILOVER-GAP {kind} {p['receiver']}({p['receiver_bridge']}) <- "
                  f"{p['sender']}({p['sender_bridge']}): gap {seconds(p['gap_s'])} s "
                  f"(before the kill at most {seconds(p['baseline_gap_s'])} s; "
                  f"first frame {seconds(p['first_frame_after_kill_s'])} s after the kill)")
        print(f"FAILOVER-GAP the controller's plan stopped using {victim} {replan_s} s after the kill")
        print(f"FAILOVER-GAP max over {len(measured)} crossing pairs: {max_gap:.3f} s "
              f"(goal <= 0.5 s; killed {victim}; tree {edges} -> "
              f"{[(e['a'], e['b']) for e in info_after['tree']]})")

        os.makedirs(RESULTS, exist_ok=True)
        with open(os.path.join(RESULTS, "cascade_failover.json"), "w") as f:
            json.dump({"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "method": "per (receiver, sender) pair of survivors: longest interval between consecutive "
                                 "decoded Opus frames (20 ms each) ending after the SIGKILL, from the last frame "
                                 f"before it to the {AFTER_FRAMES}th after it; baseline_gap_s = longest interval "
                                 f"in the {BEFORE_KILL} s before the kill (measurement noise)",
                       "killed": victim, "tree_before": edges,
                       "tree_after": [(e["a"], e["b"]) for e in info_after["tree"]],
                       "max_gap_s": max_gap, "goal_s": 0.5, "replanned_after_s": replan_s,
                       # The controller's log of every plan of the room, in order.
                       "plans": [line.split(": ", 1)[1] for line in cluster.log_text("signal").splitlines()
                                 if line.startswith(f"cascade {ROOM}: ")], "pairs": pairs, "logs": cluster.directory},
                      f, indent=2)

        assert max_gap < SANITY_GAP, (f"media gap {max_gap:.3f} s after killing {victim} (bound {SANITY_GAP} s): "
                                      f"{measured}\n{cluster.where()}")
        assert all(p["gap_s"] < SANITY_GAP for p in control), control
    finally:
        for p in people:
            await p.close()
        cluster.stop()
