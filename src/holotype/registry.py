"""Named providers of one kind (download formats, ingest readers, ...), chosen by name.

A provider module registers itself when it is imported::

    FORMATS.register("csv", CopyFormat(...))

The registry knows its built-in providers and the modules that hold them, and imports those
modules itself before anyone reads it (:meth:`Registry.load`), so what is registered never
depends on what happened to be imported first. Built-ins come first, in the order declared,
then providers registered by other modules, in the order they registered.

Nothing is imported or registered when this module is imported.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownName(LookupError):
    """No provider of this kind has the name asked for."""

    def __init__(self, kind: str, name: str, known: tuple[str, ...]) -> None:
        self.kind = kind
        self.name = name
        self.known = known
        listed = ", ".join(known) or "none"
        super().__init__(f"unknown {kind} {name!r}; known: {listed}")


class Registry(Generic[T]):
    """Providers of one ``kind``, by name.

    ``builtins`` maps the name of each built-in provider to the module that registers it.
    """

    def __init__(self, kind: str, builtins: Mapping[str, str] | None = None) -> None:
        self.kind = kind
        self._builtins = dict(builtins or {})
        self._providers: dict[str, T] = {}
        self._loaded = False
        self._loading = False
        self._lock = threading.RLock()

    def register(self, name: str, provider: T) -> T:
        """Add ``provider`` as ``name`` (a name is registered once); returns the provider."""
        with self._lock:
            if name in self._providers:
                raise ValueError(f"the {self.kind} {name!r} is already registered")
            self._providers[name] = provider
        return provider

    def unregister(self, name: str) -> None:
        """Remove ``name`` (tests use this to clean up what they registered)."""
        with self._lock:
            if self._providers.pop(name, None) is None:
                raise UnknownName(self.kind, name, self.names())

    def load(self) -> None:
        """Import the modules of the built-in providers (once; later calls do nothing)."""
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:
                return  # loaded meanwhile, or a built-in module registering while we load
            self._loading = True
            try:
                for module in dict.fromkeys(self._builtins.values()):
                    importlib.import_module(module)
            finally:
                self._loading = False
            missing = [n for n in self._builtins if n not in self._providers]
            if missing:
                raise RuntimeError(f"built-in {self.kind}(s) {', '.join(missing)} did not "
                                   "register themselves")
            self._loaded = True

    def get(self, name: str) -> T:
        """The provider called ``name``; :class:`UnknownName` (naming the known ones) if none."""
        self.load()
        try:
            return self._providers[name]
        except KeyError:
            raise UnknownName(self.kind, name, self.names()) from None

    def names(self) -> tuple[str, ...]:
        """Every name: the built-ins in their declared order, then the rest as registered."""
        self.load()
        with self._lock:
            first = [n for n in self._builtins if n in self._providers]
            return (*first, *(n for n in self._providers if n not in self._builtins))

    def __contains__(self, name: object) -> bool:
        self.load()
        return name in self._providers

    def __iter__(self) -> Iterator[T]:
        """The providers, in the order of :meth:`names`."""
        return iter([self._providers[name] for name in self.names()])

    def __len__(self) -> int:
        return len(self.names())
