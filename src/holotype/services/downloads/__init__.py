"""Downloads: any search, at any version, as a zipped file made in the background.

The modules, in the order a download goes through them:

* :mod:`.request`: what a download asks for, parsed and checked (no catalogue, no store);
* :mod:`.queue`: checking a request against the data and queueing it; a download's status
  and finished file;
* :mod:`.workers` and :mod:`.run`: the workers, and making one queued download;
* :mod:`.formats`: the registry of file formats, one module per format (:mod:`.members`:
  what a format writes from and into);
* :mod:`.engine`, :mod:`.package` and :mod:`.parallel_deflate`: the engine connection that
  writes rows, and the zip they are written into;
* :mod:`.dwca`: the Darwin Core Archive's meta.xml and eml.xml;
* :mod:`.notify`: telling the requester how it ended.

What the web layer, the CLI and the tests use is exported here.
"""

from __future__ import annotations

from holotype.services.downloads.formats import FORMATS, DownloadFormat
from holotype.services.downloads.queue import (
    Queued,
    file_path,
    finished_file,
    queue_download,
    sends_email,
    status,
)
from holotype.services.downloads.request import NOTIFIERS, DownloadRequest, parse_request
from holotype.services.downloads.workers import make_worker, run_until, start_in_process

__all__ = [
    "FORMATS",
    "NOTIFIERS",
    "DownloadFormat",
    "DownloadRequest",
    "Queued",
    "file_path",
    "finished_file",
    "make_worker",
    "parse_request",
    "queue_download",
    "run_until",
    "sends_email",
    "start_in_process",
    "status",
]
