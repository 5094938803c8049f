"""audit log: hash-chained entries, one chain per municipality, and each chain's head

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
# TEMPORARY while 0004 (complaints) is written in parallel (0003 has landed): set to '0004' when merging.
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint("actor_kind IN ('user', 'anonymous', 'system', 'device')", name=op.f('ck_audit_entries_actor_kind')),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_audit_entries_seq_positive')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_audit_entries_municipality_id_municipalities'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('municipality_id', 'seq', name=op.f('pk_audit_entries'))
    )
    op.create_index('ix_audit_entries_entity', 'audit_entries', ['entity_id', 'seq'], unique=False)
    op.create_table('audit_heads',
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_audit_heads_municipality_id_municipalities'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('municipality_id', name=op.f('pk_audit_heads'))
    )


def downgrade() -> None:
    op.drop_table('audit_heads')
    op.drop_index('ix_audit_entries_entity', table_name='audit_entries')
    op.drop_table('audit_entries')
