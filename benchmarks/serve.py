"""Measure `docgen serve` on loopback: live-check latency under 50 concurrent clients, preview, packet, memory.

Usage: .venv/bin/python benchmarks/serve.py [--clients 50] [--checks 20] [--think 3] [--workers 1]

Starts `docgen serve` on a free 127.0.0.1 port with a fresh data folder, signs in, imports
examples/project.json, then:
- live checks: ``--clients`` threads, each with its own connection, post the application page's form to the
  check endpoint ``--checks`` times. Two rounds: people typing (a random pause of up to ``--think`` s between
  checks) and a closed loop (no pause: the server's throughput limit). Printed: p50/p95/p99 and requests/s,
  against the in-process `docgen.validate` time of the same record (the work a check cannot avoid);
- preview: the first PDF of each packet document (rendered) and a repeat (served from the render cache);
- packet.pdf download: first (renders all documents and merges) and repeat;
- the server's resident memory now and at its peak (VmRSS/VmHWM).
Everything is bounded in count; the run takes about a minute on 2 cores (the clients share them).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DOCGEN = Path(sys.executable).parent / "docgen"


class Client:
    """One browser: a keep-alive connection and the session cookie."""

    def __init__(self, port: int, cookie: str = ""):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        sent = {"Cookie": self.cookie, **(headers or {})} if self.cookie else dict(headers or {})
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data, dict(response.getheaders())


def _csrf(html: bytes) -> str:
    found = re.search(rb'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found[1].decode()


def _multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 f"Content-Type: application/json\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(data: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen([str(DOCGEN), "serve", "--data", str(data), "--port", str(port), "--workers",
                                str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90  # worker processes import everything anew: slow on a busy machine
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/login")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("docgen serve did not start")


def _check_body(record: dict, csrf: str) -> bytes:
    """The application page's form as the browser posts it (every input named by its JSON Pointer)."""
    from docgen.web import forms

    page = forms.pages()[0]
    fields: list[tuple[str, str]] = [("csrf", csrf)]

    def walk(nodes: list) -> None:
        for node in nodes:
            if isinstance(node, forms.Group):
                walk(node.children)
            elif isinstance(node, forms.Table):
                for i, row in enumerate(node.rows):
                    fields.append((f"{node.pointer}/{i}", forms.ROW_MARK))
                    fields.extend((cell.pointer, cell.value) for cell in row)
            else:
                fields.append((node.pointer, node.value))

    walk(forms.build(page, record))
    return urlencode(fields).encode()


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def _round_of_checks(port: int, cookie: str, csrf: str, path: str, body: bytes, clients: int, checks: int,
                     think: float) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[int] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        me = Client(port, cookie)
        for _ in range(checks):
            if think:
                time.sleep(rng.uniform(0, think))
            started = time.perf_counter()
            status, _data, _ = me.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                               "X-CSRF-Token": csrf})
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    wall = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} checks failed, e.g. HTTP {failures[0]}")
    return latencies, wall


def _report(name: str, latencies: list[float], wall: float, baseline_ms: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p50, p95, p99 = (_percentile(ms, q) for q in (50, 95, 99))
    print(f"{name:<24} n={len(ms):<5} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  "
          f"{len(ms) / wall:6.1f} req/s  p95/validate {p95 / baseline_ms:5.1f}×")


def _timed(client: Client, path: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    status, data, _ = client.request("GET", path)
    return time.perf_counter() - started, status, len(data)


def _memory(pid: int) -> str:
    """Resident memory of the server and its worker processes (VmRSS now, VmHWM at the peak), in MB."""
    pids = [pid, *(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    now = peak = 0
    for each in pids:
        status = Path(f"/proc/{each}/status").read_text()
        values = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
        now, peak = now + int(values.get("VmRSS", 0)), peak + int(values.get("VmHWM", 0))
    return f"RSS {now // 1024} MB, peak {peak // 1024} MB ({len(pids)} processes)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="docgen serve --workers")
    parser.add_argument("--checks", type=int, default=20, help="checks per client and round")
    parser.add_argument("--think", type=float, default=3.0,
                        help="longest pause between a client's checks (s); a check fires when a field is left")
    args = parser.parse_args()

    import docgen

    record = json.loads((ROOT / "examples" / "project.json").read_text(encoding="utf-8"))
    docgen.validate(record, "application")
    started = time.perf_counter()
    for _ in range(50):
        docgen.validate(record, "application")
    baseline_ms = (time.perf_counter() - started) / 50 * 1000
    print(f"in-process docgen.validate(application): {baseline_ms:.2f} ms per check")

    with tempfile.TemporaryDirectory(prefix="docgen-serve-bench-") as tmp:
        data = Path(tmp)
        subprocess.run([str(DOCGEN), "users", "add", "bench", "--role", "enterprise", "--password", "benchmark-1",
                        "--data", str(data)], check=True, capture_output=True)
        process, port = _start(data, args.workers)
        try:
            me = Client(port)
            _, page, _ = me.request("GET", "/login")
            me.request("POST", "/login", urlencode({"csrf": _csrf(page), "name": "bench",
                                                    "password": "benchmark-1"}).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded"})
            _, page, _ = me.request("GET", "/projects")
            csrf = _csrf(page)
            body, kind = _multipart({"csrf": csrf}, "file", "project.json",
                                    (ROOT / "examples" / "project.json").read_bytes())
            status, _, headers = me.request("POST", "/projects/import", body, {"Content-Type": kind})
            location = headers.get("location", "")
            assert status == 303 and location.endswith("/application"), (status, location)
            project = location.rsplit("/", 1)[0]
            check = f"{project}/application/check"
            body = _check_body(record, csrf)
            print(f"server pid {process.pid} ({args.workers} worker(s)); {args.clients} clients × {args.checks} checks "
                  f"per round; form of {body.count(b'&') + 1} fields")
            for name, think in ((f"typing (pause ≤{args.think}s)", args.think), ("closed loop (no pause)", 0.0)):
                latencies, wall = _round_of_checks(port, me.cookie, csrf, check, body, args.clients, args.checks,
                                                   think)
                _report(name, latencies, wall, baseline_ms)
            me = Client(port, me.cookie)  # the first connection sat idle past uvicorn's keep-alive
            for kind_name in ("application", "feasibility", "plan"):
                first, status, size = _timed(me, f"{project}/preview/{kind_name}.pdf")
                again, _, _ = _timed(me, f"{project}/preview/{kind_name}.pdf")
                print(f"preview {kind_name:<12} first {first * 1000:7.0f} ms  repeat {again * 1000:6.1f} ms  "
                      f"({size // 1024} KB, HTTP {status})")
            first, status, size = _timed(me, f"{project}/download/packet.pdf")
            again, _, _ = _timed(me, f"{project}/download/packet.pdf")
            print(f"packet.pdf download     first {first * 1000:7.0f} ms  repeat {again * 1000:6.1f} ms  "
                  f"({size // 1024} KB, HTTP {status})")
            print(f"server memory: {_memory(process.pid)}")
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
