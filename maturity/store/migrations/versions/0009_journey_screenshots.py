"""journey screenshots: the folder each journey's step screenshots were written to (issue 15)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journey_result") as batch:
        batch.add_column(sa.Column("screenshots", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("journey_result") as batch:
        batch.drop_column("screenshots")
