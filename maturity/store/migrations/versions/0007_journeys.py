"""journeys: each journey's result, stored with the run it followed (issue 15)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("crawl_id", sa.Integer(), sa.ForeignKey("crawl.id"), nullable=True),
        sa.Column("journey", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
    )
    op.create_index("ix_journey_result_crawl_id", "journey_result", ["crawl_id"])
    op.create_index("ix_journey_result_journey", "journey_result", ["journey"])


def downgrade() -> None:
    op.drop_index("ix_journey_result_journey", table_name="journey_result")
    op.drop_index("ix_journey_result_crawl_id", table_name="journey_result")
    op.drop_table("journey_result")
