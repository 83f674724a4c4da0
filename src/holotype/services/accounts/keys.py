"""The site's signing key: from the ``secret_key`` setting, else a file in the data directory.

``holotype init`` writes the file (readable by its owner only) when neither exists; a portal
that starts without it writes it the same way, so every process of a site signs alike.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from holotype.config import Settings

KEY_FILE = "secret_key"
KEY_BYTES = 48


def key_file(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def ensure_key_file(settings: Settings) -> Path | None:
    """Write ``DATA_DIR/secret_key`` (mode 0600) unless it exists or the setting gives the
    key; returns the file written, or None.

    The key is written whole to a file of its own first and then linked into place, which
    succeeds for one writer only: a process or thread that reads the key at the same moment
    finds either no file or the whole key, never an empty one."""
    if settings.secret_key is not None:
        return None
    path = key_file(settings)
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            return None  # another process or thread wrote it just now
    finally:
        draft.unlink(missing_ok=True)
    return path


def secret_key(settings: Settings) -> bytes:
    """The key that signs cookies and form tokens."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    ensure_key_file(settings)
    text = key_file(settings).read_text().strip()
    if not text:
        raise RuntimeError(f"{key_file(settings)} is empty: delete it and run holotype init")
    return text.encode()
