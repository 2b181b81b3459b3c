"""Real overlay (DESIGN §7): a 3-bridge call across network namespaces, each
bridge in its own namespace behind `meridian overlay up` (WireGuard through
wireguard-go), the controller and the aiortc clients in the test's own
(root) namespace.

    namespace mc<tag>hub: Linux bridge br0
       ├─ veth h1 ── eth0 in mc<tag>b1   NET.1/24   bridge b1, WireGuard wgm-<tag>-1 10.77.1.1
       ├─ veth h2 ── eth0 in mc<tag>b2   NET.2/24   bridge b2, WireGuard wgm-<tag>-2 10.77.1.2
       ├─ veth h3 ── eth0 in mc<tag>b3   NET.3/24   bridge b3, WireGuard wgm-<tag>-3 10.77.1.3
       └─ veth hr ── mcr<tag> in the root namespace  NET.254/24  controller, participants

NET is 192.168.N.0/24 with N random per run. One /24, no routing, no sysctl.
Participants reach the bridges' media addresses on NET directly; bridges
reach each other's cascade address 10.77.1.N:4096 only through WireGuard.
Everything created here is removed in `finally`, processes inside the
namespaces first (`ip netns pids`)."""

import os
import random
import shutil
import signal
import subprocess
import time

import pytest

from conftest import BINARY
from participant import Participant, counts, everyone_receives, wait_until
from process_cluster import ProcessCluster, run_meridian, wireguard_topology

REGIONS = ["eu-central", "us-east", "ap-southeast"]
ROOM = "netns"


def unavailable_reason():
    if os.geteuid() != 0:
        return "not root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)"
    for tool in ("ip", "wireguard-go", "wg"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install iproute2 wireguard-go wireguard-tools)"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun does not exist, so wireguard-go cannot create interfaces"
    if not os.path.exists(BINARY):
        return f"no meridian binary at {BINARY}"
    return None


def sh(*command):
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}{result.stdout}")
    return result.stdout


