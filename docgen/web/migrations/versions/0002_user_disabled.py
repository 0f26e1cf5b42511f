"""Users can be disabled: they keep their name in the history but can no longer sign in.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    """Add users.disabled (false for everyone so far)."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop users.disabled."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled")
