#!/usr/bin/env python3
"""Latency and memory of `calm-advisor lsp` (benchmark, not a test).

For each file: start the server, open the file, then N times change one character of the
buffer (an incremental edit, as an editor sends while someone types) and measure the time from
sending `didChange` to receiving the `publishDiagnostics` of that version. Prints the median, the
server's resident memory (VmRSS) once idle after the file was opened and analysed, and its peak.

With --requests, also the latency of a hover on the first node, of the code actions under the
first review diagnostic (each quick fix planned and verified as `fix` does it) and of a hover on
that diagnostic (its explanation); medians of 3 after the file was opened.

Usage: scripts/bench-lsp.py BINARY FILE [FILE...] [--runs N] [--requests]
Targets (issue 13): tutorial <= 20 ms, 1,000 nodes <= 200 ms, 10,000 nodes <= 2 s median;
<= 300 MB after opening the 10,000-node file.
"""
import json
import os
import statistics
import subprocess
import sys
import time


class Server:
    def __init__(self, binary, root):
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(root, ".bench-cache"))
        self.p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env)
        self.next = 0

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.p.stdout.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next += 1
        self.send({"jsonrpc": "2.0", "id": self.next, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == self.next and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics":
                p = m["params"]
                if p["uri"] == uri and p.get("version") == version:
                    return p["diagnostics"]

    def memory_mb(self, field):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=30)


def measure_requests(s, uri, text, diags):
    def pos(at):
        return {"line": text.count("\n", 0, at), "character": at - (text.rfind("\n", 0, at) + 1)}

    def median_ms(method, params, times=3):
        ts = []
        for _ in range(times):
            t = time.perf_counter()
            s.request(method, params)
            ts.append((time.perf_counter() - t) * 1000)
        return round(statistics.median(ts), 1)

    out = {}
    at = text.index('"unique-id"', text.index('"nodes"')) + 2
    out["hover_node_ms"] = median_ms("textDocument/hover",
                                     {"textDocument": {"uri": uri}, "position": pos(at)})
    d = next((d for d in diags if "review" in d.get("source", "")), None)
    if d is not None:
        out["code_actions_ms"] = median_ms("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}})
        out["hover_finding_ms"] = median_ms("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": d["range"]["start"]})
    return out


def bench(binary, path, runs, with_requests=False):
    path = os.path.abspath(path)
    text = open(path, encoding="utf-8").read()
    uri = "file://" + path
    s = Server(binary, os.path.dirname(path))
    s.request("initialize", {"processId": None, "rootUri": None,
                             "capabilities": {"general": {"positionEncodings": ["utf-16"]}}})
    s.notify("initialized", {})
    t = time.perf_counter()
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json",
                                                       "version": 1, "text": text}})
    diags = s.wait_diagnostics(uri, 1)
    opened = (time.perf_counter() - t) * 1000
    # Resident memory once the server is idle after the analysis (it hands freed memory back
    # after 250 ms of quiet), and the peak during it.
    time.sleep(1.0)
    rss = s.memory_mb("VmRSS")
    peak = s.memory_mb("VmHWM")
    # The edited character: the first character of the first "description" value.
    at = text.index('"description"')
    at = text.index('"', at + len('"description"') + 1) + 1
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)  # ASCII files: bytes = UTF-16 units
    original = text[at]
    times = []
    for i in range(runs):
        new = "X" if i % 2 == 0 else original
        rng = {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}
        t = time.perf_counter()
        s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": i + 2},
                                            "contentChanges": [{"range": rng, "text": new}]})
        s.wait_diagnostics(uri, i + 2)
        times.append((time.perf_counter() - t) * 1000)
    requests = measure_requests(s, uri, text, diags) if with_requests else {}
    s.close()
    return {**requests, "file": os.path.basename(path), "bytes": len(text), "diagnostics": len(diags),
            "open_ms": round(opened, 1), "median_change_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1), "runs": runs,
            "rss_mb_after_open": round(rss, 1), "peak_rss_mb": round(peak, 1)}


def main():
    args = sys.argv[1:]
    runs = 30
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    if len(args) < 2:
        sys.exit(__doc__)
    with_requests = "--requests" in args
    args = [a for a in args if a != "--requests"]
    binary, files = args[0], args[1:]
    for f in files:
        print(json.dumps(bench(binary, f, runs, with_requests)))


if __name__ == "__main__":
    main()
