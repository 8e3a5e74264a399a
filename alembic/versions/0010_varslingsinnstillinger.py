"""A user's own notification channels, encrypted with a data key of that user (issue 14, PRIV-4).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "varslingsinnstillinger",
        sa.Column("bruker_id", sa.String(length=200), nullable=False),
        sa.Column("nokkel_id", sa.String(length=36), nullable=False),
        sa.Column("innhold", sa.Text(), nullable=False),
        sa.Column("kalender_hash", sa.String(length=64), nullable=True),
        sa.Column("rolle", sa.String(length=12), nullable=False),
        sa.Column("endret", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bruker_id", name=op.f("pk_varslingsinnstillinger")),
        sa.UniqueConstraint("kalender_hash", name=op.f("uq_varslingsinnstillinger_kalender_hash")),
    )


def downgrade() -> None:
    op.drop_table("varslingsinnstillinger")
