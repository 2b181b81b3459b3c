"""A Meridian cluster as separate processes: `meridian signal` and one
`meridian bridge` per topology bridge, each with its own control secret and
its own cascade key from `meridian keygen`. Optionally a bridge runs inside a
network namespace (`ip netns exec NS …`).

Every process writes to its own log file in one temporary directory;
`cluster.where()` names that directory so assertion messages point at it.

    cluster = ProcessCluster()
    keys = cluster.keygen("fra-1")            # {"cascade-key": …, "public-key": …}
    cluster.write_topology(loopback_topology([...], keys_by_id))
    url = cluster.start_signal()
    cluster.start_bridge("fra-1")
    …
    cluster.kill_bridge("fra-1")              # SIGKILL, returns time.monotonic()
    cluster.stop()
"""

import os
import re
import signal
import subprocess
import tempfile
import time

from conftest import BINARY, REGIONS, ROOT, get_json, topology_text


def run_meridian(args, netns=None, check=True, timeout=60):
    """Runs `meridian ARGS` (inside `netns` if given) to completion."""
    command = ([*netns_exec(netns), BINARY, *args])
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {result.returncode}\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def netns_exec(netns):
    return ["ip", "netns", "exec", netns] if netns else []


def regions_lines():
    return ["regions:", *[f"  {name}: {{ lat: {lat}, lon: {lon} }}" for name, (lat, lon) in REGIONS.items()]]


def loopback_topology(bridges, keys, strategy="tree", max_fanout=4):
    """Loopback overlay: `bridges` are (id, region); every bridge gets free
    media and overlay ports on 127.0.0.1 and its cascade-key from `keys`."""
    return topology_text(bridges, strategy, max_fanout, keys=keys, name="e2e-cascade")


def wireguard_topology(bridges, keys, strategy="tree", max_fanout=4, network="10.77.0.0/16", wireguard_port=51820):
    """WireGuard overlay: `bridges` are (id, region, underlay IP, overlay IP);
    media on UNDERLAY:10000, WireGuard on UNDERLAY:wireguard_port, cascade
    traffic on OVERLAY:4096."""
    lines = ["version: 1", "name: e2e-netns", *regions_lines(), "overlay:", "  mode: wireguard",
             f"  network: {network}", f"  wireguard-port: {wireguard_port}", "bridges:"]
    for bridge_id, region, underlay, overlay in bridges:
        lines += [
            f"  {bridge_id}:",
            f"    region: {region}",
            f"    media: {underlay}:10000",
            f"    overlay: {overlay}:4096",
            f"    wireguard: {{ endpoint: {underlay}:{wireguard_port}, public-key: \"{keys[bridge_id]['public-key']}\" }}",
            f"    cascade-key: \"{keys[bridge_id]['cascade-key']}\"",
        ]
    lines += ["signaling:", "  listen: 127.0.0.1:8080", "  default-region: eu-central",
              "cascade:", f"  strategy: {strategy}", f"  max-fanout: {max_fanout}", ""]
    return "\n".join(lines)




