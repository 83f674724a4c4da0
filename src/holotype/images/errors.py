"""The two ways an image can fail: a file that cannot be decoded safely (:class:`ImageError`),
and a IIIF request that cannot be answered (:class:`IIIFError`, with the IIIF status)."""

from __future__ import annotations

from holotype.errors import Invalid


class ImageError(Invalid):
    """A file that is not an image Holotype will decode: unknown format, empty, zero-size,
    truncated, corrupt, or more pixels than allowed (a decompression bomb). ``message`` says
    which, and names the file."""


class IIIFError(Invalid):
    """A IIIF Image API request that cannot be answered. ``status`` is the HTTP status the
    specification asks for (400 for every malformed or out-of-range parameter this server
    sees; 501 is kept for a feature that is not implemented), ``parameter`` the part of the
    URL at fault: ``region``, ``size``, ``rotation``, ``quality`` or ``format``."""

    def __init__(self, status: int, message: str, parameter: str) -> None:
        super().__init__(message, field=parameter)
        # The class-level status (400) is the common case; a 501 shadows it on the instance.
        setattr(self, "status", status)  # noqa: B010 - mypy forbids assigning a ClassVar
        self.parameter = parameter
