"""Audit logs: reads of case data (AUD-1) and who sent each accepted command (AUD-2).

Not projections: their rows are not a function of any event stream, so a rebuild never touches them.
Identity numbers are never stored (PRIV-3): an arbeidstaker reader is recorded by person_id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('revisjonslogg',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tidspunkt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('aktor_id', sa.String(length=80), nullable=False),
    sa.Column('rolle', sa.String(length=12), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=True),
    sa.Column('case_id', sa.String(length=40), nullable=True),
    sa.Column('visning', sa.String(length=40), nullable=False),
    sa.Column('grunnlag', sa.String(length=20), nullable=False),
    sa.Column('begrunnelse', sa.String(length=500), nullable=True),
    sa.Column('brudd_glass', sa.Boolean(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisjonslogg'))
    )
    with op.batch_alter_table('revisjonslogg', schema=None) as batch_op:
        batch_op.create_index('ix_revisjonslogg_person_id_id', ['person_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisjonslogg_case_id'), ['case_id'], unique=False)

    op.create_table('kommandologg',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tidspunkt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('aktor_id', sa.String(length=80), nullable=False),
    sa.Column('rolle', sa.String(length=12), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('kommando_id', sa.String(length=80), nullable=True),
    sa.Column('person_id', sa.String(length=36), nullable=True),
    sa.Column('case_id', sa.String(length=40), nullable=True),
    sa.Column('posisjon', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kommandologg'))
    )
    with op.batch_alter_table('kommandologg', schema=None) as batch_op:
        batch_op.create_index('ix_kommandologg_person_id_posisjon', ['person_id', 'posisjon'], unique=False)
        batch_op.create_index('ix_kommandologg_type_kommando_id', ['type', 'kommando_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('kommandologg', schema=None) as batch_op:
        batch_op.drop_index('ix_kommandologg_type_kommando_id')
        batch_op.drop_index('ix_kommandologg_person_id_posisjon')

    op.drop_table('kommandologg')
    with op.batch_alter_table('revisjonslogg', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisjonslogg_case_id'))
        batch_op.drop_index('ix_revisjonslogg_person_id_id')

    op.drop_table('revisjonslogg')
