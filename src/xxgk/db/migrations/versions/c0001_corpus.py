"""corpus store: ingested reports (versions) and their findings

Revision ID: c0001
Revises: 0001
Create Date: 2026-11-23 20:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corpus_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_corpus_reports_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_reports")),
        sa.UniqueConstraint("source_hash", name=op.f("uq_corpus_reports_source_hash")),
    )
    op.create_index(
        "ix_corpus_reports_name_year", "corpus_reports", ["name_key", "year"], unique=False
    )
    op.create_index(
        "ix_corpus_reports_unit_year", "corpus_reports", ["unit_id", "year"], unique=False
    )
    op.create_index(
        "ix_corpus_reports_year_current", "corpus_reports", ["year", "current"], unique=False
    )
    op.create_table(
        "corpus_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("actual", sa.Text(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("cross_year", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["corpus_reports.id"],
            name=op.f("fk_corpus_findings_report_id_corpus_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_findings")),
    )
    op.create_index(op.f("ix_corpus_findings_code"), "corpus_findings", ["code"], unique=False)
    op.create_index(
        op.f("ix_corpus_findings_report_id"), "corpus_findings", ["report_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_corpus_findings_report_id"), table_name="corpus_findings")
    op.drop_index(op.f("ix_corpus_findings_code"), table_name="corpus_findings")
    op.drop_table("corpus_findings")
    op.drop_index("ix_corpus_reports_year_current", table_name="corpus_reports")
    op.drop_index("ix_corpus_reports_unit_year", table_name="corpus_reports")
    op.drop_index("ix_corpus_reports_name_year", table_name="corpus_reports")
    op.drop_table("corpus_reports")
