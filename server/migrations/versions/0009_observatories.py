"""observatories: citizen observatories, members and their accreditations as citizen comptroller, followed
works, indicators with their observations, and published findings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('observatories',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('theme', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('programs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_observatories_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatories')),
    sa.UniqueConstraint('municipality_id', 'name', name='uq_observatories_municipality_name')
    )
    op.create_index(op.f('ix_observatories_municipality_id'), 'observatories', ['municipality_id'], unique=False)
    op.create_table('indicators',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('observatory_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['observatory_id'], ['observatories.id'], name=op.f('fk_indicators_observatory_id_observatories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('observatory_id', 'key', name='uq_indicators_observatory_key')
    )
    op.create_index(op.f('ix_indicators_observatory_id'), 'indicators', ['observatory_id'], unique=False)
    op.create_table('observatory_members',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('observatory_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('consent_public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_observatory_members_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observatory_id'], ['observatories.id'], name=op.f('fk_observatory_members_observatory_id_observatories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_observatory_members_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatory_members'))
    )
    op.create_index(op.f('ix_observatory_members_municipality_id'), 'observatory_members', ['municipality_id'], unique=False)
    op.create_index(op.f('ix_observatory_members_observatory_id'), 'observatory_members', ['observatory_id'], unique=False)
    op.create_index(op.f('ix_observatory_members_user_id'), 'observatory_members', ['user_id'], unique=False)
    op.create_table('observatory_works',
    sa.Column('observatory_id', sa.Uuid(), nullable=False),
    sa.Column('work_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['observatory_id'], ['observatories.id'], name=op.f('fk_observatory_works_observatory_id_observatories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_observatory_works_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('observatory_id', 'work_id', name=op.f('pk_observatory_works'))
    )
    op.create_index(op.f('ix_observatory_works_work_id'), 'observatory_works', ['work_id'], unique=False)
    op.create_table('accreditations',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('valid_to >= valid_from', name=op.f('ck_accreditations_accreditation_period')),
    sa.ForeignKeyConstraint(['member_id'], ['observatory_members.id'], name=op.f('fk_accreditations_member_id_observatory_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_accreditations_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accreditations')),
    sa.UniqueConstraint('municipality_id', 'number', name='uq_accreditations_municipality_number')
    )
    op.create_index(op.f('ix_accreditations_member_id'), 'accreditations', ['member_id'], unique=False)
    op.create_index(op.f('ix_accreditations_municipality_id'), 'accreditations', ['municipality_id'], unique=False)
    op.create_table('indicator_observations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=300), nullable=True),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_observations_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_indicator_observations_recorded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_observations'))
    )
    op.create_index('ix_indicator_observations_indicator_observed', 'indicator_observations', ['indicator_id', 'observed_on'], unique=False)
    op.create_table('observatory_findings',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('observatory_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('evidence_links', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('author_member_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['author_member_id'], ['observatory_members.id'], name=op.f('fk_observatory_findings_author_member_id_observatory_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_observatory_findings_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['observatory_id'], ['observatories.id'], name=op.f('fk_observatory_findings_observatory_id_observatories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observatory_findings'))
    )
    op.create_index(op.f('ix_observatory_findings_municipality_id'), 'observatory_findings', ['municipality_id'], unique=False)
    op.create_index('ix_observatory_findings_observatory_published', 'observatory_findings', ['observatory_id', 'published_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_observatory_findings_observatory_published', table_name='observatory_findings')
    op.drop_index(op.f('ix_observatory_findings_municipality_id'), table_name='observatory_findings')
    op.drop_table('observatory_findings')
    op.drop_index('ix_indicator_observations_indicator_observed', table_name='indicator_observations')
    op.drop_table('indicator_observations')
    op.drop_index(op.f('ix_accreditations_municipality_id'), table_name='accreditations')
    op.drop_index(op.f('ix_accreditations_member_id'), table_name='accreditations')
    op.drop_table('accreditations')
    op.drop_index(op.f('ix_observatory_works_work_id'), table_name='observatory_works')
    op.drop_table('observatory_works')
    op.drop_index(op.f('ix_observatory_members_user_id'), table_name='observatory_members')
    op.drop_index(op.f('ix_observatory_members_observatory_id'), table_name='observatory_members')
    op.drop_index(op.f('ix_observatory_members_municipality_id'), table_name='observatory_members')
    op.drop_table('observatory_members')
    op.drop_index(op.f('ix_indicators_observatory_id'), table_name='indicators')
    op.drop_table('indicators')
    op.drop_index(op.f('ix_observatories_municipality_id'), table_name='observatories')
    op.drop_table('observatories')
