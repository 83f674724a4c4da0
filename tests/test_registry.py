"""The generic provider registry: names, order, clear errors, built-ins loaded on first use."""

from __future__ import annotations

import sys
import types

import pytest

from holotype.registry import Registry, UnknownName


def test_unknown_name_names_the_kind_and_the_known_ones() -> None:
    registry: Registry[int] = Registry("colour")
    registry.register("red", 1)
    registry.register("blue", 2)
    with pytest.raises(UnknownName) as caught:
        registry.get("green")
    assert str(caught.value) == "unknown colour 'green'; known: red, blue"
    assert (caught.value.name, caught.value.known) == ("green", ("red", "blue"))
    assert isinstance(caught.value, LookupError)


def test_registration_order_and_unregister() -> None:
    registry: Registry[str] = Registry("thing")
    for name in ("b", "a", "c"):
        registry.register(name, name.upper())
    assert registry.names() == ("b", "a", "c")
    assert list(registry) == ["B", "A", "C"]
    assert "a" in registry and len(registry) == 3
    with pytest.raises(ValueError, match="already registered"):
        registry.register("a", "again")
    registry.unregister("a")
    assert registry.names() == ("b", "c")
    with pytest.raises(UnknownName):
        registry.unregister("a")


def test_builtins_are_imported_on_first_use_and_come_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry: Registry[str] = Registry("plugin", {"one": "fake_plugins_one",
                                                  "two": "fake_plugins_two"})

    def module(name: str, provider: str) -> None:
        fake = types.ModuleType(name)
        fake.__dict__["registered"] = registry.register(provider, provider)
        monkeypatch.setitem(sys.modules, name, fake)

    registry.register("extra", "extra")  # registered before the built-ins were loaded
    imported: list[str] = []

    def import_module(name: str) -> types.ModuleType:
        imported.append(name)
        module(name, "two" if name.endswith("two") else "one")
        return sys.modules[name]

    monkeypatch.setattr("holotype.registry.importlib.import_module", import_module)
    assert registry.names() == ("one", "two", "extra")
    assert imported == ["fake_plugins_one", "fake_plugins_two"]
    registry.get("one")
    assert imported == ["fake_plugins_one", "fake_plugins_two"]  # loaded once


def test_a_builtin_that_does_not_register_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[str] = Registry("plugin", {"one": "fake_silent_plugin"})
    monkeypatch.setitem(sys.modules, "fake_silent_plugin", types.ModuleType("fake_silent_plugin"))
    with pytest.raises(RuntimeError, match="did not register"):
        registry.names()
