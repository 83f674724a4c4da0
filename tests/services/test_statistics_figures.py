"""The figures' registry (which figures there are, who is offered which, one check of every
parameter) and the files made of a figure: its chart spec, CSV and drawn images."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from holotype.errors import Forbidden, Invalid
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.statistics import charts, countries, export, render
from holotype.services.statistics.figures import FIGURES, checked_params, figure, lookup, offered
from holotype.services.statistics.model import Column, Table
from holotype.services.visible import visible_resources
from tests.fixtures.site import make_site

IDS = ("taxonomy", "countries", "years", "basis", "type-status", "field", "completeness",
       "records-over-time", "datasets-over-time", "downloads-over-time",
       "top-datasets-downloads", "top-datasets-citations")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    settings = make_site(tmp_path_factory.mktemp("figures-site"), records=150)
    opened = Portal.open(settings)
    yield opened
    opened.close()


def _slug(portal: Portal) -> str:
    return visible_resources(portal, ANONYMOUS, None)[0].dataset_slug


def test_every_figure_of_the_issue_is_registered_once() -> None:
    assert [f.id for f in FIGURES] == list(IDS)


def test_usage_on_a_dataset_panel_is_for_maintainers_only(portal: Portal) -> None:
    slug = _slug(portal)
    anonymous = {f.id for f in offered(portal, ANONYMOUS, slug)}
    operator = {f.id for f in offered(portal, OPERATOR, slug)}
    assert "downloads-over-time" not in anonymous and "downloads-over-time" in operator
    assert "basis" in anonymous and "top-datasets-downloads" not in operator  # portal-wide
    assert {f.id for f in offered(portal, ANONYMOUS, None)} == set(IDS)
    with pytest.raises(Forbidden):
        figure(portal, ANONYMOUS, "downloads-over-time", slug, {})
    # The portal's usage, offered to everyone on the statistics page, answers everyone too.
    for usage in ("downloads-over-time", "top-datasets-downloads", "top-datasets-citations"):
        assert figure(portal, ANONYMOUS, usage, None, {}).figure == usage
    table = figure(portal, OPERATOR, "downloads-over-time", slug, {"granularity": "year"})
    assert table.figure == "downloads-over-time"
    with pytest.raises(Invalid) as found:
        figure(portal, OPERATOR, "top-datasets-downloads", slug, {})
    assert found.value.field == "dataset"


@pytest.mark.parametrize(("figure_id", "values", "field"), [
    ("basis", {"granularity": "year"}, "granularity"),
    ("basis", {"colour": "red"}, "colour"),
    ("basis", {"limit": "many"}, "limit"),
    ("basis", {"limit": 0}, "limit"),
    ("records-over-time", {"granularity": "week"}, "granularity"),
    ("records-over-time", {"since": "2021", "until": "2020"}, "since"),
    ("records-over-time", {"until": "1066"}, "until"),
])
def test_each_parameter_is_checked_naming_it(figure_id: str, values: dict[str, Any],
                                             field: str) -> None:
    with pytest.raises(Invalid) as found:
        checked_params(lookup(figure_id), values)
    assert found.value.field == field


def test_an_unknown_figure_is_refused_naming_figure() -> None:
    with pytest.raises(Invalid) as found:
        lookup("pie")
    assert found.value.field == "figure" and "basis" in found.value.message


TABLE = Table("basis", "Records by basis", "Most are specimens (7 of 10).",
              (Column("value", "Basis", "string"), Column("records", "Records", "integer")),
              [{"value": "PreservedSpecimen", "records": 7, "filters": {"and": []}},
               {"value": None, "records": 3}], total=10, others=2)


def test_a_spec_has_the_text_alternative_labels_and_links() -> None:
    spec = charts.spec(TABLE, "bar", ["/search?x", None])
    assert spec["description"] == TABLE.description
    assert spec["data"]["values"] == [
        {"value": "PreservedSpecimen", "records": 7, "link": "/search?x"},
        {"value": None, "records": 3}]  # no filters: only the columns and the link
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "text"]  # each bar labelled with its number
    unavailable = charts.spec(Table("x", "X", "Not yet.", TABLE.columns, [],
                                    unavailable="not yet available"), "bar")
    assert unavailable["data"]["values"] == [{"text": "not yet available"}]


def test_series_differ_by_dash_and_shape_not_only_colour() -> None:
    table = Table("r", "R", "d", (Column("period", "Month", "period"),
                                  Column("records", "Records", "integer"),
                                  Column("added", "Added", "integer")),
                  [{"period": "2024-01", "records": 1, "added": 1},
                   {"period": "2024-02", "records": 3, "added": 2}])
    spec = charts.spec(table, "line")
    encoding = spec["layer"][0]["encoding"]
    assert encoding["strokeDash"]["field"] == encoding["shape"]["field"] == "series"
    assert [r.get("_last") for r in spec["data"]["values"]] == [None, True]


def test_csv_has_every_row_its_search_and_the_others() -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv(TABLE, ["/search?x", None]))))
    assert rows == [["value", "records", "search"], ["PreservedSpecimen", "7", "/search?x"],
                    ["", "3", ""], ["(others)", "2", ""]]


def test_country_names_match_the_atlas_in_their_variants() -> None:
    names = countries.atlas_names(["United States of America", "Côte d'Ivoire", "Brazil"])
    assert countries.atlas_name("USA", names) == "United States of America"
    assert countries.atlas_name("brazil", names) == "Brazil"
    assert countries.atlas_name("Cote d'Ivoire", names) == "Côte d'Ivoire"
    assert countries.atlas_name("Atlantis", names) is None


def test_images_are_drawn_once_and_kept(portal: Portal) -> None:
    spec = charts.spec(TABLE, "bar")
    svg = render.image(portal, spec, "svg")
    assert svg.startswith(b"<svg") and b"PreservedSpecimen" in svg
    kept = list((portal.settings.data_dir / "stats" / "images").glob("*/*.svg"))
    assert len(kept) == 1
    kept[0].write_bytes(b"<svg>kept</svg>")  # the kept file is what is answered next
    assert render.image(portal, spec, "svg") == b"<svg>kept</svg>"
    assert render.image(portal, spec, "png").startswith(b"\x89PNG")
