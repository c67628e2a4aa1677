"""scoring: the rubric's exact text (a blob), the tool version and a digest of the check catalogue

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain add_column: SQLite adds nullable columns in place, so scorings stored before keep their rows.
    op.add_column("scoring", sa.Column("rubric_blob", sa.String(length=64), nullable=True))
    op.add_column("scoring", sa.Column("tool_version", sa.String(), nullable=True))
    op.add_column("scoring", sa.Column("checks_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scoring", schema=None) as batch_op:
        batch_op.drop_column("checks_digest")
        batch_op.drop_column("tool_version")
        batch_op.drop_column("rubric_blob")
