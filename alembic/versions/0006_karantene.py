"""Quarantine of streams a projection cannot compute (``projections.tabeller.karantene``).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "karantene",
        sa.Column("projeksjon", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.Column("posisjon", sa.BigInteger(), nullable=False),
        sa.Column("feil", sa.String(length=80), nullable=False),
        sa.Column("sted", sa.String(length=200), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("projeksjon", "person_id", name=op.f("pk_karantene")),
    )


def downgrade() -> None:
    op.drop_table("karantene")
