"""application_events.ref_id indexed: the menu's badge asks, for every closing event of the
scope's cases, whether a later event voided it; without the index each question scanned every
event of the register

Revision ID: webspeed0001
Revises: jobs0001
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

from alembic import op

revision = "webspeed0001"
down_revision = "jobs0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_events_ref_id"), ["ref_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_events_ref_id"))
