"""Starts `meridian up` (the real binary) on a topology with free ports."""

import os
import re
import socket
import subprocess
import tempfile
import time

import json
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("MERIDIAN_BIN", os.path.join(ROOT, ".build", "debug", "meridian"))


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REGIONS = {
    "eu-central": (50.11, 8.68),
    "us-east": (39.04, -77.49),
    "ap-southeast": (1.35, 103.82),
    "sa-east": (-23.55, -46.63),
}


def get_json(url):
    """GET a JSON document from the controller (5 s timeout)."""
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def topology_text(bridges, strategy="tree", max_fanout=4, keys=None, name="e2e"):
    """A loopback topology with the given (id, region) bridges on free ports;
    `keys` (id → {"cascade-key": …}, from `meridian keygen`) adds each
    bridge's cascade-key, for bridges run as separate processes."""
    lines = [
        "version: 1",
        f"name: {name}",
        "regions:",
        *[f"  {name}: {{ lat: {lat}, lon: {lon} }}" for name, (lat, lon) in REGIONS.items()],
        "overlay:",
        "  mode: loopback",
        "bridges:",
    ]
    for bridge_id, region in bridges:
        lines += [
            f"  {bridge_id}:",
            f"    region: {region}",
            f"    media: 127.0.0.1:{free_udp_port()}",
            f"    overlay: 127.0.0.1:{free_udp_port()}",
        ]
        if keys:
            lines.append(f"    cascade-key: \"{keys[bridge_id]['cascade-key']}\"")
    lines += ["signaling:", "  listen: 127.0.0.1:8080", "  default-region: eu-central",
              "cascade:", f"  strategy: {strategy}", f"  max-fanout: {max_fanout}", ""]
    return "\n".join(lines)


class Cluster:
    def __init__(self, process, url, bridges, log_path):
        self.process, self.url, self.bridges, self.log_path = process, url, bridges, log_path

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def start_cluster(bridges, strategy="tree", max_fanout=4, extra_args=()):
    """Runs `meridian up` on a fresh topology; returns a Cluster (stop it with .stop())."""
    directory = tempfile.mkdtemp(prefix="meridian-e2e-")
    path = os.path.join(directory, "topology.yaml")
    with open(path, "w") as f:
        f.write(topology_text(bridges, strategy, max_fanout))
    log_path = os.path.join(directory, "up.log")
    log = open(log_path, "w")
    process = subprocess.Popen(
        [BINARY, "up", "--topology", path, "--listen", "127.0.0.1:0", *extra_args],
        stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT,
    )
    url, media = None, {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        log.write(line)
        log.flush()
        if m := re.match(r"controller: (http://\S+)", line):
            url = m.group(1)
        if m := re.match(r"bridge (\S+) \((\S+)\): media (\S+?),? ", line + " "):
            host, port = m.group(3).rsplit(":", 1)
            media[m.group(1)] = (host, int(port))
        if line.startswith("join with:"):
            break
    assert url, f"meridian up did not start; log: {log_path}"

    # Keep draining stdout into the log so the process never blocks on a full pipe.
    import threading

    def drain():
        for line in process.stdout:
            log.write(line)
            log.flush()

    threading.Thread(target=drain, daemon=True).start()
    # Bridges dial the controller right after start; give them a moment.
    states = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            states = {b["id"]: b["state"] for b in get_json(url + "/v1/bridges")}
            if states and all(state == "up" for state in states.values()):
                break
        except OSError:
            pass  # the listener may still be starting (seen once as a connection reset)
        time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError(f"bridges not up after 30 s: {states}; log: {log_path}")
    cluster = Cluster(process, url, media, log_path)
    cluster.log = log
    return cluster


@pytest.fixture
def cluster():
    started = start_cluster([("fra-1", "eu-central"), ("iad-1", "us-east"), ("sin-1", "ap-southeast")])
    yield started
    started.stop()
