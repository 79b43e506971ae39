#!/usr/bin/env python3
"""The fault suite: proves that the agent loses nothing through crashes, outages, dead links,
full disks and corrupt files, against a real mosquitto with mutual TLS on 127.0.0.1.

Usage: Scripts/fault-suite.py [--long] [--only NAME ...]
  default   the reduced form CI runs (a few minutes)
  --long    the full form: 50 SIGKILLs in 100,000 readings, a 10-minute broker outage, six
            failovers between two brokers, and a RabbitMQ cluster node killed (when
            rabbitmq-server is installed: apt-get install rabbitmq-server)

Every scenario prints its figures (readings sent, received, lost, duplicated, dropped by
policy) and the suite ends with a line `N passed, N failed`. Loss is judged by accounting:
after the agent stopped, every sequence number from 1 to the highest ever assigned must be
received by the subscriber, still in the outbox, or counted as dropped by policy.
Only the Python standard library is used.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GATEWAY = "fault-gw"
TOPIC = f"sensorgw/{GATEWAY}/readings"
STATUS_TOPIC = f"sensorgw/{GATEWAY}/status"


CHILDREN = []


def spawn(*args, **kwargs):
    """Popen that the suite cleans up after each scenario, whatever happened."""
    proc = subprocess.Popen(*args, **kwargs)
    CHILDREN.append(proc)
    return proc


def reap_children():
    for proc in CHILDREN:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    CHILDREN.clear()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    if not condition():
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Workspace:
    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix=f"sensorgw-fault-{name}-")
        self.certs = os.path.join(self.dir, "certs")
        subprocess.run(["bash", os.path.join(ROOT, "Scripts/make-test-certs.sh"), self.certs, GATEWAY],
                       check=True, stdout=subprocess.DEVNULL)

    def path(self, name):
        return os.path.join(self.dir, name)

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Broker:
    def __init__(self, ws, port=None, name="broker"):
        self.ws, self.port, self.proc, self.starts, self.name = ws, port or free_port(), None, 0, name

    def start(self):
        self.starts += 1
        conf = self.ws.path(f"{self.name}-mosquitto.conf")
        with open(conf, "w") as out:
            subprocess.run(["bash", os.path.join(ROOT, "Scripts/mosquitto-tls.conf.sh"), self.ws.certs,
                            str(self.port), self.ws.path(f"{self.name}-data")], check=True, stdout=out)
        log = open(self.ws.path(f"{self.name}-{self.starts}.log"), "w")
        self.proc = spawn(["mosquitto", "-c", conf], stdout=log, stderr=log)
        wait_for("mosquitto", lambda: _listening(self.port), 10)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(20)
            self.proc = None

    def kill(self):
        """SIGKILL: the broker's sockets close without a DISCONNECT, its state unsaved past autosave."""
        if self.proc:
            self.proc.kill()
            self.proc.wait(20)
            self.proc = None


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Subscriber:
    """mosquitto_sub with a persistent session: what the broker delivered, by topic."""

    def __init__(self, ws, broker, name="fault-subscriber", host="localhost", incarnation=1):
        # mosquitto_sub exits when its broker dies; the next one (same client id, so the same
        # persistent session) writes a file of its own.
        self.out = ws.path(f"received-{name}-{incarnation}.txt")
        c = ws.certs
        self.base = ["-h", host, "-p", str(broker.port), "--cafile", f"{c}/ca.pem",
                     "--cert", f"{c}/subscriber.pem", "--key", f"{c}/subscriber.key"]
        self.proc = spawn(["mosquitto_sub", *self.base, "-i", name, "-c", "-q", "1",
                                      "-t", "sensorgw/#", "-t", "probe", "-F", "%t %p"],
                                     stdout=open(self.out, "w"), stderr=subprocess.DEVNULL)

        def probe_arrived():
            subprocess.run(["mosquitto_pub", *self.base, "-t", "probe", "-m", "x", "-q", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return any(line.startswith("probe ") for line in self.lines())

        wait_for("subscriber", probe_arrived, 20)

    def lines(self):
        with open(self.out, errors="replace") as f:
            return f.read().splitlines()

    def readings(self):
        """Sequence numbers in arrival order, and payload by sequence (to check duplicates)."""
        return readings_in(self.lines())

    def statuses(self):
        return [json.loads(line[len(STATUS_TOPIC) + 1:]) for line in self.lines() if line.startswith(STATUS_TOPIC + " ")]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def readings_in(lines):
    """Sequence numbers of the readings among `lines` in arrival order, and how many numbers
    arrived again with another payload."""
    order, payloads, conflicts = [], {}, 0
    for line in lines:
        if not line.startswith(TOPIC + " "):
            continue
        payload = line[len(TOPIC) + 1:]
        try:
            seq = json.loads(payload)[0]["seq"]
        except (ValueError, KeyError, IndexError):
            continue
        if seq in payloads and payloads[seq] != payload:
            conflicts += 1
        payloads.setdefault(seq, payload)
        order.append(seq)
    return order, conflicts


class Subscribers:
    """Subscribers on several brokers read as one: a reading counts wherever it arrived, and a
    number that arrived on two brokers must carry the same payload on both."""

    def __init__(self, *subs):
        self.subs = list(subs)

    def lines(self):
        return [line for sub in self.subs for line in sub.lines()]

    def readings(self):
        return readings_in(self.lines())

    def stop(self):
        for sub in self.subs:
            sub.stop()


class Agent:
    def __init__(self, ws, port, rate_per_sample=20, interval="100ms", extra_storage="", replay_rate=5000,
                 keepalive="5s", db=None, host="localhost", extra_mqtt=""):
        self.ws, self.proc = ws, None
        self.db = db or ws.path("outbox.sqlite")
        self.log_path = ws.path("agent.log")
        self.config = ws.path("agent.yaml")
        with open(self.config, "w") as f:
            f.write(f"""gateway: {{ id: {GATEWAY} }}
board: simulated
sensors:
  - id: stream
    type: synthetic
    readings_per_sample: {rate_per_sample}
    interval: {interval}
storage:
  path: {self.db}
  flush_interval: 200ms{extra_storage}
mqtt:
  host: {host}
  port: {port}{extra_mqtt}
  keepalive: {keepalive}
  inflight_window: 50
  replay_rate: {replay_rate}
  reconnect: {{ initial: 200ms, max: 2s }}
  tls: {{ ca: certs/ca.pem, certificate: certs/client.pem, key: certs/client.key }}
log: {{ level: info }}
""")

    def start(self):
        self.proc = spawn([BINARY, "run", "--config", self.config],
                                     stdout=subprocess.DEVNULL, stderr=open(self.log_path, "a"))

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(40)
        if code != 0:
            raise AssertionError(f"agent exited with {code} after SIGTERM")

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def highest(self):
        """The highest sequence number assigned so far (the agent may be running: WAL readers are fine)."""
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as db:
                row = db.execute("SELECT seq FROM sqlite_sequence WHERE name='readings'").fetchone()
                return row[0] if row else 0
        except sqlite3.Error:
            return 0

    def outbox(self):
        """After stop: (pending sequence numbers, highest assigned, drop counters, dropped numbers)."""
        with sqlite3.connect(self.db) as db:
            pending = {r[0] for r in db.execute("SELECT seq FROM readings")}
            row = db.execute("SELECT seq FROM sqlite_sequence WHERE name='readings'").fetchone()
            drops = dict(db.execute("SELECT name, value FROM counters WHERE name LIKE 'dropped_%'").fetchall())
            dropped = set()
            for first, last in db.execute("SELECT first, last FROM dropped_ranges"):
                dropped.update(range(first, last + 1))
        return pending, (row[0] if row else 0), drops, dropped


def rig(name):
    """A workspace with certificates, a broker and a subscriber: what every scenario starts with."""
    ws = Workspace(name)
    broker = Broker(ws)
    broker.start()
    return ws, broker, Subscriber(ws, broker)


def teardown(ws, broker, sub):
    sub.stop()
    broker.stop()
    ws.remove()


def account(sub, agent, expect_drops=False):
    """The figures every scenario prints, and the loss check."""
    order, conflicts = sub.readings()
    pending, highest, drops, dropped_numbers = agent.outbox()
    received = set(order)
    dropped = sum(drops.values())
    # Each number from 1 to the highest must be received, still stored, or dropped by policy (the
    # outbox records which numbers it dropped). Readings dropped for a full disk before they were
    # stored never got a number and are only counted.
    missing = [s for s in range(1, highest + 1) if s not in received and s not in pending and s not in dropped_numbers]
    lost = len(missing)
    figures = {"sent": highest, "received": len(received), "lost": lost, "duplicated": len(order) - len(received),
               "dropped_by_policy": dropped, "dropped_and_received_anyway": len(dropped_numbers & received),
               "still_stored": len(pending - received), "changed_payloads": conflicts}
    print("   figures: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    if lost != 0:
        raise AssertionError(f"{lost} readings lost (first missing: {missing[:10]})")
    if len(dropped_numbers) != drops.get("dropped_capacity", 0) + drops.get("dropped_age", 0):
        raise AssertionError(f"{len(dropped_numbers)} numbers recorded as dropped, counters say {drops}")
    if conflicts:
        raise AssertionError(f"{conflicts} sequence numbers arrived with different payloads")
    if not expect_drops and dropped:
        raise AssertionError(f"{dropped} readings dropped by policy where none should be")
    return figures, order, drops


def drain(sub, agent, timeout=120):
    """Waits until the subscriber has as many readings as the agent had stored when called
    (the stream goes on meanwhile: a moving target would never be reached)."""
    target = agent.highest()
    # Every number up to the target, not just as many readings: live readings overtake the
    # backlog during a replay and would make a plain count arrive early.
    wait_for("the subscriber to catch up",
             lambda: sum(1 for s in set(sub.readings()[0]) if s <= target) >= target, timeout)


# --- scenarios ----------------------------------------------------------------------------------


def kill_storm(profile):
    kills, target = (50, 100_000) if profile == "long" else (10, 10_000)
    ws, broker, sub = rig("kill")
    # 100 readings every 100 ms: 1,000 readings/s.
    agent = Agent(ws, broker.port, rate_per_sample=100)
    interval = target / 1000 / kills
    for _ in range(kills):
        agent.start()
        time.sleep(random.uniform(0.3, 2 * interval - 0.3) if interval > 0.6 else random.uniform(0.2, 0.8))
        agent.kill()
    agent.start()
    wait_for(f"{target} readings", lambda: agent.highest() >= target, 600)
    drain(sub, agent)
    agent.stop()
    figures, _, _ = account(sub, agent)
    print(f"   {kills} SIGKILLs at random moments")
    teardown(ws, broker, sub)
    return figures


def broker_outage(profile):
    outage = 600 if profile == "long" else 60
    ws, broker, sub = rig("outage")
    # 200 readings/s; the backlog is replayed at 2,000/s.
    agent = Agent(ws, broker.port, rate_per_sample=20, replay_rate=2000)
    agent.start()
    wait_for("first readings", lambda: len(sub.readings()[0]) >= 500, 60)
    broker.stop()
    first_stored = agent.highest() + 1
    time.sleep(outage)
    last_stored = agent.highest()
    broker.start()
    drain(sub, agent, timeout=outage + 120)
    agent.stop()
    figures, order, _ = account(sub, agent)
    backlog = [s for s in dict.fromkeys(order) if first_stored <= s <= last_stored]
    if backlog != sorted(backlog):
        raise AssertionError("the backlog was not replayed in order")
    # Live readings kept flowing during the replay: some arrived before the backlog's end.
    first_seen = {s: i for i, s in reversed(list(enumerate(order)))}
    end_of_backlog = first_seen.get(last_stored, 0)
    live_during = sum(1 for s, i in first_seen.items() if s > last_stored and i < end_of_backlog)
    print(f"   broker down {outage} s; backlog of {last_stored - first_stored + 1} readings replayed in order; "
          f"{live_during} live readings delivered during the replay")
    if live_during == 0:
        raise AssertionError("no live reading was delivered while the backlog was replayed")
    teardown(ws, broker, sub)
    return figures


def broker_failover(profile):
    """Two independent brokers in the failover list; the one the agent is on is SIGKILLed (and
    restarted, so the next kill sends the agent back), while 1,000 readings/s stream."""
    kills = 6 if profile == "long" else 1
    ws = Workspace("failover")
    brokers = [Broker(ws, name="a"), Broker(ws, name="b")]
    for broker in brokers:
        broker.start()
    # B by address, A by name: each certificate is checked against the host actually dialled.
    hosts = ["localhost", "127.0.0.1"]
    subs = [Subscriber(ws, brokers[i], name=f"on-{'ab'[i]}", host=hosts[i]) for i in range(2)]
    both = Subscribers(*subs)
    starts = [1, 1]
    agent = Agent(ws, brokers[0].port, rate_per_sample=100,
                  extra_mqtt=f"\n  failover: [{{host: 127.0.0.1, port: {brokers[1].port}}}]")
    agent.start()
    on = 0
    wait_for("readings on A", lambda: len(subs[0].readings()[0]) >= 2000, 60)
    moves = []
    for _ in range(kills):
        before = len(subs[1 - on].readings()[0])
        brokers[on].kill()
        killed = time.monotonic()
        wait_for(f"readings on {'ab'[1 - on]}", lambda: len(subs[1 - on].readings()[0]) > before + 100, 30)
        moves.append(time.monotonic() - killed)
        brokers[on].start()  # back, persistent: the next kill sends the agent here again
        starts[on] += 1
        subs[on] = Subscriber(ws, brokers[on], name=f"on-{'ab'[on]}", host=hosts[on], incarnation=starts[on])
        both.subs.append(subs[on])
        on = 1 - on
        time.sleep(random.uniform(2, 8) if profile == "long" else 2)
    drain(both, agent)
    agent.stop()
    figures, _, _ = account(both, agent)
    print(f"   {kills} SIGKILLs of the broker in use; moved to the other broker after "
          + ", ".join(f"{m:.1f}" for m in moves) + " s")
    if max(moves) > 15:
        raise AssertionError(f"moving to the other broker took {max(moves):.1f} s")
    both.stop()
    for broker in brokers:
        broker.stop()
    ws.remove()
    return figures


RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
RABBITMQCTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"


class RabbitNode:
    """One RabbitMQ node (Debian's rabbitmq-server, run as root in the foreground) on loopback
    ports, with the MQTT plugin on a mutual-TLS listener; nodes of one workspace share an Erlang
    cookie and an epmd port, so they can form a cluster."""

    def __init__(self, ws, number, epmd_port):
        self.ws, self.number, self.proc = ws, number, None
        self.name = f"rabbit{number}@localhost"
        self.base = ws.path(f"rabbit{number}")
        self.amqp_port, self.dist_port, self.port = free_port(), free_port(), free_port()
        self.env = dict(os.environ, HOME=ws.path("rabbit-home"), ERL_EPMD_PORT=str(epmd_port),
                        RABBITMQ_NODENAME=self.name, RABBITMQ_NODE_PORT=str(self.amqp_port),
                        RABBITMQ_DIST_PORT=str(self.dist_port), RABBITMQ_MNESIA_BASE=f"{self.base}/mnesia",
                        RABBITMQ_LOG_BASE=f"{self.base}/log", RABBITMQ_PID_FILE=f"{self.base}/pid",
                        RABBITMQ_ENABLED_PLUGINS_FILE=f"{self.base}/enabled_plugins",
                        RABBITMQ_CONFIG_FILE=f"{self.base}/rabbitmq.conf")
        os.makedirs(f"{self.base}/log", exist_ok=True)
        os.makedirs(self.env["HOME"], exist_ok=True)
        cookie = os.path.join(self.env["HOME"], ".erlang.cookie")
        if not os.path.exists(cookie):
            with open(cookie, "w") as f:
                f.write("SENSORGWFAULTSUITE")
            os.chmod(cookie, 0o400)
        with open(self.env["RABBITMQ_ENABLED_PLUGINS_FILE"], "w") as f:
            f.write("[rabbitmq_mqtt].\n")
        c = ws.certs
        # Mutual TLS as mosquitto's listener has it; the MQTT login is the default (guest) user.
        with open(self.env["RABBITMQ_CONFIG_FILE"], "w") as f:
            f.write(f"""listeners.tcp.default = 127.0.0.1:{self.amqp_port}
loopback_users = none
mqtt.listeners.tcp = none
mqtt.listeners.ssl.default = 127.0.0.1:{self.port}
mqtt.allow_anonymous = true
ssl_options.cacertfile = {c}/ca.pem
ssl_options.certfile = {c}/server.pem
ssl_options.keyfile = {c}/server.key
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = true
ssl_options.versions.1 = tlsv1.2
ssl_options.versions.2 = tlsv1.3
""")

    def start(self):
        self.proc = spawn([RABBITMQ_SERVER], env=self.env, stdout=open(f"{self.base}/stdout.log", "a"),
                          stderr=subprocess.STDOUT)
        wait_for(f"{self.name} to listen for MQTT", lambda: _listening(self.port), 120)

    def ctl(self, *args):
        subprocess.run([RABBITMQCTL, "-n", self.name, *args], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)

    def join(self, other):
        self.ctl("stop_app")
        self.ctl("join_cluster", other.name)
        self.ctl("start_app")
        wait_for(f"{self.name} to listen for MQTT again", lambda: _listening(self.port), 120)

    def kill(self):
        """SIGKILL of the node's Erlang VM, whose pid the node writes to its pid file (the
        rabbitmq-server script runs it as a child and waits)."""
        if self.proc:
            with open(self.env["RABBITMQ_PID_FILE"]) as f:
                os.kill(int(f.read().strip()), signal.SIGKILL)
            self.proc.wait(20)
            self.proc = None

    def stop(self):
        if self.proc:
            try:
                self.ctl("stop")
            except (subprocess.SubprocessError, OSError):
                self.proc.kill()
            self.proc.wait(60)
            self.proc = None


def rabbitmq_cluster_failover(profile):
    """A two-node RabbitMQ cluster (Debian's package, its MQTT plugin speaking MQTT 3.1.1); the
    agent lists both nodes, the node it is on is SIGKILLed, and a subscriber on the other node
    (its queue lives there) must account for every number. Long form only (LONG_ONLY)."""
    if not os.path.exists(RABBITMQ_SERVER):
        raise Skipped("rabbitmq-server is not installed (apt-get install rabbitmq-server)")
    ws = Workspace("rabbitmq")
    epmd = free_port()
    nodes = [RabbitNode(ws, 1, epmd), RabbitNode(ws, 2, epmd)]
    try:
        started = time.monotonic()
        for node in nodes:
            node.start()
        nodes[1].join(nodes[0])
        print(f"   two-node cluster up in {time.monotonic() - started:.0f} s")
        sub = Subscriber(ws, nodes[1], name="on-node-2")
        agent = Agent(ws, nodes[0].port, rate_per_sample=20,
                      extra_mqtt=f"\n  protocol: \"3.1.1\"\n  failover: [{{host: localhost, port: {nodes[1].port}}}]")
        check = subprocess.run([BINARY, "config", "check", agent.config], capture_output=True, text=True)
        if check.returncode != 0:
            raise Skipped(f"the agent cannot be configured for RabbitMQ's MQTT 3.1.1: {check.stderr.strip()[:160]}")
        agent.start()
        wait_for("readings through node 1", lambda: len(sub.readings()[0]) >= 500, 60)
        nodes[0].kill()
        killed = time.monotonic()
        before = len(sub.readings()[0])
        wait_for("readings through node 2", lambda: len(sub.readings()[0]) > before + 200, 60)
        moved = time.monotonic() - killed
        drain(sub, agent)
        agent.stop()
        figures, _, _ = account(sub, agent)
        print(f"   node 1 SIGKILLed; readings flowed through node 2 {moved:.1f} s later")
        sub.stop()
        return figures
    finally:
        for node in reversed(nodes):
            node.stop()
        subprocess.run(["/usr/bin/epmd", "-port", str(epmd), "-kill"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=dict(os.environ, ERL_EPMD_PORT=str(epmd)))
        ws.remove()


class BlackholeProxy:
    """A TCP proxy that can go silent: it keeps the connections open but forwards nothing,
    like a link whose far end vanished without a FIN or RST. New connections work again."""

    def __init__(self, target_port):
        self.port, self.target = free_port(), target_port
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.generation = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def blackhole_current(self):
        with self.lock:
            self.generation += 1

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                generation = self.generation
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b, generation), daemon=True).start()

    def _pump(self, source, sink, generation):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                silent = generation != self.generation
            if not silent:
                try:
                    sink.sendall(data)
                except OSError:
                    return


def silent_link_cut(profile):
    ws, broker, sub = rig("blackhole")
    proxy = BlackholeProxy(broker.port)
    agent = Agent(ws, proxy.port, rate_per_sample=20, keepalive="5s")
    agent.start()
    wait_for("first readings", lambda: len(sub.readings()[0]) >= 200, 60)
    cut = time.monotonic()
    proxy.blackhole_current()
    wait_for("the agent to notice the dead link", lambda: "broker connection lost" in agent.log(), 60)
    detected = time.monotonic() - cut
    wait_for("reconnection", lambda: agent.log().count("connected to broker") >= 2, 60)
    time.sleep(2)
    drain(sub, agent)
    agent.stop()
    figures, _, _ = account(sub, agent)
    print(f"   link silenced without a TCP close; detected after {detected:.1f} s (keepalive 5 s), reconnected")
    teardown(ws, broker, sub)
    return figures


def disk_cap_during_outage(profile):
    ws, broker, sub = rig("cap")
    agent = Agent(ws, broker.port, rate_per_sample=50, extra_storage="\n  max_bytes: 256KB")
    agent.start()
    wait_for("first readings", lambda: len(sub.readings()[0]) >= 200, 60)
    broker.stop()
    time.sleep(20)   # 500 readings/s into a 256 KB outbox: the cap is reached in a few seconds
    broker.start()
    drain_target = lambda: len(set(sub.readings()[0])) + _dropped(agent) >= agent.highest()
    wait_for("delivery after the outage", drain_target, 120)
    wait_for("a status report", lambda: sub.statuses(), 30)
    agent.stop()
    figures, _, drops = account(sub, agent, expect_drops=True)
    if figures["dropped_by_policy"] == 0:
        raise AssertionError("the cap was never reached")
    reported = max(s["dropped_total"]["capacity"] for s in sub.statuses())
    print(f"   256 KB cap during a 20 s outage: {drops.get('dropped_capacity', 0)} dropped oldest-first; "
          f"status reports upstream said {reported}")
    if reported > drops.get("dropped_capacity", 0) or reported == 0:
        raise AssertionError("the status report does not match the drop counter")
    teardown(ws, broker, sub)
    return figures


def real_disk_full(profile):
    """A file system that really runs out of space (ENOSPC), during an outage."""
    if os.geteuid() != 0:
        raise Skipped("needs root to mount a small tmpfs")
    ws = Workspace("enospc")
    small = ws.path("small-disk")
    os.makedirs(small)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small], check=True)
    try:
        broker = Broker(ws)
        broker.start()
        sub = Subscriber(ws, broker)
        # The byte cap (128 MB by default) is far above the 3 MB disk: the disk fills first.
        agent = Agent(ws, broker.port, rate_per_sample=100, db=os.path.join(small, "outbox.sqlite"))
        agent.start()
        wait_for("first readings", lambda: len(sub.readings()[0]) >= 200, 60)
        broker.stop()
        time.sleep(30)   # 1,000 readings/s (about 70 KB/s of rows) into a 3 MB file system
        if agent.proc.poll() is not None:
            raise AssertionError(f"the agent died when the disk filled (exit {agent.proc.returncode})")
        df = os.statvfs(small)
        full = df.f_bavail * df.f_frsize
        broker.start()
        wait_for("delivery after the outage",
                 lambda: len(set(sub.readings()[0])) + _dropped(agent) >= agent.highest(), 120)
        agent.stop()
        figures, _, drops = account(sub, agent, expect_drops=True)
        if figures["dropped_by_policy"] == 0:
            raise AssertionError("the disk never filled")
        print(f"   3 MB file system filled during a 30 s outage ({full} bytes left at the end of it); "
              f"drops: {drops}; the agent kept running")
        sub.stop()
        broker.stop()
    finally:
        reap_children()
        subprocess.run(["umount", "--lazy", small])
        ws.remove()


