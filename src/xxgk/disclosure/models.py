"""Tables of proactive disclosure: the catalogue tree, items, their review steps, attachments and
the search index.

Like the register, nothing is deleted: a category is deactivated, a published item is withdrawn,
and every step of the review chain is one append-only ``ItemStep`` beside the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xxgk.db.base import Base, utcnow
from xxgk.db.models import Unit, User
from xxgk.disclosure.vocab import ATTRIBUTES, CHANNELS, State


class CatalogueNode(Base):
    """A category of the unit's 政府信息公开目录; categories form a tree."""

    __tablename__ = "catalogue_nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_nodes.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    parent: Mapped[CatalogueNode | None] = relationship(remote_side=[id])

    def snapshot(self) -> dict[str, Any]:
        """Return the audited fields as plain data."""
        fields = ("unit_id", "parent_id", "name", "position", "active")
        return {f: getattr(self, f) for f in fields}


class Item(Base):
    """One piece of government information to be disclosed, from draft to publication."""

    __tablename__ = "disclosure_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalogue_nodes.id"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    doc_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    document_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    repealed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    attribute: Mapped[str] = mapped_column(String(20), default="proactive")
    withheld_reason: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value, index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    author: Mapped[User] = relationship()
    category: Mapped[CatalogueNode | None] = relationship()
    steps: Mapped[list[ItemStep]] = relationship(
        back_populates="item", order_by="ItemStep.id", cascade="save-update, merge"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item", order_by="Attachment.id", cascade="save-update, merge"
    )

    @property
    def status(self) -> State:
        return State(self.state)

    @property
    def channel_labels(self) -> list[str]:
        return [CHANNELS[c] for c in self.channels if c in CHANNELS]

    @property
    def attribute_label(self) -> str:
        return ATTRIBUTES.get(self.attribute, self.attribute)

    def snapshot(self) -> dict[str, Any]:
        """Return the audited fields as plain data (the body by its length, not its text)."""
        fields = (
            "unit_id",
            "category_id",
            "title",
            "doc_kind",
            "doc_number",
            "document_date",
            "repealed_on",
            "channels",
            "attribute",
            "withheld_reason",
            "state",
            "author_id",
            "published_on",
            "withdrawn_on",
        )
        data = {f: getattr(self, f) for f in fields}
        data["body_length"] = len(self.body or "")
        return data


class ItemStep(Base):
    """One step of an item's review chain: who moved it from which state to which, and why."""

    __tablename__ = "disclosure_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disclosure_items.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[Item] = relationship(back_populates="steps")


class Attachment(Base):
    """A file published with an item (kept in the database, so a backup holds everything)."""

    __tablename__ = "disclosure_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disclosure_items.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="attachments")

    def snapshot(self) -> dict[str, Any]:
        fields = ("item_id", "filename", "media_type", "size", "sha256")
        return {f: getattr(self, f) for f in fields}


class SearchEntry(Base):
    """The search text of a published item: its title and body as Chinese bigram tokens.

    SQLite indexes these columns with an FTS5 table kept in step by triggers; PostgreSQL with a
    GIN index over ``to_tsvector('simple', ...)`` (both created by the migration).
    """

    __tablename__ = "disclosure_search"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("disclosure_items.id"), primary_key=True, autoincrement=False
    )
    title_tokens: Mapped[str] = mapped_column(Text, default="")
    body_tokens: Mapped[str] = mapped_column(Text, default="")


class NormativeDocument(Base):
    """A 规章 or 行政规范性文件 the unit made: its issue and repeal dates (Table 二).

    The documents register: entered by the register's officer or by publishing a disclosure
    item that is such a document (``item_id``). It lives beside the items it points to, so the
    register (which counts it) sits above disclosure and nothing points back."""

    __tablename__ = "normative_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    repealed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the document came from a published proactive-disclosure item.
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosure_items.id"), nullable=True, unique=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        fields = ("kind", "title", "doc_number", "issued_on", "repealed_on", "void", "item_id")
        return {f: getattr(self, f) for f in fields}
