"""The settings of images and media (part of :class:`holotype.config.Settings`, kept here so
the settings module stays small): where media may come from, the image server's limits and
its cache."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MediaSettings(BaseModel):
    media_allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts media URLs may be fetched from (exact names, "
        "or *.example.org for its subdomains). Empty (the default): none; addresses that are "
        "private, loopback or link-local are refused whatever this says.")
    media_max_mb: int = Field(default=512, ge=1, description="Largest media file fetched or "
                              "added, in megabytes.")
    image_max_pixels: int = Field(default=2_000_000_000, ge=1, description="Largest image "
                                  "decoded (width x height): larger ones are refused as "
                                  "decompression bombs.")
    image_background_pixels: int = Field(
        default=200_000_000, ge=1, description="Images with more pixels than this (width x "
        "height) are converted for the image server by a background worker (queued after "
        "ingest, or when first asked for) instead of within the request; until then the "
        "image server answers 503 with Retry-After and the viewer says the image is being "
        "prepared.")
    image_workers: int = Field(default=1, ge=0, description="Image conversion worker threads "
                               "`holotype serve` runs; 0: none (run `holotype worker`).")
    iiif_max_width: int = Field(default=10_000, ge=1, description="Widest image the IIIF image "
                                "server returns (maxWidth in info.json).")
    iiif_max_area: int = Field(default=50_000_000, ge=1, description="Most pixels in one IIIF "
                               "image answer (maxArea in info.json).")
    image_cache_mb: int = Field(default=20_480, ge=1, description="Most megabytes of converted "
                                "(pyramidal) images kept; the least recently used go first.")
    demo_photos: int = Field(default=120, ge=0, description="Insect records of the demo that "
                             "`holotype demo` gives generated photographs (one or two each).")
    demo_drawer_scale: float = Field(default=1.0, gt=0, le=1, description="Size of the demo's "
                                     "drawer photographs relative to full size (20,480 x "
                                     "15,360 pixels); smaller draws faster.")
