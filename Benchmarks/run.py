#!/usr/bin/env python3
"""Side-by-side benchmark: sensorgw (durable outbox on) against the C client it wraps
(`mosquitto_pub -l -q 1`) and a paho-mqtt publisher, on the same workload, in one run.

Usage: Benchmarks/run.py [--readings 100000] [--runs 3] [--binary PATH] [--rows a,b] [--no-chart]
  Builds `sensorgw` (release, Swift stdlib linked statically, stripped copy) unless --binary is
  given, starts mosquitto with mutual TLS on 127.0.0.1 and a subscriber (mosquitto_sub, QoS 1)
  that records every message, then runs each row --runs times, interleaved, and writes
  docs/benchmark-results.md (Markdown table, ratios, goals) and docs/benchmark.png.

Measured with public tools only: rusage of each child (CPU seconds, peak RSS), /proc/PID/status
(idle RSS), /proc/PID/io (storage write_bytes), the subscriber's receive timestamps.
Needs: mosquitto, mosquitto-clients, cbor2 and matplotlib (pip), python3-venv: the paho row's
paho-mqtt 2.x is installed in a venv of its own under .build/ unless this python has it.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GATEWAY = "bench-gw"
TOPIC = f"sensorgw/{GATEWAY}/readings"
WINDOW = 100
MOSQUITTO_PUB_MAX_LINES = 65_535  # beyond this `mosquitto_pub -l` silently drops lines


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def proc_status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_write_bytes(pid):
    try:
        with open(f"/proc/{pid}/io") as f:
            for line in f:
                if line.startswith("write_bytes:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Child:
    """A child whose rusage (CPU, peak RSS) is collected with wait4 when it exits."""

    def __init__(self, args, **kwargs):
        self.started = time.time()
        self.proc = subprocess.Popen(args, **kwargs)
        self.pid = self.proc.pid
        self.rusage = None
        self.last_write_bytes = 0
        self.peak_rss_kib = 0
        self.peak_anon_kib = 0

    def sample_io(self):
        """Storage writes and peak RSS so far, read from /proc while the process lives.

        Peak RSS is VmHWM, which starts at exec: rusage's ru_maxrss would also count the
        Python process the child was forked from."""
        value = proc_write_bytes(self.pid)
        if value is not None:
            self.last_write_bytes = value
        peak = proc_status_kib(self.pid, "VmHWM")
        if peak is not None:
            self.peak_rss_kib = max(self.peak_rss_kib, peak)
        anon = proc_status_kib(self.pid, "RssAnon")
        if anon is not None:
            self.peak_anon_kib = max(self.peak_anon_kib, anon)

    def alive(self):
        if self.rusage is not None:
            return False
        pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self._finished(status, rusage)
        return False

    def wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            self.sample_io()
            if not self.alive():
                break
            if time.monotonic() > deadline:
                self.proc.kill()
            time.sleep(0.01)
        return self.proc.returncode

    def _finished(self, status, rusage):
        self.rusage = rusage
        self.proc.returncode = os.waitstatus_to_exitcode(status)

    @property
    def cpu_seconds(self):
        return self.rusage.ru_utime + self.rusage.ru_stime

    @property
    def peak_rss_mib(self):
        return self.peak_rss_kib / 1024

    @property
    def peak_anon_mib(self):
        return self.peak_anon_kib / 1024


class Workspace:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sensorgw-bench-")
        self.certs = self.path("certs")
        subprocess.run(["bash", os.path.join(ROOT, "Scripts/make-test-certs.sh"), self.certs, GATEWAY], check=True,
                       stdout=subprocess.DEVNULL)

    def path(self, name):
        return os.path.join(self.dir, name)


class Broker:
    def __init__(self, ws):
        self.port = free_port()
        conf = ws.path("mosquitto.conf")
        with open(conf, "w") as out:
            subprocess.run(["bash", os.path.join(ROOT, "Scripts/mosquitto-tls.conf.sh"), ws.certs, str(self.port),
                            ws.path("broker-data")], check=True, stdout=out)
        # The benchmark needs no broker persistence (it would only add the broker's disk writes).
        with open(conf) as f:
            text = f.read().replace("persistence true", "persistence false")
        with open(conf, "w") as f:
            f.write(text)
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=open(ws.path("broker.log"), "w"))
        wait_for("mosquitto", lambda: listening(self.port), 10)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)


class Subscriber:
    """mosquitto_sub at QoS 1; each line: receive time, payload as hex."""

    def __init__(self, ws, broker, name):
        self.out = ws.path(f"received-{name}.txt")
        c = ws.certs
        base = ["-h", "localhost", "-p", str(broker.port), "--cafile", f"{c}/ca.pem", "--cert",
                f"{c}/subscriber.pem", "--key", f"{c}/subscriber.key"]
        self.handle = open(self.out, "w")
        self.proc = subprocess.Popen(["mosquitto_sub", *base, "-q", "1", "-t", TOPIC, "-t", "bench/probe", "-F",
                                      "%U %t %x"], stdout=self.handle, stderr=subprocess.DEVNULL)

        def probe_arrived():
            subprocess.run(["mosquitto_pub", *base, "-t", "bench/probe", "-m", "x", "-q", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return os.path.getsize(self.out) > 0

        wait_for("subscriber", probe_arrived, 20, step=0.2)

    def lines_received(self):
        with open(self.out, "rb") as f:
            return f.read().count(b"\n") - 1  # the probe

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.handle.close()

    def messages(self):
        """(receive time, payload bytes) of every reading message."""
        result = []
        with open(self.out) as f:
            for line in f:
                parts = line.split(" ")
                if len(parts) == 3 and parts[1] == TOPIC:
                    result.append((float(parts[0]), bytes.fromhex(parts[2].strip())))
        return result


SEQ_JSON = re.compile(rb'"seq":(\d+)')


def sequences_in(payload):
    """Every record's sequence number; a record without `seq` holds the previous one + 1
    (docs/FORMATS.md, compact batches)."""
    if payload[:1] == b"[" and payload.count(b"{") == 1:
        return [int(m) for m in SEQ_JSON.findall(payload)]  # the common one-reading message, fast
    if payload[:1] == b"[":
        records = json.loads(payload)
    else:
        import cbor2

        records = cbor2.loads(payload)
    seqs = []
    for record in records:
        if "seq" in record:
            seqs.append(record["seq"])
        elif seqs:
            seqs.append(seqs[-1] + 1)
    return seqs


def publish_packet_bytes(topic, payload_length, content_type):
    """Bytes of one MQTT 5 PUBLISH at QoS 1: fixed header, topic, packet id, properties, payload."""
    properties = 3 + len(content_type) if content_type else 0
    remaining = 2 + len(topic) + 2 + varint_length(properties) + properties + payload_length
    return 1 + varint_length(remaining) + remaining


def varint_length(n):
    length = 1
    while n >= 128:
        n //= 128
        length += 1
    return length


class Bench:
    def __init__(self, args, paho_python=None):
        self.args = args
        self.paho_python = paho_python
        self.ws = Workspace()
        self.broker = Broker(self.ws)
        self.binary = args.binary or self.build()
        self.lines_file = self.ws.path("lines.txt")
        self.write_peer_lines(args.readings)
        self.backlogs = {}

    def build(self):
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "sensorgw"], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        built = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"],
                               cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
        stripped = self.ws.path("sensorgw")
        shutil.copy(os.path.join(built, "sensorgw"), stripped)
        subprocess.run(["strip", stripped], check=True)
        return stripped

    def write_peer_lines(self, count):
        # The same record the gateway sends for a synthetic reading, one per line.
        with open(self.lines_file, "w") as f:
            for seq in range(1, count + 1):
                f.write(f'[{{"bn":"{GATEWAY}:stream:","n":"counter","u":"count","v":{seq}.0,"bt":1764218400.123456,'
                        f'"seq":{seq},"mono_ns":{1234567890 + seq * 200000},"synced":true}}]\n')

    # MARK: sensorgw

    def agent_config(self, name, encoding, per_message, per_sample, interval, replay_rate=100000, db=None):
        path = self.ws.path(f"agent-{name}.yaml")
        batch = f"\n  readings_per_message: {per_message}" if per_message else ""
        with open(path, "w") as f:
            f.write(f"""gateway: {{ id: {GATEWAY} }}
