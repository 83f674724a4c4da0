"""Peer for the images benchmark: Debian's IIPImage server, the image server most museums run.

``iipsrv.fcgi`` (package ``iipimage-server``) is a FastCGI program, so it runs as museums run
it: bound to a loopback port (``--bind 127.0.0.1:PORT``) behind a web server, here ``lighttpd
-D -f CONF`` (package ``lighttpd``) with ``mod_fastcgi`` mapping ``/fcgi-bin/iipsrv.fcgi`` to
that port, on another free loopback port. Both run in a throwaway directory (the lighttpd
configuration, logs, an empty document root) and are stopped by their process ids afterwards.

The images are pyramidal tiled TIFFs in one folder, ``FILESYSTEM_PREFIX``, addressed by file
name. iipsrv 1.1 speaks IIIF Image API 2: ``/fcgi-bin/iipsrv.fcgi?IIIF=FILE.tif/info.json`` and
``.../REGION/SIZE/ROTATION/default.jpg``. Its tile cache (compressed JPEG tiles in memory,
``MAX_IMAGE_CACHE_SIZE``) is set to :data:`CACHE_MB`, so a warm tile is a cache hit as it is
on a tuned production server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

from benchmarks.http_load import free_port

IIPSRV = Path("/usr/lib/iipimage-server/iipsrv.fcgi")  # as the Makefile's bench-deps checks
LIGHTTPD = Path("/usr/sbin/lighttpd")
CACHE_MB = 1024
PATH = "/fcgi-bin/iipsrv.fcgi"
MISSING = ("the images benchmark needs Debian's iipimage-server and lighttpd "
           f"({IIPSRV}, {LIGHTTPD}): run `make bench-deps`")

LIGHTTPD_CONF = """\
server.document-root = "{root}"
server.bind = "127.0.0.1"
server.port = {http_port}
server.modules = ( "mod_fastcgi" )
server.errorlog = "{work}/lighttpd-error.log"
server.max-connections = 256
fastcgi.server = ( "{path}" => ((
    "host" => "127.0.0.1", "port" => {fcgi_port}, "check-local" => "disable"
)) )
"""


class IIPServer:
    """iipsrv behind lighttpd on loopback ports, serving the TIFFs in ``images``."""

    name = "iipsrv"

    def __init__(self, images: Path) -> None:
        if not IIPSRV.is_file() or not LIGHTTPD.is_file():
            raise SystemExit(MISSING)
        self.images = images.resolve()
        self.http_port, self.fcgi_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self._work: tempfile.TemporaryDirectory[str] | None = None

    def image_path(self, file_name: str) -> str:
        """The path (after :attr:`base`) of the IIIF image ``file_name``, e.g.
        ``/fcgi-bin/iipsrv.fcgi?IIIF=drawer.tif``; add ``/info.json`` or ``/region/size/...``."""
        return f"{PATH}?IIIF={file_name}"

    def __enter__(self) -> IIPServer:
        self._work = tempfile.TemporaryDirectory(prefix="bench-iipsrv-")
        work = Path(self._work.name)
        (work / "www").mkdir()
        conf = work / "lighttpd.conf"
        conf.write_text(LIGHTTPD_CONF.format(root=work / "www", http_port=self.http_port,
                                             work=work, path=PATH, fcgi_port=self.fcgi_port))
        env = {**os.environ, "FILESYSTEM_PREFIX": f"{self.images}/",
               "MAX_IMAGE_CACHE_SIZE": str(CACHE_MB), "LOGFILE": str(work / "iipsrv.log"),
               "VERBOSITY": "1", "MAX_CVT": "10000"}
        try:
            self.processes.append(subprocess.Popen(
                [str(IIPSRV), "--bind", f"127.0.0.1:{self.fcgi_port}"], env=env, cwd=work,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.processes.append(subprocess.Popen(
                [str(LIGHTTPD), "-D", "-f", str(conf)], cwd=work,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self._wait_until_up(work)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_up(self, work: Path) -> None:
        deadline = time.monotonic() + 30
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    log = work / "lighttpd-error.log"
                    raise RuntimeError(f"{process.args[0]} exited ({process.returncode}): "
                                       f"{log.read_text()[-500:] if log.exists() else ''}")
            try:  # any answer from iipsrv through lighttpd: both are up
                if httpx.get(f"{self.base}{PATH}?IIIF=", timeout=2).status_code != 503:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("iipsrv behind lighttpd did not answer within 30 s")
            time.sleep(0.1)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.processes.clear()
        if self._work is not None:
            self._work.cleanup()
            self._work = None
