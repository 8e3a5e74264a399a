"""Hash chain (kjede) and data keys (datanokler): tamper evidence, encryption at rest and erasure.

Not projections. The event recorder (``service.store.hashchain``) also creates both tables, IF NOT EXISTS and
with the same definitions (``projections.tabeller``), when it starts on a store the migrations have
not reached yet; so this revision creates only what is missing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _finnes(navn: str) -> bool:
    return navn in sa.inspect(op.get_bind()).get_table_names()


def upgrade() -> None:
    if not _finnes("kjede"):
        op.create_table(
            "kjede",
            sa.Column("posisjon", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("notification_id", sa.BigInteger(), nullable=False),
            sa.Column("originator_id", sa.String(length=36), nullable=False),
            sa.Column("originator_version", sa.Integer(), nullable=False),
            sa.Column("strom_hash", sa.String(length=64), nullable=False),
            sa.Column("global_hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("posisjon", name=op.f("pk_kjede")),
        )
        op.create_index("ix_kjede_notification_id", "kjede", ["notification_id"], unique=True)
        op.create_index(
            "ix_kjede_originator_id_versjon", "kjede", ["originator_id", "originator_version"], unique=True
        )
    if not _finnes("datanokler"):
        op.create_table(
            "datanokler",
            sa.Column("nokkel_id", sa.String(length=36), nullable=False),
            sa.Column("subjekt", sa.String(length=36), nullable=False),
            sa.Column("innpakket", sa.String(length=120), nullable=True),
            sa.Column("opprettet", sa.DateTime(timezone=True), nullable=False),
            sa.Column("makulert", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("nokkel_id", name=op.f("pk_datanokler")),
        )
        op.create_index("ix_datanokler_subjekt", "datanokler", ["subjekt"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_datanokler_subjekt", table_name="datanokler")
    op.drop_table("datanokler")
    op.drop_index("ix_kjede_originator_id_versjon", table_name="kjede")
    op.drop_index("ix_kjede_notification_id", table_name="kjede")
    op.drop_table("kjede")
