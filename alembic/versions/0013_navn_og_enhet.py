"""Names and NAV office in the case rows (PRIV-4, ACC-8), and the offices of a web session.

``saker`` gets the employee's name, the current leader's name, the person's NAV office and veileder,
all functions of the person's stream (recomputed by ``syfo rebuild``, purged with the fnr on erasure).
``web_sessions`` gets the offices named by the token the session was opened with (``enheter``).

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("saker") as b:
        b.add_column(sa.Column("navn", sa.String(200)))
        b.add_column(sa.Column("leder_navn", sa.String(200)))
        b.add_column(sa.Column("nav_enhet", sa.String(4)))
        b.add_column(sa.Column("veileder_id", sa.String(80)))
        b.create_index("ix_saker_nav_enhet", ["nav_enhet"])
        b.create_index("ix_saker_veileder_id", ["veileder_id"])
    with op.batch_alter_table("web_sessions") as b:
        b.add_column(sa.Column("enheter", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("web_sessions") as b:
        b.drop_column("enheter")
    with op.batch_alter_table("saker") as b:
        b.drop_index("ix_saker_veileder_id")
        b.drop_index("ix_saker_nav_enhet")
        b.drop_column("veileder_id")
        b.drop_column("nav_enhet")
        b.drop_column("leder_navn")
        b.drop_column("navn")
