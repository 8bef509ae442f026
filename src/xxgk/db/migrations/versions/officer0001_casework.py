"""officer's casework: letters and 文号 counters, letter settings and templates,
attachments, report filings; the source of a yearly Table 二 figure

Revision ID: officer0001
Revises: law0001 (chained after main's head at merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "officer0001"
down_revision = "law0001"
branch_labels = None
depends_on = None


def _audit_columns() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "letter_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=False),
        sa.Column("office", sa.String(200), nullable=False),
        sa.Column("agency_code", sa.String(40), nullable=False),
        sa.Column("number_pattern", sa.String(100), nullable=False),
        sa.Column("review_body", sa.String(200), nullable=False),
        sa.Column("court", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("phone", sa.String(100), nullable=False),
        sa.Column("smtp_host", sa.String(200), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_sender", sa.String(200), nullable=False),
        sa.Column("digest_to", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("unit_id"),
    )
    op.create_table(
        "letter_counters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.UniqueConstraint("unit_id", "year", "kind"),
    )
    op.create_index("ix_letter_counters_unit_id", "letter_counters", ["unit_id"])
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(40), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("application_events.id"), nullable=True),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("superseded_by", sa.Integer(), sa.ForeignKey("letters.id"), nullable=True),
        sa.Column("superseded_reason", sa.Text(), nullable=False),
        sa.Column("delivery_method", sa.String(20), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("tracking_number", sa.String(100), nullable=False),
        *_audit_columns(),
        sa.UniqueConstraint("unit_id", "number"),
    )
    op.create_index("ix_letters_unit_id", "letters", ["unit_id"])
    op.create_index("ix_letters_application_id", "letters", ["application_id"])
    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_audit_columns(),
    )
    op.create_index("ix_letter_templates_unit_id", "letter_templates", ["unit_id"])
    op.create_table(
        "case_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("application_events.id"), nullable=True),
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("letters.id"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        *_audit_columns(),
    )
    op.create_index("ix_case_files_unit_id", "case_files", ["unit_id"])
    op.create_index("ix_case_files_application_id", "case_files", ["application_id"])
    op.create_table(
        "report_filings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("submitted_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged", sa.JSON(), nullable=False),
        sa.Column("snapshot_json", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column(
            "published_report_id",
            sa.Integer(),
            sa.ForeignKey("published_reports.id"),
            nullable=True,
        ),
        sa.UniqueConstraint("unit_id", "year", "version"),
    )
    op.create_index("ix_report_filings_unit_id", "report_filings", ["unit_id"])
    with op.batch_alter_table("yearly_counts") as batch:
        batch.add_column(sa.Column("source", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("yearly_counts") as batch:
        batch.drop_column("source")
    for table in (
        "report_filings",
        "case_files",
        "letter_templates",
        "letters",
        "letter_counters",
        "letter_settings",
    ):
        op.drop_table(table)
