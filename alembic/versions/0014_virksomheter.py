"""The employers' read model (``projections.virksomheter``): each virksomhet's name and HR changes.

A projection like the others (rebuilt by ``syfo rebuild``), with its own position; it starts at 0, so
the runner reads the log once from the start to fill it from the Virksomhet streams already stored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "virksomheter",
        sa.Column("orgnr", sa.Text(), nullable=False),
        sa.Column("navn", sa.Text(), nullable=True),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("orgnr", name=op.f("pk_virksomheter")),
    )
    op.create_table(
        "virksomhet_hr",
        sa.Column("orgnr", sa.Text(), nullable=False),
        sa.Column("nr", sa.Integer(), nullable=False),
        sa.Column("fra", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hr_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("orgnr", "nr", name=op.f("pk_virksomhet_hr")),
    )
    posisjon = sa.table("projeksjon_posisjon", sa.column("navn", sa.String), sa.column("posisjon", sa.BigInteger))
    op.bulk_insert(posisjon, [{"navn": "virksomheter", "posisjon": 0}])


def downgrade() -> None:
    op.execute("DELETE FROM projeksjon_posisjon WHERE navn = 'virksomheter'")
    op.drop_table("virksomhet_hr")
    op.drop_table("virksomheter")
