"""campaign: supervisors' marks on findings (确认 / 驳回) and each unit's report scope

Revision ID: triage0001
Revises: officer0001 (chained after main's head at merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "triage0001"
down_revision = "officer0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("finding_key", sa.String(500), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("marked_by", sa.String(64), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(100), nullable=False),
    )
    op.create_index("ix_finding_marks_unit_year", "finding_marks", ["unit_id", "year"])
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_scope", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("report_scope")
    op.drop_index("ix_finding_marks_unit_year", table_name="finding_marks")
    op.drop_table("finding_marks")
