"""Read marks of the reminder page ``/varsler`` (``service.usecases.varsler``): one row per user and reminder.

Not a projection: no rebuild touches it. The user is named by their pseudonymous actor id (PRIV-3).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "varsler_lest",
        sa.Column("aktor_id", sa.String(length=200), nullable=False),
        sa.Column("paminnelse_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("lest", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("aktor_id", "paminnelse_id", name=op.f("pk_varsler_lest")),
    )
    op.create_index("ix_varsler_lest_person_id", "varsler_lest", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_varsler_lest_person_id", table_name="varsler_lest")
    op.drop_table("varsler_lest")
