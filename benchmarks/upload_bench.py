"""Upload throughput: the reference CSV (DESIGN.md's seeded records; 2,000,000 records are
about 1 GB) sent over loopback to a real uvicorn server (``benchmarks.http_load.Server``, as
``holotype serve`` runs) through the tus endpoint with an API token, in 50 MB PATCH requests as
the upload page's Uppy sends them. Each run creates an upload, sends the file, checks with HEAD
that every byte arrived, then ends the upload (tus termination). Target: >= 100 MB/s (median).

On a shared, loaded machine loopback speed itself varies a lot, so each run is paired with one
of the same file through a bare ASGI app under the same uvicorn that only writes the bodies to
a file (``python -m benchmarks.upload_bench sink DIR PORT``): the ratio says what the portal
costs over the machine's own loopback upload speed at that moment.
"""

from __future__ import annotations

import base64
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.http_load import ROOT, Server, free_port
from benchmarks.reference import reference_csv
from holotype.config import load_settings
from holotype.services import catalogue, organisations
from holotype.services.accounts import identities, tokens, users
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR

TARGET_MB_S = 100.0
CHUNK = 50 * 1000 * 1000
ENDPOINT = "/api/uploads/tus/"


def say(message: str) -> None:
    print(f"[upload] {message}", flush=True)


def _site(data_dir: Path) -> str:
    """A site with an editor of a dataset; the editor's API token (write)."""
    portal = Portal.open(load_settings(data_dir=data_dir, rate_limit_per_minute=0))
    try:
        organisations.create_organisation(portal, OPERATOR, "museum", "Museum")
        info, _ = users.create_user(portal, OPERATOR, "uploader", "uploader@example.org",
                                    password="a long enough password")
        organisations.set_role(portal, OPERATOR, "museum", "uploader", "editor")
        with portal.write_session() as session:
            catalogue.create_dataset(session, slug="bench", title="Upload benchmark",
                                     licence="CC0-1.0", organisation="museum")
        with portal.session() as session:
            identity = identities.identity_for_user(session, info.id)
        _, secret = tokens.create_token(portal, identity, "bench", scopes="write")
        return secret
    finally:
        portal.close()


def _metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def upload_once(client: httpx.Client, base: str, token: str, path: Path) -> float:
    """Send ``path`` as one tus upload; its seconds (creation to the last byte)."""
    size = path.stat().st_size
    headers = {"Tus-Resumable": "1.0.0", "Authorization": token}
    began = time.perf_counter()
    created = client.post(base + ENDPOINT, headers={
        **headers, "Upload-Length": str(size),
        "Upload-Metadata": _metadata(filename=path.name, filetype="text/csv", dataset="bench")})
    created.raise_for_status()
    url = created.headers["Location"]
    offset = 0
    with path.open("rb") as source:
        while offset < size:
            piece = source.read(CHUNK)
            sent = client.patch(url, content=piece, headers={
                **headers, "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream"})
            if sent.status_code != 204:
                raise RuntimeError(f"PATCH at {offset}: {sent.status_code} {sent.text}")
            offset = int(sent.headers["Upload-Offset"])
    elapsed = time.perf_counter() - began
    head = client.head(url, headers=headers)
    if head.headers.get("Upload-Offset") != str(size):
        raise RuntimeError(f"the server holds {head.headers.get('Upload-Offset')} of {size}")
    client.delete(url, headers=headers).raise_for_status()
    return elapsed


async def _sink(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The bare ASGI app of the baseline: every body appended to one file, then 204."""
    if scope["type"] != "http":
        return
    with (Path(os.environ["UPLOAD_SINK_DIR"]) / "sink").open("ab") as out:
        while True:
            message = await receive()
            out.write(message.get("body", b""))
            if not message.get("more_body"):
                break
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class Sink:
    """The baseline server (uvicorn, as the portal's) for the benchmark's duration."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Sink:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.upload_bench", "sink", str(self.folder),
             self.url.rsplit(":", 1)[1]], cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.post(self.url, content=b"", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the baseline server did not start within 60 s")

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def sink_once(client: httpx.Client, url: str, path: Path) -> float:
    """Send ``path`` to the baseline in the same 50 MB requests; its seconds."""
    began = time.perf_counter()
    with path.open("rb") as source:
        while piece := source.read(CHUNK):
            client.post(url, content=piece).raise_for_status()
    elapsed = time.perf_counter() - began
    return elapsed


def run(records: int = 2_000_000, runs: int = 3) -> dict[str, Any]:
    say(f"reference CSV of {records:,} records")
    path = reference_csv(records)
    size = path.stat().st_size
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        token = _site(Path(folder))
        sink_dir = Path(folder) / "sink"
        sink_dir.mkdir()
        with Server(Path(folder)) as server, Sink(sink_dir) as sink, \
                httpx.Client(timeout=600) as client:
            upload_once(client, server.url, token, path)  # warm-up (page cache, first request)
            samples, baseline = [], []
            for n in range(runs):
                seconds = upload_once(client, server.url, token, path)
                samples.append(seconds)
                baseline.append(sink_once(client, sink.url, path))
                (sink_dir / "sink").unlink(missing_ok=True)
                say(f"run {n + 1}: {size / seconds / 1e6:.0f} MB/s "
                    f"(bare uvicorn: {size / baseline[-1] / 1e6:.0f} MB/s)")
    speeds = [size / s / 1e6 for s in samples]
    bare = [size / s / 1e6 for s in baseline]
    median = statistics.median(speeds)
    return {
        "benchmark": "upload",
        "records": records,
        "file_bytes": size,
        "file_mb": round(size / 1e6, 1),
        "chunk_bytes": CHUNK,
        "runs": runs,
        "samples_s": samples,
        "samples_mb_s": speeds,
        "median_mb_s": median,
        "baseline_samples_mb_s": bare,
        "baseline_median_mb_s": statistics.median(bare),
        "ratio_to_baseline": median / statistics.median(bare),
        "load_average": os.getloadavg()[0],
        "target_mb_s": TARGET_MB_S,
        "met": median >= TARGET_MB_S,
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\nUpload over loopback (tus, {result['chunk_bytes'] // 1_000_000} MB PATCHes), "
          f"{result['file_mb']:,} MB CSV of {result['records']:,} records")
    print("runs: " + ", ".join(f"{s:.0f} MB/s" for s in result["samples_mb_s"]))
    print(f"bare uvicorn (same client, same requests): median "
          f"{result['baseline_median_mb_s']:.0f} MB/s; the portal reaches "
          f"{result['ratio_to_baseline']:.0%} of it (load average {result['load_average']:.1f})")
    met = "yes" if result["met"] else "NO"
    print(f"median {result['median_mb_s']:.0f} MB/s (target >= {result['target_mb_s']:.0f}): "
          f"{met}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["sink"]:
        import uvicorn

        os.environ["UPLOAD_SINK_DIR"] = sys.argv[2]
        uvicorn.run(_sink, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
    else:
        sys.exit("usage: python -m benchmarks.upload_bench sink DIR PORT")
