"""Images on libvips (pyvips): checked decoding of hostile files, pyramidal conversion, and the
IIIF Image API's regions, sizes, rotations, qualities and formats."""
