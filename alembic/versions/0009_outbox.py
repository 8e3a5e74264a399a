"""The delivery outbox: one row per sent reminder and recipient, written with the decision event.

``service.outbox`` inserts a row in the transaction that stores a ``PaminnelseSendt`` event, and
updates it in the transaction that stores the delivery outcome events; dispatchers claim rows
(``scheduler.outbox``). Times are whole microseconds since the epoch (UTC), the same on both dialects.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("nokkel", sa.String(length=300), nullable=False),
        sa.Column("rolle", sa.String(length=10), nullable=False),
        sa.Column("mottaker_id", sa.String(length=80), nullable=True),
        sa.Column("milepel", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("send_dato", sa.String(length=10), nullable=False),
        sa.Column("forfall_us", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("forsok", sa.Integer(), server_default="0", nullable=False),
        sa.Column("neste_us", sa.BigInteger(), nullable=False),
        sa.Column("eier", sa.BigInteger(), nullable=True),
        sa.Column("levert_kanaler", sa.String(length=200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_status_neste_us", "outbox", ["status", "neste_us"])
    op.create_index("ix_outbox_person_id", "outbox", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_person_id", table_name="outbox")
    op.drop_index("ix_outbox_status_neste_us", table_name="outbox")
    op.drop_table("outbox")
