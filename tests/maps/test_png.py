"""Raster tiles: decode the PNG and check the pixels against the cells drawn."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from holotype.services.maps.png import GRID_CELL_PX, draw, ramp_for
from holotype.services.maps.ramp import rgb


def pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "RGBA"
    return np.asarray(image)


def test_points_draw_a_dot_at_each_cell_and_nothing_elsewhere() -> None:
    tile = pixels(draw([(40.5, 60.5, 1), (200.5, 100.5, 7)], "points"))
    assert tile.shape == (256, 256, 4)
    assert tile[60, 40, 3] == 255 and tile[100, 200, 3] == 255
    # one fill colour whatever the count, and a darker outline at the dot's edge
    assert tuple(tile[60, 40, :3]) == tuple(tile[100, 200, :3])
    assert tile[60, 37, :3].sum() < tile[60, 40, :3].sum()
    drawn = tile[:, :, 3] > 0
    assert drawn.sum() < 2 * 60  # two small dots
    assert tile[10, 10, 3] == 0 and tile[200, 128, 3] == 0


def test_grid_squares_take_the_ramp_colour_of_their_count() -> None:
    ramp = ramp_for(1000)
    low, high = (4.0, 4.0, 1), (100.0, 100.0, 1000)
    tile = pixels(draw([low, high], "grid", legend=ramp))
    classes = ramp.classes()
    assert tuple(tile[4, 4, :3]) == rgb(classes[0]["colour"])
    assert tuple(tile[100, 100, :3]) == rgb(classes[-1]["colour"])
    assert classes[0]["colour"] != classes[-1]["colour"]
    # the whole square is filled, its neighbours are not
    cell = GRID_CELL_PX
    square = tile[96 : 96 + cell, 96 : 96 + cell, 3]
    assert (square > 0).all()
    assert tile[96 + cell, 100, 3] == 0 and tile[100, 96 - 1, 3] == 0
    assert (tile[:, :, 3] > 0).sum() == 2 * cell * cell


def test_grid_sums_cells_that_share_a_square() -> None:
    ramp = ramp_for(1000)
    one = pixels(draw([(50.0, 50.0, 200)], "grid", legend=ramp))
    two = pixels(draw([(50.0, 50.0, 200), (51.0, 52.0, 200)], "grid", legend=ramp))
    assert tuple(two[50, 50, :3]) == rgb(ramp.classes()[-1]["colour"])
    assert tuple(one[50, 50, :3]) != tuple(two[50, 50, :3])


def test_heatmap_is_drawn_near_cells_and_transparent_far_away() -> None:
    tile = pixels(draw([(64.0, 64.0, 20), (70.0, 60.0, 3)], "heatmap"))
    assert tile[64, 64, 3] > 100
    assert (tile[50:80, 50:80, 3] > 0).all()
    assert (tile[150:, :, 3] == 0).all() and (tile[:, 150:, 3] == 0).all()


def test_heatmap_blurs_in_cells_just_beyond_the_edge() -> None:
    tile = pixels(draw([(-4.0, 128.0, 10)], "heatmap"))
    assert tile[128, 0, 3] > 0 and tile[128, 200, 3] == 0


def test_scale_two_draws_512_pixels_at_the_scaled_place() -> None:
    for style in ("points", "grid", "heatmap"):
        tile = pixels(draw([(100.5, 30.5, 5)], style, scale=2))
        assert tile.shape == (512, 512, 4)
        assert tile[61, 201, 3] > 0 and tile[400, 400, 3] == 0


def test_no_cells_give_a_fully_transparent_tile() -> None:
    for style in ("points", "grid", "heatmap"):
        for scale in (1, 2):
            tile = pixels(draw([], style, scale=scale))
            assert tile.shape == (256 * scale, 256 * scale, 4)
            assert (tile[:, :, 3] == 0).all()
    assert (pixels(draw([(10.0, 10.0, 0)], "grid"))[:, :, 3] == 0).all()


def test_bad_arguments_raise_naming_the_problem() -> None:
    with pytest.raises(ValueError, match="'hexbin'"):
        draw([(1.0, 1.0, 1)], "hexbin")
    with pytest.raises(ValueError, match="scale"):
        draw([(1.0, 1.0, 1)], "points", scale=9)
    with pytest.raises(ValueError, match="cell 1"):
        draw([(1.0, 1.0, 1), (float("nan"), 2.0, 1)], "points")


def test_ramp_classes_are_log_scaled_and_cover_one_to_max() -> None:
    classes = ramp_for(5000).classes()
    assert len(classes) == 7
    assert classes[0]["min"] == 1 and classes[-1]["max"] == 5000
    for before, after in itertools.pairwise(classes):
        assert after["min"] == before["max"] + 1
    widths = [c["max"] - c["min"] + 1 for c in classes]
    assert widths == sorted(widths) and widths[-1] > 100 * widths[0]
    assert len({c["colour"] for c in classes}) == 7
    assert [c["max"] for c in ramp_for(3).classes()] == [1, 2, 3]
    assert ramp_for(0).classes() == [{"min": 1, "max": 1, "colour": ramp_for(1).colours[0]}]


def test_ramp_puts_counts_in_their_class() -> None:
    ramp = ramp_for(100)
    found = ramp.class_of(np.array([1, 100, 10_000]))
    assert found.tolist() == [0, len(ramp.uppers) - 1, len(ramp.uppers) - 1]
