"""``xxgk register …``: the application register (台账) from the command line.

A thin shell over ``xxgk.register``: every command opens the database (``--db``,
``XXGK_DATABASE_URL`` or ``sqlite:///xxgk.db``), acts as the user of ``--as`` (``XXGK_USER``;
required, nobody is assumed), calls one library function and prints the result in Chinese.
Errors are ``XxgkError``s, printed by ``main()`` as one line.

The commands live in one module per subject (``setup``, ``applications``, ``events``,
``inputs``, ``report``, ``excel``, ``casework``) and import the database and the register only
when they run.
They are registered here, in one table, so that ``xxgk register --help`` lists them in the order
an officer meets them, whatever module they sit in.
"""

from __future__ import annotations

from xxgk.cli.register import applications, casework, events, excel, inputs, report, setup
from xxgk.cli.register.base import (
    appeals_app,
    apps_app,
    calendar_app,
    register_app,
    units_app,
    users_app,
)

COMMANDS = (
    (register_app, "init", setup.init),
    (units_app, "add", setup.units_add),
    (units_app, "import", setup.units_import),
    (units_app, "list", setup.units_list),
    (units_app, "fee-clock", setup.units_fee_clock),
    (units_app, "rename", setup.units_rename),
    (units_app, "move", setup.units_move),
    (units_app, "retire", setup.units_retire),
    (units_app, "set", setup.units_set),
    (users_app, "add", setup.users_add),
    (users_app, "list", setup.users_list),
    (users_app, "unlock", setup.users_unlock),
    (users_app, "role", setup.users_role),
    (users_app, "disable", setup.users_disable),
    (users_app, "reset-password", setup.users_reset_password),
    (apps_app, "add", applications.applications_add),
    (apps_app, "void", applications.applications_void),
    (apps_app, "list", applications.applications_list),
    (apps_app, "show", applications.applications_show),
    (register_app, "event", events.event),
    (register_app, "letters", events.letters),
    (appeals_app, "add", events.appeals_add),
    (appeals_app, "decide", events.appeals_decide),
    (appeals_app, "list", events.appeals_list),
    (calendar_app, "add", setup.calendar_add),
    (calendar_app, "list", setup.calendar_list),
    (register_app, "audit", setup.audit_log),
    (register_app, "due", applications.due),
    (register_app, "deadline", applications.deadline),
    (register_app, "check", report.check),
    (register_app, "report", report.report),
    (register_app, "publish", report.publish),
    (register_app, "reopen", report.reopen),
    (register_app, "import-xlsx", excel.import_cmd),
    (register_app, "export-xlsx", excel.export_cmd),
    (register_app, "counts", inputs.counts),
    (register_app, "document", inputs.document),
    (register_app, "import-documents", inputs.import_documents_cmd),
    (register_app, "import-counts", inputs.import_counts_cmd),
    (register_app, "narrative", inputs.narrative),
    (register_app, "fee", applications.fee),
    (casework.letter_app, "issue", casework.letter_issue),
    (casework.letter_app, "list", casework.letter_list),
    (casework.letter_app, "reissue", casework.letter_reissue),
    (casework.letter_app, "deliver", casework.letter_deliver),
    (casework.letter_app, "get", casework.letter_get),
    (casework.attach_app, "add", casework.attach_add),
    (casework.attach_app, "list", casework.attach_list),
    (casework.attach_app, "get", casework.attach_get),
    (casework.file_app, "status", casework.file_status),
    (casework.file_app, "submit", casework.file_submit),
    (casework.file_app, "accept", casework.file_accept),
    (casework.file_app, "return", casework.file_return),
    (casework.file_app, "publish", casework.file_publish),
    (register_app, "remind", casework.remind),
)

for group, name, function in COMMANDS:
    group.command(name)(function)

__all__ = ["COMMANDS", "register_app"]
