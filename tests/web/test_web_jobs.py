"""Background jobs on the web: 网上采集 and 报告收集 run on one runner and show their progress
through one partial; a reader sees the jobs of the units in scope only; cancelling is audited;
a job left unfinished by a restart shows 已中断. And the audit page's chain check: only what is
new on view, the whole chain on the administrator's button."""

from __future__ import annotations

import re
import threading

from sqlalchemy import select, text
from test_web_collect import report_text, upload
from web_support import token

from xxgk.db.models import AuditEntry, User
from xxgk.fetch import FetchSettings
from xxgk.fetch.background import FetchJobs
from xxgk.jobs import JobContext, JobRunner, Outcome
from xxgk.web.jobs import collect_jobs, job_runner

FAST = FetchSettings(delay=0.0, timeout=0.4, retries=1, backoff=0.01, workers=2, per_host=2)
WAIT = 60


def _user(client, username: str) -> User:
    with client.app.state.sessions() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user


def _blocking_job(client, runner: JobRunner, username: str, gate: threading.Event) -> str:
    """Start, straight on ``runner``, a collect job of ``username`` that waits for ``gate``."""
    started = threading.Event()

    def work(context: JobContext) -> Outcome:
        started.set()
        gate.wait(WAIT)
        return Outcome()

    with client.app.state.sessions() as s:
        actor = s.get(User, _user(client, username).id)
        job = runner.start(
            s,
            actor,
            kind="collect",
            what="占位批次",
            work=work,
            action="collect",
            reason="试",
            detail={},
        )
    assert started.wait(WAIT)
    return job.id


def test_fetch_and_collect_run_on_one_runner_and_show_progress_alike(as_user):
    sup = as_user("county-supervisor")
    state = sup.app.state
    state.fetch_jobs = FetchJobs(job_runner(state), state.settings.data_dir / "fetch", FAST)
    assert collect_jobs(sup).runner is state.fetch_jobs.runner is state.job_runner
    batch = upload(sup, [("教育局.txt", report_text("示例县教育局", 61))])
    assert 'data-kind="collect"' in batch
    assert 'data-state="done"' in batch
    response = sup.post(
        "/fetch",
        data={"csrf_token": token(sup, "/fetch"), "urls": "http://127.0.0.1:9/nothing.html"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    fetch_id = response.headers["location"].rsplit("/", 1)[-1]
    state.fetch_jobs.wait(fetch_id, WAIT)
    page = sup.get(f"/fetch/jobs/{fetch_id}").text
    assert 'data-kind="fetch"' in page
    assert 'id="job-progress"' in page
    assert 'data-state="done"' in page
    assert "失败1个" in page
    assert 'id="job-cancel"' not in page  # a finished job has nothing to cancel
    listed = sup.get("/fetch").text
    assert f'data-job="{fetch_id}"' in listed
    assert "已完成" in listed


def test_a_reader_sees_only_the_jobs_of_units_in_scope(as_user, other_county):
    sup = as_user("county-supervisor")
    page = upload(sup, [("教育局.txt", report_text("示例县教育局", 62))])
    job_id = re.search(r'<h1 data-job="(\w+)">', page)[1]
    assert f'data-job="{job_id}"' in as_user("county-admin").get("/collect").text
    assert f'data-job="{job_id}"' not in other_county.get("/collect").text
    assert other_county.get(f"/collect/jobs/{job_id}").status_code == 404
    refused = other_county.post(
        f"/collect/jobs/{job_id}/cancel",
        data={"csrf_token": token(other_county, "/collect")},
        follow_redirects=False,
    )
    assert refused.status_code == 404


def test_a_queued_batch_is_cancelled_from_its_page_and_the_cancel_is_audited(as_user):
    sup = as_user("county-supervisor")
    state = sup.app.state
    state.job_runner = JobRunner(state.engine, workers=1)
    gate = threading.Event()
    try:
        _blocking_job(sup, state.job_runner, "county-supervisor", gate)
        response = sup.post(
            "/collect",
            data={"csrf_token": token(sup, "/collect")},
            files=[("files", ("教育局.txt", report_text("示例县教育局", 63)))],
            follow_redirects=False,
        )
        where = response.headers["location"]
        page = sup.get(where).text
        assert 'data-state="queued"' in page
        assert "排队等候" in page
        assert 'id="job-cancel"' in page
        cancelled = sup.post(
            f"{where}/cancel", data={"csrf_token": token(sup, where)}, follow_redirects=True
        ).text
        assert "任务已取消" in cancelled
        assert 'data-state="cancelled"' in cancelled
        assert "已取消" in cancelled
        with state.sessions() as s:
            entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "cancel")).one()
            assert (entry.actor_name, entry.entity) == ("county-supervisor", "collect_job")
            assert entry.after == {"job": where.rsplit("/", 1)[-1]}
    finally:
        gate.set()
        state.job_runner.close()


