"""`meridian signal` and `meridian bridge` as separate processes: the bridge
dials the controller with its derived secret, and two real clients talk
through it. A bridge presenting a wrong secret is refused."""

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request

from conftest import BINARY, ROOT, topology_text
from participant import Participant, wait_until


def start(args, log):
    return subprocess.Popen([BINARY, *args], stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)


def bridge_state(url, bridge_id):
    with urllib.request.urlopen(url + "/v1/bridges") as r:
        return next(b["state"] for b in json.load(r) if b["id"] == bridge_id)


async def test_signal_and_bridge_processes_carry_a_call():
    directory = tempfile.mkdtemp(prefix="meridian-procs-")
    topology = os.path.join(directory, "topology.yaml")
    with open(topology, "w") as f:
        f.write(topology_text([("fra-1", "eu-central")]))
    cluster_secret = os.path.join(directory, "cluster.secret")
    with open(cluster_secret, "w") as f:
        f.write(os.urandom(24).hex())
    secret = subprocess.run([BINARY, "bridge", "secret", "--id", "fra-1", "--cluster-secret-file", cluster_secret],
                            capture_output=True, text=True, check=True).stdout.strip()
    bridge_secret = os.path.join(directory, "fra-1.secret")
    with open(bridge_secret, "w") as f:
        f.write(secret)
    wrong_secret = os.path.join(directory, "wrong.secret")
    with open(wrong_secret, "w") as f:
        f.write("0" * 64)

    log = open(os.path.join(directory, "processes.log"), "w")
    signal = start(["signal", "--topology", topology, "--listen", "127.0.0.1:0",
                    "--cluster-secret-file", cluster_secret], log)
    processes = [signal]
    try:
        line = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not line.startswith("controller:"):
            line = signal.stdout.readline()
        url = re.match(r"controller: (http://\S+)", line).group(1)
        ws = url.replace("http://", "ws://")

        impostor = start(["bridge", "--topology", topology, "--id", "fra-1", "--controller", ws,
                          "--secret-file", wrong_secret], log)
        processes.append(impostor)
        time.sleep(2)
        assert bridge_state(url, "fra-1") == "down", "a wrong secret must not register the bridge"
        impostor.terminate()
        impostor.wait(timeout=10)

        bridge = start(["bridge", "--topology", topology, "--id", "fra-1", "--controller", ws,
                        "--secret-file", bridge_secret], log)
        processes.append(bridge)
        assert await wait_until(lambda: bridge_state(url, "fra-1") == "up", timeout=20)

        alice, bob = Participant(url, "procs", "alice"), Participant(url, "procs", "bob")
        try:
            await alice.join()
            await bob.join()
            def flowing():
                return (alice.video_frames[bob.id] >= 30 and bob.video_frames[alice.id] >= 30
                        and alice.audio_frames[bob.id] >= 50 and bob.audio_frames[alice.id] >= 50)
            assert await wait_until(flowing, timeout=60), (dict(alice.video_frames), dict(bob.video_frames))
        finally:
            await alice.close()
            await bob.close()
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
