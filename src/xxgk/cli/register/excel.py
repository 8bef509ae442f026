"""The register as an Excel 台账: import and export (openpyxl is loaded only here, when used)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xxgk.cli.register.base import Unit_, session


def import_cmd(
    ctx: typer.Context,
    path: Path,
    unit: Unit_,
    valid_only: Annotated[bool, typer.Option("--valid-only", help="只导入无误的行")] = False,
) -> None:
    """从Excel台账导入申请；任何一行有误时不导入（除非 --valid-only）。

    Example:
        xxgk register import-xlsx 2024台账.xlsx -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.xlsx import import_xlsx

    with session(ctx) as (s, actor):
        result = import_xlsx(
            session=s, unit=get_unit(s, unit), actor=actor, path=path, valid_only=valid_only
        )
    for error in result.errors:
        typer.echo(f"未导入：{error}", err=True)
    typer.echo(f"已导入{result.imported}件申请")


def export_cmd(ctx: typer.Context, path: Path, unit: Unit_) -> None:
    """把单位的申请导出为Excel台账。

    Example:
        xxgk register export-xlsx 台账.xlsx -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.xlsx import export_xlsx

    with session(ctx) as (s, actor):
        count = export_xlsx(s, get_unit(s, unit), path, viewer=actor)
    typer.echo(f"已导出{count}件申请到{path}")
