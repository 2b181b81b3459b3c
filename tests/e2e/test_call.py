"""Three real aiortc participants in one room on one bridge (issue: one-bridge slice)."""


from conftest import get_json
from participant import Participant, counts, everyone_receives, wait_until








async def test_three_participants_see_and_hear_each_other_then_one_leaves(cluster):
    people = [Participant(cluster.url, "standup", name) for name in ("alice", "bob", "carol")]
    try:
        for p in people:
            await p.join()
        assert len({p.bridge for p in people}) == 1, "one bridge per room"

        ok = await wait_until(everyone_receives(people, video=50, audio=100), timeout=60)
        assert ok, f"frames decoded: {counts(people)}\n{cluster.output()[-3000:]}"
        for p in people:
            assert not p.answer_errors, p.answer_errors
            assert {e["name"] for e in p.participants} == {"alice", "bob", "carol"}

        alice, bob, carol = people
        offers_before = {p.name: len(p.offers) for p in (alice, bob)}
        await carol.leave()
        await carol.close()

        # Both receive a renegotiation offer where carol's m-lines are inactive.
        def renegotiated():
            return all(len(p.offers) > offers_before[p.name] for p in (alice, bob))
        assert await wait_until(renegotiated, timeout=10)
        # The participants frame follows the offers on the same socket.
        assert await wait_until(lambda: all({e["name"] for e in p.participants} == {"alice", "bob"}
                                            for p in (alice, bob)), timeout=10)
        for p in (alice, bob):
            last = p.offers[-1]
            carol_section = [s for s in last.split("m=")[1:] if f"msid:{carol.id}" in s]
            assert not carol_section, "carol's m-lines must lose their sources"
            inactive = [s for s in last.split("m=")[1:] if "a=inactive" in s]
            assert len(inactive) == 2, "carol's audio and video m-lines become inactive"

        # ... and keep receiving each other.
        before = {p.name: (p.video_frames[q.id], p.audio_frames[q.id])
                  for p, q in ((alice, bob), (bob, alice))}
        def still_flowing():
            return all(p.video_frames[q.id] >= before[p.name][0] + 30 and p.audio_frames[q.id] >= before[p.name][1] + 50
                       for p, q in ((alice, bob), (bob, alice)))
        assert await wait_until(still_flowing, timeout=20), counts((alice, bob))
        room = get_json(f"{cluster.url}/v1/rooms/standup")
        assert {m["name"] for m in room["participants"]} == {"alice", "bob"}
    finally:
        for p in people:
            await p.close()
