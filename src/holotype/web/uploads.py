"""Files sent to the action API as ``multipart/form-data`` (CKAN's ``resource_create`` with
an ``upload``), read into a work folder before the action runs.

The text fields become the action's parameters, read as GET values are (multipart fields are
text); each file is copied to the folder, refused (413-like, as Invalid naming the field) once
it passes the site's upload limit.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any, BinaryIO

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from holotype.errors import Invalid
from holotype.web.actions.registry import Upload

MAX_FIELDS = 100
MAX_FILES = 4


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def _copy(source: BinaryIO, target: Path, limit: int, field: str) -> None:
    copied = 0
    with target.open("wb") as out:
        while chunk := source.read(1024 * 1024):
            copied += len(chunk)
            if limit and copied > limit:
                raise Invalid(f"the file is larger than the site's limit of {limit} bytes",
                              field=field)
            out.write(chunk)


async def read_multipart(request: Request, folder: Path, limit: int
                         ) -> tuple[dict[str, Any], dict[str, Upload]]:
    """The text fields and the files (copied into ``folder``) of a multipart request."""
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except Exception as exc:  # a malformed body: the parser's own words
        raise Invalid.of({"body": [f"cannot read the multipart form: {exc}"]}) from None
    fields: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                filename = PurePath(value.filename or name).name or name
                target = folder / f"{len(files)}-{filename}"
                await run_in_threadpool(_copy, value.file, target, limit, name)
                files[name] = Upload(target, filename)
            else:
                fields[name] = value
    finally:
        await form.close()
    return fields, files


