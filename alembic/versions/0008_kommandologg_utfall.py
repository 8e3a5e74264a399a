"""Command log (AUD-2): every command, accepted or rejected with its rule; ``posisjon`` only when stored.

An accepted command's row is now written in the same transaction as its events (``service.store.hashchain``);
repeats (VAL-4) and rejected commands (VAL-9) get a row too, told apart by ``utfall``. Rows written
before this revision were all accepted commands.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kommandologg", schema=None) as batch_op:
        batch_op.add_column(sa.Column("utfall", sa.String(length=12), server_default="accepted", nullable=False))
        batch_op.add_column(sa.Column("regel", sa.String(length=20), nullable=True))
        batch_op.alter_column("posisjon", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM kommandologg WHERE posisjon IS NULL")
    with op.batch_alter_table("kommandologg", schema=None) as batch_op:
        batch_op.alter_column("posisjon", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("regel")
        batch_op.drop_column("utfall")
