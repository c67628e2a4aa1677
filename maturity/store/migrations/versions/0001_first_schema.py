"""first schema: crawls, pages, blobs, scorings

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "crawl",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tool_version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("axe_version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("browser_version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("timings", sa.Text(), nullable=False),
        sa.Column("site_sha", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("pages_found", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("crawl", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawl_target_url"), ["target_url"], unique=False)

    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("artifacts", sa.Text(), nullable=False),
        sa.Column("elapsed_ms", sa.Float(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["crawl.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("crawl_id", "url"),
    )
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_crawl_id"), ["crawl_id"], unique=False)

    op.create_table(
        "scoring",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rubric_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rubric_version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rubric_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rubric_source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("level_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("scorecard_sha", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["crawl_id"],
            ["crawl.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scoring", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_crawl_id"), ["crawl_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scoring", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoring_crawl_id"))

    op.drop_table("scoring")
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_crawl_id"))

    op.drop_table("page")
    with op.batch_alter_table("crawl", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_target_url"))

    op.drop_table("crawl")
    op.drop_table("blob")
