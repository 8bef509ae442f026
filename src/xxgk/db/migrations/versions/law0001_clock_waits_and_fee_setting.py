"""the law's clock: 补正 waits, provisional notes, the unit's fee setting

Revision ID: law0001
Revises: fetch0001
Create Date: 2026-12-05 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "law0001"
down_revision = "fetch0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(
            sa.Column("due_note", sa.String(length=500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("correction_due", sa.Date(), nullable=True))
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("fee_pauses_clock", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("fee_pauses_clock")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("correction_due")
        batch.drop_column("due_note")
