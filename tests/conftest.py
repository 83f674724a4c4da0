import os

from tests.fixtures.demo_media import TEST_DEMO_MEDIA

pytest_plugins = ["tests.fixtures.postgres", "tests.fixtures.site", "tests.fixtures.spark"]


def pytest_configure() -> None:
    """Demo sites of the tests draw small drawers (see TEST_DEMO_MEDIA)."""
    for name, value in TEST_DEMO_MEDIA.items():
        os.environ.setdefault(name, value)
