"""work cards: each work's public summary rendered ahead of time per language (server/works/cards.py); a cache
the next `vigia tick` fills, so existing works need nothing here.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('work_cards',
    sa.Column('work_id', sa.Uuid(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('work_updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_on', sa.Date(), nullable=False),
    sa.Column('format', sa.BigInteger(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_cards_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('work_id', 'language', name=op.f('pk_work_cards'))
    )


def downgrade() -> None:
    op.drop_table('work_cards')