class Lab:
    """Namespaces and links of one run, named with a random tag."""

    def __init__(self, count):
        self.tag = f"{random.randrange(1 << 24):06x}"
        self.subnet = random.randrange(100, 250)
        self.count = count
        self.namespaces = []
        self.root_veth = f"mcr{self.tag}"

    def address(self, n):
        return f"192.168.{self.subnet}.{n}"

    @property
    def root_address(self):
        return self.address(254)

    def namespace(self, role):
        return f"mc{self.tag}{role}"

    def interface(self, n):
        return f"wgm-{self.tag}-{n}"  # 12 bytes; unique across runs (wireguard-go's shared UAPI directory)

    def add_namespace(self, role):
        name = self.namespace(role)
        sh("ip", "netns", "add", name)
        self.namespaces.append(name)
        sh("ip", "-n", name, "link", "set", "lo", "up")
        return name

    def build(self):
        for n in range(1, self.count + 1):
            if sh("ip", "-br", "addr").find(self.address(n) + "/") >= 0:
                raise AssertionError(f"{self.address(n)} already in use here")
        hub = self.add_namespace("hub")
        sh("ip", "-n", hub, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", hub, "link", "set", "br0", "up")
        for n in range(1, self.count + 1):
            ns = self.add_namespace(f"b{n}")
            sh("ip", "-n", hub, "link", "add", f"h{n}", "type", "veth", "peer", "name", "eth0", "netns", ns)
            sh("ip", "-n", hub, "link", "set", f"h{n}", "master", "br0", "up")
            sh("ip", "-n", ns, "addr", "add", f"{self.address(n)}/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
        # The root namespace's leg: created in the hub, its peer moved to this process's namespace.
        sh("ip", "-n", hub, "link", "add", "hr", "type", "veth", "peer", "name", self.root_veth, "netns", str(os.getpid()))
        sh("ip", "-n", hub, "link", "set", "hr", "master", "br0", "up")
        sh("ip", "addr", "add", f"{self.root_address}/24", "dev", self.root_veth)
        sh("ip", "link", "set", self.root_veth, "up")

    def destroy(self):
        """Never raises: kills what runs inside each namespace, deletes it, and the root veth."""
        for name in reversed(self.namespaces):
            for _ in range(3):
                result = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
                pids = [int(p) for p in result.stdout.split()]
                if not pids:
                    break
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    for pid in pids:
                        try:
                            os.kill(pid, sig)
                        except ProcessLookupError:
                            pass
                    time.sleep(0.2)
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        subprocess.run(["ip", "link", "del", self.root_veth], capture_output=True)
        self.namespaces = []


def transfer(lab, n):
    """`wg show IFACE transfer` in bridge n's namespace (wireguard-tools reads
    wireguard-go's counters): {peer public key: (rx bytes, tx bytes)}."""
    out = sh("ip", "netns", "exec", lab.namespace(f"b{n}"), "wg", "show", lab.interface(n), "transfer")
    result = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3:
            result[fields[0]] = (int(fields[1]), int(fields[2]))
    return result






async def test_three_bridges_in_namespaces_carry_a_call_over_wireguard():
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    lab = Lab(count=3)
    cluster = ProcessCluster(prefix="meridian-netns-")
    ids = [f"b{n}" for n in range(1, 4)]
    people = []
    overlay_up = []
    try:
        lab.build()
        keys = {bridge_id: cluster.keygen(bridge_id) for bridge_id in ids}
        bridges = [(f"b{n}", REGIONS[n - 1], lab.address(n), f"10.77.1.{n}") for n in range(1, 4)]
        cluster.write_topology(wireguard_topology(bridges, keys, strategy="tree"))
        for n, bridge_id in enumerate(ids, start=1):
            run_meridian(["overlay", "up", "--topology", cluster.topology, "--id", bridge_id,
                          "--interface", lab.interface(n)], netns=lab.namespace(f"b{n}"))
            overlay_up.append(n)

        url = cluster.start_signal(listen=f"{lab.root_address}:0")
        for n, bridge_id in enumerate(ids, start=1):
            cluster.start_bridge(bridge_id, netns=lab.namespace(f"b{n}"))
        cluster.wait_bridges_up(ids)

        for n, region in enumerate(REGIONS, start=1):
            p = Participant(url, ROOM, f"p-{region}", region=region)
            people.append(p)
            await p.join()
        placement = {p.name: p.bridge for p in people}
        assert len(set(placement.values())) == 3, f"one participant per bridge expected: {placement}"

        ok = await wait_until(everyone_receives(people, video=30, audio=50), timeout=90)
        assert ok, f"not everyone sees and hears everyone: {counts(people)}\n{cluster.where()}"
        for p in people:
            assert not p.answer_errors, p.answer_errors

        info = cluster.room(ROOM)
        print(f"NETNS tree {[(e['a'], e['b']) for e in info.get('tree', [])]}; frames {counts(people)}")
        # Cascade traffic went through WireGuard: on every tree edge, each end's
        # interface moved real bytes to and from the other end (media flows both
        # ways: every bridge has a sender). Pairs outside the tree are printed only.
        by_key = {keys[i]["public-key"]: i for i in ids}
        wg_bytes = {}  # (bridge, peer) -> (rx, tx) as `wg show IFACE transfer` inside bridge's namespace
        for n, bridge_id in enumerate(ids, start=1):
            for key, rx_tx in transfer(lab, n).items():
                wg_bytes[(bridge_id, by_key.get(key, key))] = rx_tx
        print(f"NETNS wireguard (rx, tx) bytes per (bridge, peer): {wg_bytes}")
        tree = [(e["a"], e["b"]) for e in info["tree"]]
        assert len(tree) == 2, f"three bridges need two tree edges: {info}\n{cluster.where()}"
        for a, b in tree:
            for end, other in ((a, b), (b, a)):
                rx, tx = wg_bytes.get((end, other), (0, 0))
                assert rx > 10_000 and tx > 10_000, \
                    f"tree edge {end}->{other}: only rx {rx} / tx {tx} bytes through WireGuard: {wg_bytes}\n{cluster.where()}"
        links = {b["id"]: b.get("links") for b in cluster.bridges()}
        print(f"NETNS links {links}")
        for edge in info.get("tree", []):
            for end, other in ((edge["a"], edge["b"]), (edge["b"], edge["a"])):
                assert any(l["peer"] == other and l["up"] for l in links.get(end, [])), \
                    f"link {end}->{other} of the tree is not up: {links}\n{cluster.where()}"
    finally:
        for p in people:
            await p.close()
        cluster.stop()
        for n in overlay_up:
            run_meridian(["overlay", "down", "--interface", lab.interface(n)],
                         netns=lab.namespace(f"b{n}"), check=False)
        lab.destroy()
