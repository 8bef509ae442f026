"""units: the local 年报 deadline of a township-level unit (乡镇、街道; 条例第四十九条 names none)

Revision ID: admin0001
Revises: triage0001
Create Date: 2026-12-06 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "admin0001"
down_revision = "triage0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_deadline", sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("report_deadline")
