"""crawl.task_key: the idempotency key of a distributed task

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A unique index rather than a constraint: adding either with SQLite's batch mode would rebuild the
# crawl table, which foreign keys from page and scoring forbid once there is data.


def upgrade() -> None:
    op.add_column("crawl", sa.Column("task_key", sa.String(length=64), nullable=True))
    op.create_index("ix_crawl_task_key", "crawl", ["task_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_crawl_task_key", table_name="crawl")
    with op.batch_alter_table("crawl", schema=None) as batch_op:
        batch_op.drop_column("task_key")
