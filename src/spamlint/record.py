"""Frozen records without most of dataclasses' generated code: what @dataclass(frozen=True) gives, cheaper to define.

`@dataclass(frozen=True)` writes each class's __init__, __repr__, __eq__, __hash__,
__setattr__ and __delattr__ as source text and exec()s each when the module is imported: about
half a millisecond a class, and the ~20 records a run imports cost a tenth of its start-up.
A class decorated with `record` gets the same __init__ (written as one function, the only
exec, when first used: `_FirstInit`) and the rest from `Record`, which reads its fields through
one `operator.attrgetter`; `record` still makes it a dataclass (with nothing else generated), so `dataclasses.fields`,
`replace` and `asdict` work as before, and `__post_init__` runs as it does for a dataclass.
tests/test_speed_startup4.py holds each record to the @dataclass(frozen=True) class with the
same fields: signature, equality, hash, repr, replace, pickling, copying and the errors on
assignment.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar

C = TypeVar("C", bound=type)


class Record:
    """The methods @dataclass(frozen=True) generates, read off the class's fields (see `record`)."""

    __slots__ = ()
    _compared: Callable[[Any], tuple[Any, ...]]  # the fields eq and hash compare, as one tuple
    _shown: tuple[str, ...]  # the fields repr shows

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._compared(self) == self._compared(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._compared(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    # what dataclasses give a frozen class with slots, which has no __dict__ to pickle
    def __getstate__(self) -> Any:
        if hasattr(self, "__dict__"):
            return self.__dict__
        return [getattr(self, f.name) for f in fields(self)]  # type: ignore[arg-type]

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, dict):
            self.__dict__.update(state)
            return
        for f, value in zip(fields(self), state):  # type: ignore[arg-type]
            object.__setattr__(self, f.name, value)


def record(slots: bool = False) -> Callable[[C], C]:
    """Make a Record subclass a frozen dataclass (`slots` as dataclass's) with one generated method, __init__."""

    def make(cls: C) -> C:
        cls = dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
        every = fields(cls)
        cls.__init__ = _FirstInit(cls)  # type: ignore[misc] - written when first used
        compared = [f.name for f in every if f.compare]
        cls._compared = attrgetter(*compared) if len(compared) > 1 else _as_tuple(compared)
        cls._shown = tuple(f.name for f in every if f.repr)
        return cls
    return make


def _as_tuple(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """What attrgetter gives for two names or more, for one or none: a tuple (attrgetter(x) gives the value)."""
    get = attrgetter(*names) if names else None
    return (lambda obj: (get(obj),)) if get is not None else (lambda obj: ())


class _FirstInit:
    """Stands for a record's __init__ until it is first read (the first instance, or
    inspect.signature): then written (the one exec) and set on the class in its place.  A run
    makes instances of about half the records it imports."""

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        init = self.cls.__dict__["__init__"]
        if init is self:  # not yet written (another thread may have done it meanwhile)
            init = _init(self.cls, fields(self.cls))
            type.__setattr__(self.cls, "__init__", init)
        return init if obj is None else init.__get__(obj, owner)


class _Factory:
    """The default of a parameter whose field has a default_factory: "not given, make one"."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _init(cls: type, every: tuple[Field[Any], ...]) -> Callable[..., None]:
    """The __init__ @dataclass(frozen=True) writes for these fields: each set once, defaults and
    default factories as dataclass has them, then __post_init__ when the class has one."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params, lines = [], []
    for f in every:
        if f.kw_only:
            raise TypeError(f"{cls.__qualname__}.{f.name}: a record has no keyword-only fields")
        value = f.name
        if f.default is not MISSING:
            scope[f"_d_{f.name}"] = f.default
            default = f"_d_{f.name}"
        elif f.default_factory is not MISSING:
            scope[f"_f_{f.name}"] = f.default_factory
            default = "_FACTORY"
            value = f"_f_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            default = ""
        if f.init:
            params.append(f"{f.name}={default}" if default else f.name)
        elif default:  # not a parameter, but set to its default as dataclass does
            value = f"_f_{f.name}()" if default == "_FACTORY" else default
        else:
            continue
        lines.append(f"_set(self, {f.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        lines.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}) -> None:\n    " + "\n    ".join(lines or ["pass"])
    exec(source, scope)  # one function per class: dataclass's own way, without its other five
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init  # type: ignore[no-any-return]
