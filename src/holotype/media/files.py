"""Image files added from a folder: which files count, which record each belongs to, and
whether it is a readable image.

File names give the record: a file belongs to the record whose value (of the field chosen,
e.g. ``catalogNumber``) is the file's name without its extension (``NHMUK-123.jpg``), or the
name up to a ``_`` or ``-`` after which anything may follow, for several images of one record
(``NHMUK-123_2.jpg``, ``NHMUK-123-dorsal.tif``). When several values fit, the longest wins, so
a value that itself holds ``_`` or ``-`` is matched whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

#: Image file extensions added, with the format each is recorded with.
IMAGE_FORMATS = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "tif": "image/tiff",
    "tiff": "image/tiff", "webp": "image/webp", "jp2": "image/jp2",
}
SEPARATORS = "_-"


def image_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(image files, other files) directly in ``folder``, by name; hidden files are left out."""
    images: list[Path] = []
    others: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.is_file():
            continue
        (images if path.suffix.lower().lstrip(".") in IMAGE_FORMATS else others).append(path)
    return images, others


def image_format(path: Path) -> str:
    return IMAGE_FORMATS[path.suffix.lower().lstrip(".")]


def candidates(stem: str) -> list[str]:
    """The values a file named ``stem`` may belong to, longest first."""
    found = [stem]
    for index in range(len(stem) - 1, 0, -1):
        if stem[index] in SEPARATORS:
            found.append(stem[:index])
    return found


def record_value(stem: str, values: Iterable[str]) -> str | None:
    """The longest of ``values`` that the file named ``stem`` belongs to (None: none)."""
    known = set(values)
    return next((value for value in candidates(stem) if value in known), None)


def image_problem(path: Path) -> str | None:
    """Why the file is not a readable image (None when it is): its header is read, not its
    pixels."""
    import pyvips  # loads libvips: only when images are checked

    try:
        image = pyvips.Image.new_from_file(str(path), access="sequential")
        if image.width < 1 or image.height < 1:
            return "the image has no pixels"
    except pyvips.Error as exc:
        detail = str(exc).strip().splitlines()
        return "not a readable image" + (f" ({detail[-1].strip()})" if detail else "")
    return None
