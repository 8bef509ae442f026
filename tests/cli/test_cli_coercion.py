"""xxgk.cli.coercion: option values converted without pydantic, exactly as typer's own
conversion does, on every parameter of every command (values it accepts and values it
refuses, with the same message)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from typer import BadParameter
from typer._click import Context
from typer._coercion import build_runtime_param
from typer.main import get_command

from xxgk.cli import app
from xxgk.cli.coercion import DirectRuntimeParam, direct_runtime_param


def all_parameters() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(command: Any, path: str) -> None:
        found.extend((f"{path} {p.name}", p) for p in command.params)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, f"{path} {name}")

    walk(get_command(app), "xxgk")
    return found


def kinds() -> list[tuple[str, Any]]:
    """One parameter of each kind (annotation and settings): building typer's own
    conversion is slow, and parameters of one kind convert alike."""
    seen: dict[tuple[Any, ...], tuple[str, Any]] = {}
    for name, param in all_parameters():
        info = param.type_descriptor.parameter_info
        settings = tuple(sorted((k, repr(v)) for k, v in vars(info).items() if k in SETTINGS))
        key = (type(param), param.multiple, param.nargs, repr(param.type_descriptor.annotation))
        key += (param.type_descriptor.file_annotation, settings)
        seen.setdefault(key, (name, param))
    return list(seen.values())


SETTINGS = {"parser", "min", "max", "clamp", "exists", "file_okay", "dir_okay", "writable"}
SETTINGS |= {"readable", "resolve_path", "allow_dash", "path_type", "case_sensitive"}
PARAMETERS = all_parameters()
KINDS = kinds()


def samples(annotation: Any, folder: Path) -> list[Any]:
    """Values a user may type for ``annotation``: good ones and bad ones."""
    leaf = get_args(annotation)[0] if get_origin(annotation) is list else annotation
    if leaf is str:
        values: list[Any] = ["", "a", "县 政府", "-x", " 1 "]
    elif leaf is int:
        values = ["0", "7", "-3", "007", "12345678901234567890", "x", "1.5", " 2", "1_000", "", 4]
        values += ["1", "2", "10", "11", "64", "65", "500", "501"]  # at and past the bounds
    elif leaf is float:
        values = ["0", "2.5", "-1.25", "1e3", "x", ".5", "", 3.0]
    elif leaf is bool:
        values = [True, False]
    elif leaf is Path:
        (folder / "file.txt").write_text("x", encoding="utf-8")
        values = [str(folder / "file.txt"), str(folder), str(folder / "missing.txt"), "rel/p"]
        values += [Path("p"), ""]
    elif isinstance(leaf, type) and issubclass(leaf, enum.Enum):
        values = [m.value for m in leaf] + [next(iter(leaf)), "NO-SUCH", ""]
    else:
        pytest.fail(f"no samples for {annotation!r}")
    if leaf is not annotation:  # a list: several values at once, and one alone
        return [values[:3], tuple(values[:2]), values[0]]
    return values


def outcome(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        return "value", runtime._coerce_value(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "refused", exc.format_message()


@pytest.mark.parametrize(("name", "param"), KINDS, ids=[n for n, _ in KINDS])
def test_direct_conversion_is_typers_conversion(name, param, tmp_path):
    descriptor = param.type_descriptor
    direct = direct_runtime_param(descriptor)
    if direct is None:
        return  # typer converts it: nothing to compare
    full = build_runtime_param(descriptor)
    ctx = Context(get_command(app))
    for value in samples(descriptor.annotation, tmp_path):
        expected = outcome(full, value, param, ctx)
        got = outcome(direct, value, param, ctx)
        assert got == expected, (name, value)
        assert type(got[1]) is type(expected[1]), (name, value)


def test_every_parameter_of_the_commands_is_converted_directly():
    """No command option needs pydantic: a new one of another type is noticed here (and
    then converted by typer, correctly but with pydantic's start-up cost)."""
    slow = [n for n, p in PARAMETERS if direct_runtime_param(p.type_descriptor) is None]
    assert slow == []


def test_the_commands_use_the_direct_conversion():
    param = next(p for n, p in PARAMETERS if n == "xxgk check jobs")
    param._runtime_param = None
    assert isinstance(param.get_runtime_param(), DirectRuntimeParam)
