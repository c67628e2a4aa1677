"""agency and portfolio of a crawl: nullable agency, portfolio and tags (JSON text) on crawl

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # add_column and create_index need no table rebuild in SQLite's batch mode, so existing rows
    # (and the pages and scorings that refer to them) stay as they are.
    with op.batch_alter_table("crawl", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("portfolio", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("tags", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_crawl_agency"), ["agency"], unique=False)
        batch_op.create_index(batch_op.f("ix_crawl_portfolio"), ["portfolio"], unique=False)


def downgrade() -> None:
    # Not a batch rebuild: on SQLite that would DROP TABLE crawl, which page and scoring rows refer to
    # (foreign keys are on). ALTER TABLE ... DROP COLUMN works in place (SQLite 3.35+, PostgreSQL).
    op.drop_index(op.f("ix_crawl_portfolio"), table_name="crawl")
    op.drop_index(op.f("ix_crawl_agency"), table_name="crawl")
    op.drop_column("crawl", "tags")
    op.drop_column("crawl", "portfolio")
    op.drop_column("crawl", "agency")
