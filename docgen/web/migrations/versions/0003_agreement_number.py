"""Each project's 协议编号 in its own indexed column.

A live check then finds a number in use with one index lookup instead of reading every record.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    """Add projects.agreement_number and fill it from the records already stored."""
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("agreement_number", sa.String(200), nullable=True))
        batch.create_index("ix_projects_agreement_number", ["agreement_number"])
    projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("record", sa.JSON),
                        sa.column("agreement_number", sa.String))
    connection = op.get_bind()
    for pid, record in connection.execute(sa.select(projects.c.id, projects.c.record)).all():
        data = json.loads(record) if isinstance(record, str) else record
        number = (data.get("agreement") or {}).get("number") if isinstance(data, dict) else None
        if isinstance(number, str) and number:
            connection.execute(projects.update().where(projects.c.id == pid).values(agreement_number=number[:200]))


def downgrade() -> None:
    """Drop projects.agreement_number."""
    with op.batch_alter_table("projects") as batch:
        batch.drop_index("ix_projects_agreement_number")
        batch.drop_column("agreement_number")
