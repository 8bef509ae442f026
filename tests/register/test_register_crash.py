"""A writer killed in the middle of its work loses nothing it had committed."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from sqlalchemy.orm import Session

from xxgk.db import make_engine
from xxgk.db.units import add_unit, get_unit, unit_kinds
from xxgk.db.users import add_user
from xxgk.register import list_applications

WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from sqlalchemy.orm import Session
    from xxgk.db import make_engine
    from xxgk.db.units import get_unit
    from xxgk.db.users import get_user
    from xxgk.register import register_application

    engine = make_engine(sys.argv[1])
    n = 0
    while True:
        with Session(engine) as s:
            unit, clerk = get_unit(s, "qinghe"), get_user(s, "clerk")
            register_application(session=s, unit=unit, actor=clerk, channel_name="当面",
                                 arrived_on=dt.date(2025, 3, 3), applicant_type="自然人")
            s.commit()
        n += 1
        print(n, flush=True)
        with Session(engine) as s:  # an open, uncommitted write when the kill comes
            unit, clerk = get_unit(s, "qinghe"), get_user(s, "clerk")
            register_application(session=s, unit=unit, actor=clerk, channel_name="当面",
                                 arrived_on=dt.date(2025, 3, 4), applicant_type="自然人")
            s.flush()
    """
)


def test_killed_writer_keeps_every_committed_application(engine):
    """On each backend: kill -9 a writer between and inside transactions, then reopen."""
    url = engine.url.render_as_string(hide_password=False)
    with Session(engine) as s:
        admin = add_user(session=s, actor=None, username="admin", role="admin")
        town = add_unit(
            session=s,
            actor=admin,
            code="qinghe",
            name="示例县清河镇人民政府",
            kind=next(iter(unit_kinds())),
        )
        add_user(session=s, actor=admin, username="clerk", role="clerk", unit=town)
        s.commit()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True)
    committed = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        committed = int(line)
        if committed >= 15:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    engine.dispose()
    reopened = make_engine(url)
    if reopened.dialect.name == "sqlite":
        with reopened.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with Session(reopened) as s:
        apps = list_applications(s, get_unit(s, "qinghe"))
    reopened.dispose()
    assert committed >= 15
    assert len([a for a in apps if a.received_on.day == 3]) >= committed
    assert [a.number for a in apps if a.received_on.day == 4] == []
    assert all(a.events and a.due_on for a in apps)
