"""Delivery state of sent reminders: rung key, status, attempts, next attempt, lease, last detail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("paminnelser", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nokkel", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("levering", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("forsok", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("neste_forsok", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("lease_til", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("levering_detalj", sa.String(length=60), nullable=True))
        batch_op.create_index("ix_paminnelser_levering_neste_forsok", ["levering", "neste_forsok"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("paminnelser", schema=None) as batch_op:
        batch_op.drop_index("ix_paminnelser_levering_neste_forsok")
        batch_op.drop_column("levering_detalj")
        batch_op.drop_column("lease_til")
        batch_op.drop_column("neste_forsok")
        batch_op.drop_column("forsok")
        batch_op.drop_column("levering")
        batch_op.drop_column("nokkel")
