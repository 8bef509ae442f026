"""applications.revision: raised on every write to an application or its events, so that a
unit's count of applications and sum of revisions say whether anything in its register changed
(the desk and the menu badge keep their answers by it); indexed with the unit for a count and
sum read from the index alone

Revision ID: desk0001
Revises: webspeed0001
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "desk0001"
down_revision = "webspeed0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(
            "ix_applications_unit_revision", ["unit_id", "revision"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_unit_revision")
        batch_op.drop_column("revision")