def test_a_job_cut_short_by_a_restart_shows_interrupted(demo, as_user):
    folder, _ = demo
    sup = as_user("county-supervisor")
    gate = threading.Event()
    runner = job_runner(sup.app.state)
    job_id = _blocking_job(sup, runner, "county-supervisor", gate)
    runner.close()  # the server goes away with the job unfinished
    try:
        restarted = as_user("county-supervisor")  # a new application on the same database
        page = restarted.get(f"/collect/jobs/{job_id}").text
        assert 'data-state="interrupted"' in page
        assert "已中断" in page
        assert "请重新发起" in page
        assert 'id="job-cancel"' not in page
    finally:
        gate.set()
        runner.wait(job_id, WAIT)


def _chain_texts(client) -> tuple[str, str]:
    page = client.get("/admin/audit").text
    status = re.search(r'id="chain-status">([^<]+)<', page)[1]
    full = re.search(r'id="chain-full"[^>]*>(.+?)</p>', page, re.S)[1]
    return status, full


def test_the_audit_page_checks_new_entries_and_the_button_the_whole_chain(as_user):
    admin = as_user("admin")
    status, full = _chain_texts(admin)
    assert "日志完整性校验通过" in status
    assert "尚未做过全面校验" in full
    assert 'id="chain-verify"' in admin.get("/admin/audit").text
    county = as_user("county-admin")
    assert 'id="chain-verify"' not in county.get("/admin/audit").text
    refused = county.post("/admin/audit/verify", data={"csrf_token": token(county, "/admin/audit")})
    assert refused.status_code == 403
    engine = admin.app.state.engine
    with engine.connect() as conn:
        first_id = conn.execute(text("SELECT min(id) FROM audit_log")).scalar_one()
    with engine.begin() as conn:  # behind xxgk's back, before the checkpoint
        conn.execute(text("UPDATE audit_log SET reason = 'x' WHERE id = :id"), {"id": first_id})
    status, _ = _chain_texts(admin)
    assert "日志完整性校验通过" in status  # the view checks only what is new
    verified = admin.post(
        "/admin/audit/verify",
        data={"csrf_token": token(admin, "/admin/audit")},
        follow_redirects=True,
    ).text
    assert f"全面校验未通过：第{first_id}条记录" in verified
    status, full = _chain_texts(admin)
    assert "日志完整性校验未通过" in status
    assert "上次全面校验" in full
    assert "未通过" in full
    with admin.app.state.sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "verify")).one()
        assert entry.actor_name == "admin"
        assert entry.after["ok"] is False


def test_a_change_after_the_checkpoint_is_caught_on_view(as_user):
    admin = as_user("admin")
    assert "校验通过" in _chain_texts(admin)[0]
    as_user("county-admin")  # a sign-in writes new entries after the checkpoint
    engine = admin.app.state.engine
    with engine.connect() as conn:
        last_id = conn.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'x' WHERE id = :id"), {"id": last_id})
    status, _ = _chain_texts(admin)
    assert "日志完整性校验未通过" in status
    assert f"第{last_id}条记录" in status
