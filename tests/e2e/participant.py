"""A real WebRTC participant (aiortc) that joins a Meridian room through the
client API, sends synthetic VP8 video and Opus audio, and counts the frames it
decodes from each other participant."""

import asyncio
import json
import re
import time
from collections import defaultdict

import aiohttp
import numpy
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from av import VideoFrame


class SmallVideoTrack(VideoStreamTrack):
    """320x240 frames at 30 fps with a moving bar, cheap to encode on 2 cores."""

    def __init__(self):
        super().__init__()
        self.counter = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        image = numpy.zeros((240, 320, 3), numpy.uint8)
        x = (self.counter * 4) % 320
        image[:, x : x + 16] = (255, 128, 0)
        self.counter += 1
        frame = VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class Participant:
    def __init__(self, base_url, room, name, region=None, munge_offer=None):
        self.base_url = base_url
        self.room = room
        self.name = name
        self.region = region
        self.munge_offer = munge_offer or (lambda sdp: sdp)
        self.pc = self._new_connection()
        self.session = aiohttp.ClientSession()
        self.id = None
        self.bridge = None
        self.revision = 0
        self.offers = []  # every offer SDP received, in order
        self.participants = []  # last participants list pushed
        self.video_frames = defaultdict(int)  # remote participant id -> decoded frames
        self.audio_frames = defaultdict(int)
        self.last_video_at = {}
        # kind -> remote participant id -> monotonic time of each decoded frame (gap measurements)
        self.arrivals = {"audio": defaultdict(list), "video": defaultdict(list)}
        self.tasks = []
        self.answer_errors = []
        # Moves to another bridge (failover): the offer's ICE ufrag or DTLS
        # fingerprint changed. `connection` counts peer connections (0 = the
        # first); `moves` holds the monotonic time of each move;
        # `first_video_at[connection]` the first decoded video frame on it.
        self.transport = None
        self.connection = 0
        self.moves = []
        self.first_video_at = {}

    @staticmethod
    def _transport(sdp):
        ufrag = re.search(r"^a=ice-ufrag:(\S+)", sdp, re.M)
        fingerprint = re.search(r"^a=fingerprint:(.+)$", sdp, re.M)
        return (ufrag and ufrag.group(1), fingerprint and fingerprint.group(1).strip())

    def _new_connection(self):
        # Meridian bundles every m-line on one transport (DESIGN §4: clients use max-bundle).
        pc = RTCPeerConnection(RTCConfiguration(bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        connection = getattr(self, "connection", 0)
        pc.on("track", lambda track: self._on_track(track, connection))
        return pc

    # --- joining and negotiation -------------------------------------------

    async def join(self):
        body = {"name": self.name}
        if self.region:
            body["region"] = self.region
        async with self.session.post(f"{self.base_url}/v1/rooms/{self.room}/participants", json=body) as r:
            text = await r.text()
            assert r.status == 201, f"join failed: {r.status} {text}"
            joined = json.loads(text)
        self.id, self.bridge, self.joined = joined["id"], joined["bridge"], joined
        await self._apply_offer(joined["offer"], joined["revision"], first=True)
        self.tasks.append(asyncio.ensure_future(self._events(joined["events"])))
        return joined

    async def _apply_offer(self, sdp, revision, first=False):
        self.offers.append(sdp)
        transport = self._transport(sdp)
        if not first and transport != self.transport:
            # Moved to another bridge: aiortc cannot restart ICE/DTLS on a
            # connection, so answer the new offer with a fresh one.
            await self._move()
            first = True
        self.transport = transport
        await self.pc.setRemoteDescription(RTCSessionDescription(self.munge_offer(sdp), "offer"))
        if first:
            transceivers = self.pc.getTransceivers()
            transceivers[0].sender.replaceTrack(AudioStreamTrack())
            transceivers[0].direction = "sendonly"
            transceivers[1].sender.replaceTrack(SmallVideoTrack())
            transceivers[1].direction = "sendonly"
        answer = await self.pc.createAnswer()
        await self.pc.setLocalDescription(answer)
        url = f"{self.base_url}/v1/rooms/{self.room}/participants/{self.id}/answer"
        async with self.session.post(url, json={"sdp": self.pc.localDescription.sdp, "revision": revision}) as r:
            if r.status != 204:
                self.answer_errors.append((r.status, await r.text()))
            else:
                self.revision = revision

    async def _move(self):
        old = self.pc
        self.moves.append(time.monotonic())
        self.connection += 1
        self.pc = self._new_connection()
        await old.close()

    async def _events(self, path):
        url = self.base_url.replace("http://", "ws://") + path
        async with self.session.ws_connect(url) as ws:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                frame = json.loads(message.data)
                if frame["type"] == "offer":
                    await self._apply_offer(frame["sdp"], frame["revision"])
                elif frame["type"] == "participants":
                    self.participants = frame["list"]

    async def leave(self):
        async with self.session.delete(f"{self.base_url}/v1/rooms/{self.room}/participants/{self.id}") as r:
            assert r.status == 204, await r.text()

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await self.pc.close()
        await self.session.close()

    # --- media ----------------------------------------------------------------

    def _on_track(self, track, connection=0):
        # The offer's a=msid is "<participant id> <participant id>-<kind>".
        owner = track.id.rsplit("-", 1)[0] if track.id else "?"
        self.tasks.append(asyncio.ensure_future(self._consume(track, owner, connection)))

    async def _consume(self, track, owner, connection=0):
        counts = self.video_frames if track.kind == "video" else self.audio_frames
        while True:
            try:
                await track.recv()
            except Exception:
                return
            counts[owner] += 1
            self.arrivals[track.kind][owner].append(time.monotonic())
            if track.kind == "video":
                self.last_video_at[owner] = time.monotonic()
                self.first_video_at.setdefault(connection, time.monotonic())


async def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(interval)
    return predicate()


def everyone_receives(people, video, audio):
    """A predicate for wait_until: every participant decoded at least `video`
    and `audio` frames from every other one."""
    def check():
        return all(p.video_frames[o.id] >= video and p.audio_frames[o.id] >= audio
                   for p in people for o in people if o is not p)
    return check


def counts(people):
    """Decoded frames per participant, its bridge, and per sender, for assertion messages."""
    return {p.name: {"bridge": p.bridge, "video": dict(p.video_frames), "audio": dict(p.audio_frames)}
            for p in people}
