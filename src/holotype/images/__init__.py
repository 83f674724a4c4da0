"""Images on libvips (pyvips): checked decoding of hostile files, pyramidal conversion, and the
IIIF Image API's regions, sizes, rotations, qualities and formats.

Entry points: :func:`probe` (a file's header, checked), :func:`make_pyramid` (a source made
into a tiled pyramidal TIFF), :func:`parse_request` (a IIIF request resolved against an image
and the limits), :func:`render` (the answer to a request, from a pyramid) and
:func:`info_json` (the image information document)."""

from holotype.images.errors import IIIFError, ImageError
from holotype.images.info import info_json, scale_factors
from holotype.images.probe import ImageInfo, probe
from holotype.images.pyramid import make_pyramid
from holotype.images.render import render
from holotype.images.request import FORMATS, QUALITIES, IIIFRequest, parse_request

__all__ = ["FORMATS", "QUALITIES", "IIIFError", "IIIFRequest", "ImageError", "ImageInfo",
           "info_json", "make_pyramid", "parse_request", "probe", "render", "scale_factors"]
