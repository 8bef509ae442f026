"""Helpers shared by the disclosure tests: publish an item through the whole chain."""

from __future__ import annotations

import datetime as dt

from xxgk.disclosure import workflow
from xxgk.disclosure.items import create_item


def publish(
    office,
    title: str,
    *,
    category: str = "其他文件",
    body: str = "正文。",
    on: dt.date = dt.date(2025, 3, 1),
    **fields,
):
    """Draft ``title`` as the author and take it through the three signatures."""
    item = create_item(
        office.session,
        office.author,
        office.unit,
        title=title,
        category=office.category(category),
        body=body,
        **fields,
    )
    workflow.submit(office.session, office.author, item)
    workflow.approve(office.session, office.reviewer, item)
    workflow.approve(office.session, office.secrecy, item)
    workflow.approve(office.session, office.leader, item, on)
    return item
