"""What the demo generators share: seeded pools, skewed picks, sparse columns, image links."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from holotype.demo.latin import Taxonomy, build_taxonomy
from holotype.demo.words import INITIALS, SURNAMES

#: Species in the demo's world: one taxonomy shared by every demo dataset, seed and batch, as a
#: museum's specimens and index lots share their names.
SPECIES = 20_000
WORLD_SEED = 1758


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The species and higher taxa (built once per process)."""
    return build_taxonomy(np.random.default_rng([WORLD_SEED, 1]), SPECIES)


@lru_cache(maxsize=1)
def collectors() -> tuple[str, ...]:
    """Collectors' and identifiers' names (built once per process)."""
    rng = np.random.default_rng([WORLD_SEED, 2])
    names = []
    for _ in range(3_000):
        initials = ".".join(rng.choice(INITIALS, int(rng.integers(1, 3)))) + "."
        names.append(f"{initials} {rng.choice(SURNAMES)}")
    return tuple(names)


def zipf_index(rng: np.random.Generator, n: int, size: int, a: float = 1.3) -> np.ndarray:
    """Indices in [0, size) with a Zipf-like skew: index 0 is the most common."""
    ranks = rng.zipf(a, n) - 1
    return np.where(ranks < size, ranks, rng.integers(0, size, n)).astype(np.int64)


def pick(pool: list[str] | tuple[str, ...] | np.ndarray, idx: np.ndarray) -> pa.Array:
    return pa.array(list(pool), pa.string()).take(pa.array(idx))


def strings(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string())


def keep(arr: pa.Array, present: np.ndarray) -> pa.Array:
    """``arr`` where ``present``, null elsewhere."""
    return pc.if_else(pa.array(~present), pa.nulls(len(arr), arr.type), arr)


def sparse(rng: np.random.Generator, arr: pa.Array, present: float) -> pa.Array:
    """``arr`` with each value kept with probability ``present``."""
    return keep(arr, rng.random(len(arr)) < present)


def modified(rng: np.random.Generator, n: int) -> pa.Array:
    """Last-modified dates of an export made over a few weeks of October 2023."""
    return pick([f"2023-10-{d:02d}" for d in range(1, 29)], zipf_index(rng, n, 28, 1.5))


def media(names: pa.Array, counts: np.ndarray) -> pa.Array:
    """Addresses of the portal's own drawn demo images (``/media/demo/<name>.svg``), one per
    counted image, separated by `` | `` as Darwin Core recommends; null without images."""
    numbers = names.to_pylist()
    return pa.array(
        [" | ".join(f"/media/demo/{numbers[i]}-{k}.svg" for k in range(1, int(c) + 1)) or None
         for i, c in enumerate(counts)],
        pa.string(),
    )
