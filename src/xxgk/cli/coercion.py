"""Typer's option values converted without pydantic for the plain types the commands use.

Typer 0.29 converts every command-line value through a pydantic ``TypeAdapter``: importing
pydantic and building an adapter per parameter was a third of the start-up of ``xxgk check
FILE`` (issue #19). The commands only take ``str``, ``int``, ``float``, ``bool``, ``Path``,
enumerations and lists of these, with no bounds; ``install`` makes typer convert those
directly, the way its adapters do (its own path and choice checks are called). Anything
else, and any value the direct conversion does not accept as is (a misspelt number, an
unknown choice, a missing file), goes to typer's own conversion: its behaviour and its
error messages are unchanged. tests/cli/test_coercion.py compares both on every parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import core as typer_core
from typer._click import Context
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path
from typer.models import ParameterInfo

Convert = Callable[[Any, Any, Context], Any]
"""``convert(value, param, ctx)``: the value for the command, or an exception."""

_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class _Declined(Exception):
    """The direct conversion leaves this value to typer's own."""


@dataclass(frozen=True)
class DirectRuntimeParam(RuntimeParam):
    """A typer runtime parameter that converts plain values itself and hands the rest to
    typer's pydantic conversion (built only then)."""

    descriptor: TypeDescriptor
    convert: Convert
    listed: bool

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        try:
            if not self.listed:
                return self.convert(value, param, ctx)
            items = value if isinstance(value, (list, tuple)) else [value]
            return [self.convert(item, param, ctx) for item in items]
        except Exception:  # typer's conversion answers, with its own message
            full = build_runtime_param(self.descriptor)
            return full._coerce_value(value, param=param, ctx=ctx)


def _text(value: Any, param: Any, ctx: Context) -> Any:
    if type(value) is not str:
        raise _Declined
    return value


def _flag(value: Any, param: Any, ctx: Context) -> Any:
    if type(value) is not bool:
        raise _Declined
    return value


def _integer(value: Any, param: Any, ctx: Context) -> Any:
    if type(value) is int:
        return value
    if type(value) is str and _INTEGER.fullmatch(value):
        return int(value)
    raise _Declined


def _decimal(value: Any, param: Any, ctx: Context) -> Any:
    if type(value) is float:
        return value
    if type(value) is str and _DECIMAL.fullmatch(value):
        return float(value)
    raise _Declined


def _bounded(convert: Convert, info: ParameterInfo) -> Convert:
    """``convert``, declining a number outside ``info``'s bounds (typer words the refusal)."""
    low, high = info.min, info.max
    if low is None and high is None:
        return convert

    def within(value: Any, param: Any, ctx: Context) -> Any:
        number = convert(value, param, ctx)
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Declined
        return number

    return within


def _path_converter(info: ParameterInfo) -> Convert:
    def convert(value: Any, param: Any, ctx: Context) -> Any:
        if type(value) is str and value:
            value = Path(value)
        if not isinstance(value, Path):
            raise _Declined
        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)

    return convert


def _choice_converter(choices: tuple[Enum, ...], info: ParameterInfo) -> Convert:
    def convert(value: Any, param: Any, ctx: Context) -> Any:
        return coerce_cli_choice(
            value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx
        )

    return convert


def _converter(annotation: Any, info: ParameterInfo) -> Convert | None:
    """Return the direct conversion of ``annotation`` values, or None to leave it to typer."""
    if annotation is str:
        return _text
    if annotation is bool:  # typer builds it for an absent flag (``--help``), value None
        return _flag
    if annotation is int:
        return _bounded(_integer, info)
    if annotation is float:
        return _bounded(_decimal, info)
    if annotation is Path and info.path_type is None:
        return _path_converter(info)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice_converter(tuple(annotation), info)
    return None


def direct_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam | None:
    """Return a direct conversion for ``descriptor``, or None when typer must convert."""
    info = descriptor.parameter_info
    plain = (
        descriptor.file_annotation is None
        and info.parser is None
        and not info.clamp
        and not info.allow_dash
        and not info.resolve_path
    )
    if not plain:
        return None
    annotation: Any = descriptor.annotation
    listed = False
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
        listed = True
    convert = _converter(annotation, info)
    if convert is None:
        return None
    return DirectRuntimeParam(
        parameter_info=info,
        annotation=descriptor.annotation,
        descriptor=descriptor,
        convert=convert,
        listed=listed,
    )


def _get_runtime_param(self: Any) -> Any:
    """``_TyperParameter.get_runtime_param``, trying the direct conversion first."""
    if self._runtime_param is None:
        descriptor = self.type_descriptor
        self._runtime_param = direct_runtime_param(descriptor) or build_runtime_param(descriptor)
    return self._runtime_param


def install() -> None:
    """Make typer's parameters convert plain values directly (see the module docstring);
    nothing changes under a typer without the method replaced."""
    parameter = getattr(typer_core, "_TyperParameter", None)
    if parameter is not None and hasattr(parameter, "get_runtime_param"):
        parameter.get_runtime_param = _get_runtime_param