board: simulated
sensors:
  - id: stream
    type: synthetic
    readings_per_sample: {per_sample}
    interval: {interval}
storage:
  path: {db or self.ws.path(f"outbox-{name}.sqlite")}
  flush_interval: 200ms
mqtt:
  host: localhost
  port: {self.broker.port}
  client_id: {GATEWAY}
  inflight_window: {WINDOW}
  replay_rate: {replay_rate}
  encoding: {encoding}{batch}
  tls: {{ ca: certs/ca.pem, certificate: certs/client.pem, key: certs/client.key }}
log: {{ level: notice }}
""")
        return path

    def remove_db(self, db):
        for suffix in ["", "-wal", "-shm", ".reserve"]:
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)

    def make_backlog(self, encoding, per_message):
        """An outbox holding `readings` readings, made by the agent itself with the broker unreachable."""
        key = (encoding, per_message)
        if key in self.backlogs:
            return self.backlogs[key]
        db = self.ws.path(f"backlog-{encoding}-{per_message}.sqlite")
        self.remove_db(db)
        config = self.agent_config(f"backlog-{encoding}", encoding, per_message, 1000, "100ms", db=db)
        with open(config) as f:
            text = f.read().replace(f"port: {self.broker.port}", f"port: {free_port()}")
        with open(config, "w") as f:
            f.write(text)
        agent = Child([self.binary, "run", "--config", config], stdout=subprocess.DEVNULL,
                      stderr=open(self.ws.path("backlog.log"), "a"))
        import sqlite3

        def stored():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
                    return c.execute("SELECT count(*) FROM readings").fetchone()[0] >= self.args.readings
            except sqlite3.Error:
                return False

        wait_for("the backlog", stored, 120, step=0.2)
        agent.proc.send_signal(signal.SIGTERM)
        agent.wait()
        c = sqlite3.connect(db, isolation_level=None)
        # Exactly `readings` readings: the newest beyond that are removed.
        c.execute("DELETE FROM readings WHERE seq > (SELECT seq FROM readings ORDER BY seq LIMIT 1 OFFSET ?)",
                  (self.args.readings - 1,))
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()
        self.backlogs[key] = db
        return db

    def run_agent(self, name, encoding, per_message, drain):
        db = self.ws.path(f"outbox-{name}.sqlite")
        self.remove_db(db)
        if drain:
            shutil.copy(self.make_backlog(encoding, per_message), db)
            # One more reading at start (the sensor samples once, then sleeps a day).
            config = self.agent_config(name, encoding, per_message, 1, "24h", db=db)
            expected = self.args.readings + 1
        else:
            # 5,000 readings/s offered: 500 readings every 100 ms (the shortest interval).
            config = self.agent_config(name, encoding, per_message, 500, "100ms", db=db)
            expected = self.args.readings
        sub = Subscriber(self.ws, self.broker, name)
        wrap = self.args.wrap.replace("{name}", name).split() if self.args.wrap else []
        agent = Child([*wrap, self.binary, "run", "--config", config], stdout=subprocess.DEVNULL,
                      stderr=open(self.ws.path(f"agent-{name}.log"), "a"), cwd=self.ws.dir)
        # Counted by sequence number in the payload after the run; here only until enough arrived.
        def enough():
            agent.sample_io()
            return sum_readings(sub, per_message) >= expected or not agent.alive()

        wait_for(f"{name}: {expected} readings", enough, 600, step=0.1)
        if not agent.alive():
            raise RuntimeError(f"{name}: the agent exited with {agent.proc.returncode}; see {self.ws.dir}")
        agent.sample_io()
        agent.proc.send_signal(signal.SIGTERM)
        agent.wait()
        time.sleep(0.3)
        sub.stop()
        return self.summarize(name, agent, sub, expected, db_written=agent.last_write_bytes)

    def summarize(self, name, child, sub, expected, db_written=0):
        messages = sub.messages()
        seqs = set()
        payload_bytes = wire_bytes = 0
        content_type = {"[": "application/senml+json"}
        for _, payload in messages:
            found = sequences_in(payload)
            seqs.update(found)
            payload_bytes += len(payload)
            ctype = "application/senml+json" if payload[:1] == b"[" else "application/senml+cbor"
            wire_bytes += publish_packet_bytes(TOPIC, len(payload), ctype if name.startswith("sensorgw") else None)
        received = len(seqs)
        first = messages[0][0] if messages else float("nan")
        last = messages[-1][0] if messages else float("nan")
        span = max(last - first, 1e-9)
        lost = max(0, expected - received)
        return {
            "readings_per_s": received / span if received > 1 else 0,
            "cpu_per_1000": child.cpu_seconds / max(1, received) * 1000,
            "peak_rss_mib": child.peak_rss_mib,
            "peak_anon_mib": child.peak_anon_mib,
            "lost": lost,
            "wire_bytes_per_reading": wire_bytes / max(1, received),
            "payload_bytes_per_reading": payload_bytes / max(1, received),
            "storage_bytes_per_reading": db_written / max(1, received),
            "encoded_bytes_per_reading": payload_bytes / max(1, received),
            "first_ms": (first - child.started) * 1000,
        }

    def idle_rss_agent(self):
        config = self.agent_config("idle", "senml-json", None, 1, "24h")
        self.remove_db(self.ws.path("outbox-idle.sqlite"))
        agent = Child([self.binary, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)
        rss = proc_status_kib(agent.pid, "VmRSS") / 1024, proc_status_kib(agent.pid, "RssAnon") / 1024
        agent.proc.send_signal(signal.SIGTERM)
        agent.wait()
        return rss

    # MARK: peers

    def run_mosquitto_pub(self):
        sub = Subscriber(self.ws, self.broker, "mosquitto_pub")
        c = self.ws.certs
        with open(self.lines_file, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        chunks = [lines[i:i + MOSQUITTO_PUB_MAX_LINES] for i in range(0, len(lines), MOSQUITTO_PUB_MAX_LINES)]
        cpu = peak = peak_anon = 0.0
        idle = idle_anon = None
        started = None
        for chunk in chunks:
            child = Child(["mosquitto_pub", "-h", "localhost", "-p", str(self.broker.port), "--cafile", f"{c}/ca.pem",
                           "--cert", f"{c}/client.pem", "--key", f"{c}/client.key", "-i", GATEWAY, "-t", TOPIC,
                           "-q", "1", "-M", str(WINDOW), "-l"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
            started = started or child.started
            if idle is None:
                time.sleep(1)
                idle = proc_status_kib(child.pid, "VmRSS") / 1024
                idle_anon = proc_status_kib(child.pid, "RssAnon") / 1024
            child.proc.stdin.write(b"".join(chunk))
            child.proc.stdin.close()
            child.wait(600)
            cpu += child.cpu_seconds
            peak = max(peak, child.peak_rss_mib)
            peak_anon = max(peak_anon, child.peak_anon_mib)
        wait_for("the last readings", lambda: sub.lines_received() >= len(lines), 30)
        time.sleep(0.3)
        sub.stop()
        result = self.summarize("mosquitto_pub", Aggregate(started, cpu, peak, peak_anon), sub, len(lines))
        # It waited a second for the idle figure before its first line.
        result["first_ms"] -= 1000
        result["idle_rss_mib"] = idle
        result["idle_anon_mib"] = idle_anon
        return result

    def run_paho(self):
        sub = Subscriber(self.ws, self.broker, "paho")
        child = Child([self.paho_python, os.path.join(ROOT, "Benchmarks/paho_publisher.py"), "localhost",
                       str(self.broker.port), self.ws.certs, TOPIC, str(WINDOW), self.lines_file, "1"],
                      stdout=subprocess.DEVNULL)
        time.sleep(0.9)
        idle = proc_status_kib(child.pid, "VmRSS") / 1024
        idle_anon = proc_status_kib(child.pid, "RssAnon") / 1024
        code = child.wait(600)
        if code != 0:
            raise RuntimeError(f"paho publisher exited {code}")
        wait_for("the last readings", lambda: sub.lines_received() >= self.args.readings, 30)
        time.sleep(0.3)
        sub.stop()
        result = self.summarize("paho", child, sub, self.args.readings)
        result["first_ms"] -= 1000
        result["idle_rss_mib"] = idle
        result["idle_anon_mib"] = idle_anon
        return result


class Aggregate:
    """Several sequential processes reported as one (mosquitto_pub's split input)."""

    def __init__(self, started, cpu, peak, peak_anon):
        self.started, self.cpu_seconds, self.peak_rss_mib, self.peak_anon_mib = started, cpu, peak, peak_anon


def sum_readings(sub, per_message):
    # Messages, times readings per message: only to know when to stop; the real count is by seq.
    return sub.lines_received() * (per_message or 1)


ROWS = {
    # name: (title, runner arguments)
    "steady-json": ("sensorgw, 5k/s offered, SenML JSON, 1 per message", ("senml-json", None, False)),
    "drain-json": ("sensorgw, 100k backlog drained, SenML JSON, 1 per message", ("senml-json", None, True)),
    "drain-json-100": ("sensorgw, backlog drained, SenML JSON, 100 per message", ("senml-json", 100, True)),
    "steady-cbor-100": ("sensorgw, 5k/s offered, SenML CBOR, 100 per message", ("senml-cbor", 100, False)),
    "drain-cbor-100": ("sensorgw, backlog drained, SenML CBOR, 100 per message", ("senml-cbor", 100, True)),
    "mosquitto_pub": ("`mosquitto_pub -l -q 1 -M 100` (C, no storage)", None),
    "paho": ("paho-mqtt 2.x, Python, window 100 (no storage)", None),
}


PAHO = "paho-mqtt>=2,<3"
PAHO_VENV = os.path.join(ROOT, ".build", "bench-venv")


def paho_python():
    """The interpreter the paho peer runs with: this one if it has paho-mqtt 2.x, else a venv
    of the benchmark's own under .build/. The tests' pysparkplug needs paho-mqtt below 2, so
    installing 2.x beside it would break them; the venv keeps the two apart."""
    probe = "import sys, paho.mqtt; sys.exit(0 if paho.mqtt.__version__.split('.')[0] == '2' else 1)"
    if subprocess.run([sys.executable, "-c", probe], stderr=subprocess.DEVNULL).returncode == 0:
        return sys.executable
    python = os.path.join(PAHO_VENV, "bin", "python3")
    if not os.path.exists(python) or subprocess.run([python, "-c", probe], stderr=subprocess.DEVNULL).returncode != 0:
        print(f"making {PAHO_VENV} with {PAHO} for the paho row", flush=True)
        made = subprocess.run([sys.executable, "-m", "venv", "--clear", PAHO_VENV], capture_output=True, text=True)
        if made.returncode != 0:
            sys.exit(f"cannot make a venv for the paho row (apt-get install python3-venv): {made.stderr.strip()}")
        subprocess.run([python, "-m", "pip", "install", "-q", PAHO], check=True)
    return python


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary")
    parser.add_argument("--rows", default=",".join(ROWS))
    parser.add_argument("--output", default=os.path.join(ROOT, "docs"))
    parser.add_argument("--no-chart", action="store_true")
    parser.add_argument("--wrap", help="prefix for the agent's command line, e.g. "
                        "'valgrind --tool=callgrind --callgrind-out-file=/tmp/{name}.out' ({name}: the row)")
    parser.add_argument("--no-idle", action="store_true", help="skip the idle-memory run")
    args = parser.parse_args()
    needed = ["cbor2"] + ([] if args.no_chart else ["matplotlib"])
    for module in needed:
        try:
            __import__(module)
        except ImportError:
            sys.exit(f"missing Python module {module}: pip install cbor2 matplotlib")
    for tool in ("mosquitto", "mosquitto_pub", "mosquitto_sub"):
        if shutil.which(tool) is None:
            sys.exit(f"missing {tool}: apt-get install mosquitto mosquitto-clients")
    rows = args.rows.split(",")
    bench = Bench(args, paho_python() if "paho" in rows else None)
    results = {row: [] for row in rows}
    try:
        binary_mib = os.path.getsize(bench.binary) / 2**20
        idle, idle_anon = (None, None) if args.no_idle else bench.idle_rss_agent()
        for run in range(args.runs):
            for row in rows:  # interleaved: every row once per round
                _, spec = ROWS[row]
                if row == "mosquitto_pub":
                    result = bench.run_mosquitto_pub()
                elif row == "paho":
                    result = bench.run_paho()
                else:
                    result = bench.run_agent(f"sensorgw-{row}-{run}", *spec)
                    result["idle_rss_mib"] = idle
                    result["idle_anon_mib"] = idle_anon
                print(f"round {run + 1} {row}: " + ", ".join(f"{k}={v:.3g}" for k, v in result.items() if v is not None), flush=True)
                results[row].append(result)
    finally:
        bench.broker.stop()
    medians = {row: {k: (None if runs[0][k] is None else statistics.median(r[k] for r in runs)) for k in runs[0]} for row, runs in results.items() if runs}
    import report

    text = report.markdown(medians, args, binary_mib, machine())
    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "benchmark-results.md"), "w") as f:
        f.write(text)
    print(text)
    if not args.no_chart:
        report.chart(medians, os.path.join(args.output, "benchmark.png"), {r: ROWS[r][0] for r in medians})
    shutil.rmtree(bench.ws.dir, ignore_errors=True)


def machine():
    cores = os.cpu_count()
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    distro = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    return f"{distro}, {cores} cores ({model})"


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
