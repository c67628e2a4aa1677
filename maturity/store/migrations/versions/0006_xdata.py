"""xdata: survey results per agency, service and fiscal quarter (counts only), and traffic per page (issue 18)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "xdata_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=True),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.UniqueConstraint("agency", "sha256"),
    )
    op.create_table(
        "xdata_tally",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("xdata_import.id"), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("counts", sa.String(), nullable=True),
        sa.Column("mean", sa.Float(), nullable=True),
    )
    op.create_table(
        "xdata_context",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("xdata_import.id"), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("trust_question", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("detail", sa.String(), nullable=True),
    )
    op.create_table(
        "xdata_seen",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("xdata_import.id"), nullable=False),
    )
    op.create_table(
        "xdata_comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("xdata_import.id"), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )

    op.create_table(
        "traffic_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("site", sa.String(), nullable=True),
        sa.Column("period", sa.String(), nullable=True),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.UniqueConstraint("agency", "sha256"),
    )
    op.create_table(
        "traffic_page",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("traffic_import.id"), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
    )
    for table, column in (
        ("xdata_import", "agency"),
        ("xdata_tally", "import_id"),
        ("xdata_tally", "agency"),
        ("xdata_context", "import_id"),
        ("xdata_context", "agency"),
        ("xdata_seen", "import_id"),
        ("xdata_comment", "import_id"),
        ("xdata_comment", "agency"),
        ("traffic_import", "agency"),
        ("traffic_page", "import_id"),
    ):
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade() -> None:
    for table in (
        "traffic_page",
        "traffic_import",
        "xdata_comment",
        "xdata_seen",
        "xdata_context",
        "xdata_tally",
        "xdata_import",
    ):
        op.drop_table(table)
