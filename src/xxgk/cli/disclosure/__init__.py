"""``xxgk disclosure …``: proactive disclosure (主动公开) from the command line.

A thin shell over ``xxgk.disclosure``, in the manner of ``xxgk register``: every command opens
the database (``--db``, ``XXGK_DATABASE_URL`` or ``sqlite:///xxgk.db``), acts as the user of
``--as`` (``XXGK_USER``; required except for the public search), calls the library and prints
the result in Chinese.
The library decides who may do what; a refusal is an ``XxgkError`` that ``main()`` prints as one
line. The database layer is imported inside the commands, so ``xxgk --help`` stays fast.

Modules: ``base`` (the group, shared options and helpers), ``catalogue`` (the category tree),
``items`` (drafting, listing, showing), ``chain`` (the review steps), ``public`` (search, export,
the year's figures). The commands are registered here, in the order ``--help`` lists them.
"""

from __future__ import annotations

from xxgk.cli.disclosure import catalogue, chain, items, public
from xxgk.cli.disclosure.base import catalogue_app, disclosure_app

COMMANDS = (
    (disclosure_app, "add", items.add),
    (disclosure_app, "edit", items.edit),
    (disclosure_app, "list", items.list_command),
    (disclosure_app, "show", items.show),
    (disclosure_app, "submit", chain.submit),
    (disclosure_app, "approve", chain.approve),
    (disclosure_app, "return", chain.return_command),
    (disclosure_app, "withdraw", chain.withdraw),
    (disclosure_app, "repeal", chain.repeal),
    (disclosure_app, "search", public.search_command),
    (disclosure_app, "export", public.export),
    (disclosure_app, "summary", public.summary),
    (catalogue_app, "show", catalogue.catalogue_show),
    (catalogue_app, "init", catalogue.catalogue_init),
    (catalogue_app, "add", catalogue.catalogue_add),
    (catalogue_app, "rename", catalogue.catalogue_rename),
    (catalogue_app, "move", catalogue.catalogue_move),
    (catalogue_app, "deactivate", catalogue.catalogue_deactivate),
)

for group, name, function in COMMANDS:
    group.command(name)(function)

__all__ = ["COMMANDS", "disclosure_app"]