class Skipped(Exception):
    pass


def _dropped(agent):
    """Numbers dropped by policy so far (the agent may be running)."""
    try:
        with sqlite3.connect(f"file:{agent.db}?mode=ro", uri=True, timeout=5) as db:
            return sum(last - first + 1 for first, last in db.execute("SELECT first, last FROM dropped_ranges"))
    except sqlite3.Error:
        return 0


def corrupt_database(profile):
    ws, broker, sub = rig("corrupt")
    agent = Agent(ws, broker.port, rate_per_sample=10)
    garbage = b"power cut mid-write: not an SQLite file any more\x00" * 40
    with open(agent.db, "wb") as f:
        f.write(garbage)
    agent.start()
    wait_for("readings from the fresh outbox", lambda: len(sub.readings()[0]) >= 100, 60)
    wait_for("a status report", lambda: sub.statuses(), 30)
    agent.stop()
    aside = [n for n in os.listdir(ws.dir) if n.startswith("outbox.sqlite.corrupt-")]
    if not aside:
        raise AssertionError("the corrupt database was not moved aside")
    with open(os.path.join(ws.dir, aside[0]), "rb") as f:
        if f.read() != garbage:
            raise AssertionError("the moved-aside file is not the original")
    if "integrity check" not in agent.log():
        raise AssertionError("the agent did not report the corrupt database in its log")
    if not any(s.get("outbox_recovered_from") for s in sub.statuses()):
        raise AssertionError("the status report upstream does not name the recovered file")
    figures, _, _ = account(sub, agent)
    print(f"   corrupt outbox moved aside as {aside[0]} (kept byte for byte), reported upstream; agent ran")
    teardown(ws, broker, sub)
    return figures


