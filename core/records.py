"""`@record`: the part of `@dataclass` the status path uses, without importing `dataclasses`.

`openclaw models status --check` runs from cron and should cost little more than starting Python
(issue #15). `dataclasses` imports `inspect` (and with it `ast`, `dis`, `tokenize`), and processing a
dataclass costs most of a millisecond; together that was a fifth of the command. The classes the status
answer builds (core.status, core.views, core.paths, core.agentconfig) use this instead: the same
declaration (annotated fields in order, defaults, `factory(list)` for `field(default_factory=list)`),
the same generated `__init__` (positional or keyword, then `__post_init__`), `__repr__`, `__eq__`,
`frozen` (assignment raises `FrozenRecordError`, an AttributeError; frozen records hash by value,
mutable ones are unhashable, as dataclasses do) and `slots`. `replace()` is `dataclasses.replace`.
Everything else keeps `@dataclass`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

_MISSING = object()


class FrozenRecordError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def factory(make: Callable[[], Any]) -> Any:
    """A default made fresh for each instance (`dataclasses.field(default_factory=make)`)."""
    return _Factory(make)


def _init_source(cls: type, names: tuple[str, ...], defaults: dict[str, Any], frozen: bool, slots: bool,
                 post_init: bool) -> tuple[str, dict[str, Any]]:
    env: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body = ["self"], []
    for name in names:
        if name not in defaults:
            params.append(name)
        elif isinstance(defaults[name], _Factory):
            params.append(f"{name}=_MISSING")
            env[f"_f_{name}"] = defaults[name].make
            body.append(f"    if {name} is _MISSING: {name} = _f_{name}()")
        else:
            params.append(f"{name}=_d_{name}")
            env[f"_d_{name}"] = defaults[name]
    if frozen and not slots and names:
        # Straight into the instance dict: a frozen record's __setattr__ refuses, and one
        # object.__setattr__ call per field was most of the cost of 20,000 status rows.
        body.append("    _d = self.__dict__")
        body += [f"    _d[{name!r}] = {name}" for name in names]
    elif frozen and slots:
        # Through each slot's own descriptor: a third cheaper than object.__setattr__ by name.
        for name in names:
            env[f"_s_{name}"] = cls.__dict__[name].__set__
        body += [f"    _s_{name}(self, {name})" for name in names]
    else:
        body += [f"    _set(self, {name!r}, {name})" if frozen else f"    self.{name} = {name}" for name in names]
    if post_init:
        body.append("    self.__post_init__()")
    return f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n", env


def _record(cls: type[T] | None = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    def wrap(cls: type[T]) -> type[T]:
        annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect is what we avoid)
        names = tuple(n for n, kind in annotations.items() if not str(kind).startswith("ClassVar"))
        defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
        seen_default = False
        for n in names:  # dataclasses' rule: a field without a default cannot follow one with a default
            if n in defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default field {n!r} follows a default field in {cls.__qualname__}")
        namespace = dict(cls.__dict__)
        if slots:
            for n in names:
                namespace.pop(n, None)
            namespace["__slots__"] = names
            namespace["__qualname__"] = cls.__qualname__
            namespace.pop("__dict__", None)
            namespace.pop("__weakref__", None)
            cls = type(cls)(cls.__name__, cls.__bases__, namespace)
        source, env = _init_source(cls, names, defaults, frozen, slots, hasattr(cls, "__post_init__"))
        exec(source, env)
        init = env["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = init  # type: ignore[misc]
        cls.__record_fields__ = names  # type: ignore[attr-defined]
        cls.__match_args__ = names  # type: ignore[attr-defined]
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = _repr  # type: ignore[method-assign]
        if "__eq__" not in cls.__dict__:
            cls.__eq__ = _eq  # type: ignore[method-assign]
        if frozen:
            cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign]
            cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign]
            cls.__hash__ = _hash  # type: ignore[method-assign]
        elif namespace.get("__hash__") is None:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable
        return cls

    return wrap if cls is None else wrap(cls)


def _values(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, n) for n in obj.__record_fields__)


def _repr(self: Any) -> str:
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__record_fields__)
    return f"{type(self).__qualname__}({inner})"


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a record with some fields changed (`dataclasses.replace`)."""
    unknown = set(changes) - set(obj.__record_fields__)  # type: ignore[attr-defined]
    if unknown:
        raise TypeError(f"{type(obj).__qualname__} has no field(s) {sorted(unknown)}")
    values = {n: changes.get(n, getattr(obj, n)) for n in obj.__record_fields__}  # type: ignore[attr-defined]
    return type(obj)(**values)


if TYPE_CHECKING:
    # Type checkers see a record as the dataclass it behaves like: they cannot see an exec-made __init__.
    from dataclasses import dataclass as record
else:
    record = _record
