"""Kept so that ``from xxgk.cli.register_cmd import register_app`` still works: the commands of
``xxgk register`` now live in the package ``xxgk.cli.register``."""

from xxgk.cli.register import month_position, register_app

__all__ = ["month_position", "register_app"]
