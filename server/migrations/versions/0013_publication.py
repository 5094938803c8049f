"""publication policy (docs/privacy.md): a complaint's confidentiality, whether a moderator published its text
(and the public version they wrote), whether a photo is published, and the kinds whose text a municipality
publishes at once. Everything already stored starts as `pending`: nothing a citizen sent becomes public by this
migration; the moderators decide.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaint_publication_rules',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('text_public_at_once', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_complaint_publication_rules_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_publication_rules')),
    sa.UniqueConstraint('municipality_id', 'kind', name='uq_publication_rules_muni_kind')
    )
    op.add_column('complaints', sa.Column('confidential', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('complaints', sa.Column('text_publication', sa.String(length=12), nullable=False,
                                          server_default='pending'))
    op.add_column('complaints', sa.Column('public_description', sa.Text(), nullable=True))
    op.add_column('photos', sa.Column('publication', sa.String(length=12), nullable=False,
                                      server_default='pending'))


def downgrade() -> None:
    op.drop_column('photos', 'publication')
    op.drop_column('complaints', 'public_description')
    op.drop_column('complaints', 'text_publication')
    op.drop_column('complaints', 'confidential')
    op.drop_table('complaint_publication_rules')
