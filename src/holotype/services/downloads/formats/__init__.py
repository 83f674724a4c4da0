"""The file formats a download can be written in."""
