"""complaints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaint_categories',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('group', sa.String(length=120), nullable=True),
    sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_complaint_categories_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_categories')),
    sa.UniqueConstraint('municipality_id', 'service_code', name='uq_categories_muni_code')
    )
    op.create_index(op.f('ix_complaint_categories_municipality_id'), 'complaint_categories', ['municipality_id'], unique=False)
    op.create_table('complaint_deadline_rules',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('business_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_complaint_deadline_rules_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_deadline_rules')),
    sa.UniqueConstraint('municipality_id', 'kind', name='uq_deadline_rules_muni_kind')
    )
    op.create_table('complaint_templates',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_complaint_templates_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_templates'))
    )
    op.create_index(op.f('ix_complaint_templates_municipality_id'), 'complaint_templates', ['municipality_id'], unique=False)
    op.create_geospatial_table('complaints',
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('folio', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('category_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('work_id', sa.Uuid(), nullable=True),
    sa.Column('zone_id', sa.Uuid(), nullable=True),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('public_answer', sa.Text(), nullable=True),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('duplicate_of_id', sa.Uuid(), nullable=True),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('clarification_due_on', sa.Date(), nullable=True),
    sa.Column('referral_due_on', sa.Date(), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reporter_id', sa.Uuid(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('follow_up_digest', sa.String(length=64), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_complaints_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['complaint_categories.id'], name=op.f('fk_complaints_category_id_complaint_categories')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['complaints.id'], name=op.f('fk_complaints_duplicate_of_id_complaints'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_complaints_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_complaints_reporter_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_complaints_work_id_works'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_complaints_zone_id_zones'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('municipality_id', 'folio', name='uq_complaints_muni_folio')
    )
    op.create_geospatial_index('idx_complaints_location', 'complaints', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_complaints_assignee_id'), 'complaints', ['assignee_id'], unique=False)
    op.create_index(op.f('ix_complaints_municipality_id'), 'complaints', ['municipality_id'], unique=False)
    op.create_index('ix_complaints_queue', 'complaints', ['municipality_id', 'state', 'due_on'], unique=False)
    op.create_index('ix_complaints_reporter', 'complaints', ['reporter_id'], unique=False)
    op.create_index(op.f('ix_complaints_work_id'), 'complaints', ['work_id'], unique=False)
    op.create_index(op.f('ix_complaints_zone_id'), 'complaints', ['zone_id'], unique=False)
    op.create_table('complaint_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_complaint_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_notes_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_notes'))
    )
    op.create_index(op.f('ix_complaint_notes_complaint_id'), 'complaint_notes', ['complaint_id'], unique=False)
    op.create_table('complaint_photos',
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('photo_id', sa.Uuid(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_photos_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_complaint_photos_photo_id_photos')),
    sa.PrimaryKeyConstraint('complaint_id', 'photo_id', name=op.f('pk_complaint_photos'))
    )
    op.create_index(op.f('ix_complaint_photos_photo_id'), 'complaint_photos', ['photo_id'], unique=False)
    op.create_table('complaint_supports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('supporter_key', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_supports_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_supports')),
    sa.UniqueConstraint('complaint_id', 'supporter_key', name='uq_supports_complaint_key')
    )
    op.create_index(op.f('ix_complaint_supports_complaint_id'), 'complaint_supports', ['complaint_id'], unique=False)
    op.create_table('complaint_updates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('by_reporter', sa.Boolean(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_complaint_updates_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_updates_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_updates'))
    )
    op.create_index(op.f('ix_complaint_updates_complaint_id'), 'complaint_updates', ['complaint_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_complaint_updates_complaint_id'), table_name='complaint_updates')
    op.drop_table('complaint_updates')
    op.drop_index(op.f('ix_complaint_supports_complaint_id'), table_name='complaint_supports')
    op.drop_table('complaint_supports')
    op.drop_index(op.f('ix_complaint_photos_photo_id'), table_name='complaint_photos')
    op.drop_table('complaint_photos')
    op.drop_index(op.f('ix_complaint_notes_complaint_id'), table_name='complaint_notes')
    op.drop_table('complaint_notes')
    op.drop_index(op.f('ix_complaints_zone_id'), table_name='complaints')
    op.drop_index(op.f('ix_complaints_work_id'), table_name='complaints')
    op.drop_index('ix_complaints_reporter', table_name='complaints')
    op.drop_index('ix_complaints_queue', table_name='complaints')
    op.drop_index(op.f('ix_complaints_municipality_id'), table_name='complaints')
    op.drop_index(op.f('ix_complaints_assignee_id'), table_name='complaints')
    op.drop_geospatial_index('idx_complaints_location', table_name='complaints', postgresql_using='gist', column_name='location')
    op.drop_geospatial_table('complaints')
    op.drop_index(op.f('ix_complaint_templates_municipality_id'), table_name='complaint_templates')
    op.drop_table('complaint_templates')
    op.drop_table('complaint_deadline_rules')
    op.drop_index(op.f('ix_complaint_categories_municipality_id'), table_name='complaint_categories')
    op.drop_table('complaint_categories')
