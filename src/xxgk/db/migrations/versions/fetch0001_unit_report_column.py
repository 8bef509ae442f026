"""units: the URL of each unit's 政府信息公开年报 column (for ``xxgk fetch --units``)

Revision ID: fetch0001
Revises: safetyweb0001
Create Date: 2026-12-05 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "fetch0001"
down_revision = "safetyweb0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_column_url", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("report_column_url")