class ProcessCluster:
    def __init__(self, prefix="meridian-cascade-"):
        self.directory = tempfile.mkdtemp(prefix=prefix)
        self.topology = os.path.join(self.directory, "topology.yaml")
        self.cluster_secret = os.path.join(self.directory, "cluster.secret")
        with open(self.cluster_secret, "w") as f:
            f.write(os.urandom(24).hex())
        self.processes = {}  # name -> Popen
        self.logs = {}  # name -> open log file
        self.url = None
        self.ws = None

    def where(self):
        return f"logs and topology in {self.directory}"

    # --- keys and topology ---------------------------------------------------

    def keygen(self, bridge_id):
        """`meridian keygen --id ID --out DIR`: writes DIR/ID.key (the default
        key file of a bridge whose topology is in DIR) and returns the public
        lines it printed: {"cascade-key": …, "public-key": …}."""
        out = run_meridian(["keygen", "--id", bridge_id, "--out", self.directory]).stdout
        keys = {}
        for name in ("cascade-key", "public-key"):
            m = re.search(name + r':\s*"([^"]+)"', out)
            assert m, f"keygen printed no {name} line:\n{out}"
            keys[name] = m.group(1)
        return keys

    def write_topology(self, text):
        with open(self.topology, "w") as f:
            f.write(text)
        run_meridian(["topology", "check", self.topology])

    # --- processes -----------------------------------------------------------

    def _spawn(self, name, command):
        log = open(os.path.join(self.directory, f"{name}.log"), "w")
        self.logs[name] = log
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   text=True, cwd=ROOT)
        self.processes[name] = process
        return process

    def log_text(self, name):
        try:
            with open(os.path.join(self.directory, f"{name}.log")) as f:
                return f.read()
        except OSError:
            return ""

    def start_signal(self, listen="127.0.0.1:0", timeout=30):
        """Starts the controller; returns its http:// URL (read from its log)."""
        process = self._spawn("signal", [BINARY, "signal", "--topology", self.topology, "--listen", listen,
                                         "--cluster-secret-file", self.cluster_secret])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if m := re.search(r"^controller: (http://\S+)", self.log_text("signal"), re.M):
                self.url = m.group(1)
                self.ws = self.url.replace("http://", "ws://")
                return self.url
            assert process.poll() is None, f"meridian signal exited {process.returncode}; {self.where()}"
            time.sleep(0.05)
        raise AssertionError(f"meridian signal did not print its URL; {self.where()}")

    def bridge_secret(self, bridge_id):
        path = os.path.join(self.directory, f"{bridge_id}.secret")
        if not os.path.exists(path):
            secret = run_meridian(["bridge", "secret", "--id", bridge_id,
                                   "--cluster-secret-file", self.cluster_secret]).stdout.strip()
            with open(path, "w") as f:
                f.write(secret)
        return path

    def start_bridge(self, bridge_id, netns=None):
        """Starts `meridian bridge` for `bridge_id` (its key file is the
        default ID.key next to the topology), inside `netns` if given."""
        command = [*netns_exec(netns), BINARY, "bridge", "--topology", self.topology, "--id", bridge_id,
                   "--controller", self.ws, "--secret-file", self.bridge_secret(bridge_id)]
        return self._spawn(bridge_id, command)

    def bridges(self):
        return get_json(self.url + "/v1/bridges")

    def room(self, room):
        return get_json(f"{self.url}/v1/rooms/{room}")

    def wait_bridges_up(self, ids, timeout=30):
        deadline = time.monotonic() + timeout
        states = {}
        while time.monotonic() < deadline:
            try:
                states = {b["id"]: b["state"] for b in self.bridges()}
            except OSError:
                pass  # the listener may still be starting (seen once as a connection reset)
            if all(states.get(i) == "up" for i in ids):
                return
            for i in ids:
                process = self.processes.get(i)
                assert process is None or process.poll() is None, \
                    f"bridge {i} exited {process.returncode}:\n{self.log_text(i)[-2000:]}\n{self.where()}"
            time.sleep(0.1)
        raise AssertionError(f"bridges not up after {timeout} s: {states}; {self.where()}")

    def kill_bridge(self, bridge_id):
        """SIGKILL (no goodbye to anyone); returns time.monotonic() of the kill."""
        process = self.processes[bridge_id]
        process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        process.wait(timeout=10)
        return killed_at

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for name, process in self.processes.items():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for log in self.logs.values():
            log.close()


def tree_path(edges, a, b):
    """Bridges on the path from a to b in a tree given as (x, y) pairs, ends included; None if unconnected."""
    neighbours = {}
    for x, y in edges:
        neighbours.setdefault(x, set()).add(y)
        neighbours.setdefault(y, set()).add(x)
    previous, frontier = {a: None}, [a]
    while frontier:
        node = frontier.pop()
        for nxt in neighbours.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                frontier.append(nxt)
    if b not in previous:
        return None
    path = [b]
    while path[-1] != a:
        path.append(previous[path[-1]])
    return path[::-1]
