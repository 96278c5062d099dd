"""Throughput (W7): keep a server busy with GET requests from several threads for a while and
count what it answers. Runs as its own process, so it does not share the server's CPU time
accounting or Python's lock:

    python -m bench.load --base http://127.0.0.1:8123 --seconds 10 --concurrency 8 \\
        --header "Authorization: Bearer ..." --paths-file paths.txt

Prints one JSON object: requests, errors, requests per second and latency percentiles."""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def _percentile(ordered: list[float], share: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2) if ordered else 0.0


def drive(base: str, paths: list[str], headers: dict, seconds: float, concurrency: int) -> dict:
    url = urlsplit(base)
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker(n: int) -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        i = n
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += concurrency
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()  # reconnects on the next request
                status = 0
            latencies[n].append(1000 * (time.perf_counter() - began))
            if status != 200:
                errors[n] += 1
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(ms for per_thread in latencies for ms in per_thread)
    return {
        "requests": len(ordered),
        "errors": sum(errors),
        "error_statuses": statuses,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "concurrency": concurrency,
        "ms": {
            "p50": _percentile(ordered, 0.5),
            "p95": _percentile(ordered, 0.95),
            "p99": _percentile(ordered, 0.99),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="http://host:port of the server")
    parser.add_argument("--paths-file", required=True, help="one path per line, sent in turn")
    parser.add_argument("--header", action="append", default=[], help='"Name: value"')
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with open(args.paths_file) as f:
        paths = [line.strip() for line in f if line.strip()]
    headers = dict(h.split(": ", 1) for h in args.header)
    print(json.dumps(drive(args.base, paths, headers, args.seconds, args.concurrency)))


if __name__ == "__main__":
    main()
