"""``xxgk serve``: run the web application with uvicorn (optionally with the demo data)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

from xxgk.cli.application import app


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="数据库URL或SQLite文件路径")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="空数据库时创建示例县演示数据")] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="数据目录（会话密钥、演示账号），默认 ./data")
    ] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", min=0, max=64, help="服务进程数（0：等于CPU核数）"),
    ] = 0,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies",
            envvar="XXGK_SECURE_COOKIES",
            help="会话Cookie只通过HTTPS发送并启用HSTS（在HTTPS反向代理之后监听本机地址时使用）",
        ),
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy", help="可信反向代理的地址（可多次指定）；仅信任其 X-Forwarded-For"
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            envvar="XXGK_PUBLIC_URL",
            help="公众访问本站的地址，如 https://xxgk.example.gov.cn（RSS、回执等链接据此生成）",
        ),
    ] = None,
    remind_as: Annotated[
        str,
        typer.Option(
            "--remind-as",
            envvar="XXGK_REMIND_AS",
            help="每天以该用户身份发送提醒邮件（与 xxgk register remind 相同，同一天不重复发送）",
        ),
    ] = "",
    remind_at: Annotated[
        str, typer.Option("--remind-at", help="每日提醒的时间 HH:MM（本机时间）")
    ] = "07:30",
) -> None:
    """启动网页应用（年报检查、申请台账、年报编制、汇总与对比、公开目录）。

    首次启动时在数据目录生成会话密钥；--demo 在空数据库中创建示例县、各角色演示账号
    （密码随机生成并在启动时打印）、演示台账和由台账生成的年度报告。
    在本机以外的地址监听时，会话Cookie只通过HTTPS发送；在HTTPS反向代理之后监听本机地址时
    请加 --secure-cookies。不在演示模式下运行时，演示账号须先修改初始密码。

    --workers 指定处理请求的进程数（默认等于CPU核数）；登录失败次数等限制由各进程分摊。

    --remind-as 用户名：服务运行期间每天 --remind-at 之后发送一次各单位的提醒邮件
    （只在主进程中运行；也可改用 cron 或 systemd 定时器运行 xxgk register remind）。

    \b
    Example:
        xxgk serve --demo
        xxgk serve --demo --workers 1
        xxgk serve --host 0.0.0.0 --port 8080 --db postgresql+psycopg://xxgk@db/xxgk
    """
    import uvicorn

    from xxgk.db.engine import ENV_URL, resolve_url
    from xxgk.web import WebSettings, create_app
    from xxgk.web import workers as workers_module
    from xxgk.web.app import (
        DEMO_ENV,
        PUBLIC_URL_ENV,
        SECURE_COOKIES_ENV,
        TRUSTED_PROXIES_ENV,
        WORKERS_ENV,
    )
    from xxgk.web.settings import DATA_DIR_ENV, default_data_dir

    settings = WebSettings(
        database_url=db,
        data_dir=data_dir or default_data_dir(),
        secure_cookies=secure_cookies or not _loopback(host),
        demo=demo,
        trusted_proxies=tuple(trusted_proxy or ()),
        public_url=public_url,
    )
    web = create_app(settings)
    if demo:
        from xxgk.demo import ensure_demo

        with web.state.sessions() as session:
            lines = ensure_demo(session, settings.data_dir)
        typer.echo("演示账号 / demo accounts:")
        for line in lines:
            typer.echo(f"  {line}")
    if remind_as:
        _start_reminders(settings.database_url, remind_as, remind_at)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    count = workers or os.cpu_count() or 1
    if count > 1 and workers_module.available():
        workers_module.ensure_free(host, port)
    typer.echo(f"xxgk 网页应用已启动：http://{shown}:{port}/  （{count}个进程，Ctrl+C 退出）")
    if count == 1:
        uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)
        return
    web.state.engine.dispose()
    os.environ[ENV_URL] = resolve_url(db)
    os.environ[DATA_DIR_ENV] = str(settings.data_dir.resolve())
    os.environ[SECURE_COOKIES_ENV] = "1" if settings.secure_cookies else "0"
    os.environ[WORKERS_ENV] = str(count)
    os.environ[DEMO_ENV] = "1" if demo else "0"
    os.environ[TRUSTED_PROXIES_ENV] = ",".join(settings.trusted_proxies)
    os.environ[PUBLIC_URL_ENV] = public_url or ""
    if workers_module.available():
        workers_module.serve(count, host, port)
        return
    uvicorn.run(
        "xxgk.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=count,
        log_level="warning",
        access_log=False,  # as the SO_REUSEPORT workers: no log call per request
    )


def _start_reminders(database_url: str | None, username: str, at_text: str) -> None:
    """Start the daily reminders of ``xxgk serve --remind-as`` in this (the main) process."""
    import datetime as dt

    from xxgk.db import make_engine
    from xxgk.db.engine import make_session_factory
    from xxgk.db.users import get_user
    from xxgk.errors import RegisterError
    from xxgk.register.reminders import DailyReminders

    try:
        at = dt.time.fromisoformat(at_text.strip())
    except ValueError:
        raise RegisterError(
            f"--remind-at 应为 HH:MM，不能是“{at_text}”", f"bad --remind-at {at_text!r}"
        ) from None
    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        get_user(session, username)  # a wrong name is refused now, not every morning
    DailyReminders(sessions, username, at, report=lambda line: typer.echo(line, err=True)).start()
    typer.echo(f"每日提醒：每天{at.strftime('%H:%M')}之后以“{username}”的身份发送")
