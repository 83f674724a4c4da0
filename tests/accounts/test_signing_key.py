"""The site's signing key file: written once, whole, even when many threads or processes of a
new site ask for it at the same moment (the first requests to a fresh site all do)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from holotype.config import Settings, load_settings
from holotype.services.accounts.keys import KEY_FILE, secret_key

READERS = 16


def _read_together(settings: Settings) -> list[bytes | BaseException]:
    keys: list[bytes | BaseException] = []
    start = threading.Barrier(READERS)

    def read() -> None:
        start.wait()
        try:
            keys.append(secret_key(settings))
        except BaseException as error:  # an empty file read mid-write raised here
            keys.append(error)

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys


@pytest.mark.parametrize("attempt", range(5))  # the race is at the very first read
def test_many_first_readers_all_get_the_one_whole_key(tmp_path: Path, attempt: int) -> None:
    settings = load_settings(data_dir=tmp_path / f"site-{attempt}")
    keys = _read_together(settings)
    assert all(isinstance(k, bytes) and len(k) > 40 for k in keys), keys
    assert len(set(keys)) == 1  # one key, whoever wrote it
    key_path = settings.data_dir / KEY_FILE
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert os.listdir(settings.data_dir) == [KEY_FILE]  # no draft left beside it