def sensor_faults(profile):
    """The sensor faults on the simulated bus are Swift tests of the real sampler and driver."""
    result = subprocess.run(["swift", "test", "--skip-build", "--filter", "SensorFaultIsolation"],
                            cwd=ROOT, capture_output=True, text=True)
    lines = [l for l in result.stdout.splitlines() if "figures:" in l or l.startswith("✘")]
    for line in lines:
        print("   " + line.split("figures:")[-1].strip() if "figures:" in line else "   " + line)
    summary = [l for l in result.stdout.splitlines() if "Test run with" in l]
    print("   " + (summary[-1] if summary else "no summary"))
    if result.returncode != 0:
        raise AssertionError("sensor fault tests failed")
    return {}


SCENARIOS = [("kill-storm", kill_storm), ("broker-outage", broker_outage), ("silent-link-cut", silent_link_cut),
             ("disk-cap-during-outage", disk_cap_during_outage), ("real-disk-full", real_disk_full),
             ("corrupt-database", corrupt_database), ("broker-failover", broker_failover),
             ("rabbitmq-cluster-failover", rabbitmq_cluster_failover),
             ("sensor-faults", sensor_faults)]
# Too slow for the reduced form: two RabbitMQ nodes take about 30-40 s to boot and cluster.
LONG_ONLY = {"rabbitmq-cluster-failover"}


def main():
    global BINARY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    profile = "long" if args.long else "ci"
    bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    BINARY = os.environ.get("SENSORGW_BINARY", os.path.join(bin_path, "sensorgw"))
    passed = failed = skipped = 0
    for name, scenario in SCENARIOS:
        if args.only and name not in args.only:
            continue
        if name in LONG_ONLY and profile != "long" and not args.only:
            continue
        print(f"== {name} ({profile})", flush=True)
        started = time.monotonic()
        try:
            scenario(profile)
            passed += 1
            print(f"PASS {name} ({time.monotonic() - started:.0f} s)", flush=True)
        except Skipped as reason:
            skipped += 1
            print(f"SKIP {name}: {reason}", flush=True)
        except Exception as error:  # a failed scenario must not stop the others
            failed += 1
            print(f"FAIL {name}: {error}", flush=True)
        finally:
            reap_children()
    print(f"fault suite: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(1 if failed else 0)


BINARY = None
if __name__ == "__main__":
    main()
