"""inspections: form templates and versions, visits, findings and photos

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_templates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('program', sa.String(length=200), nullable=True),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_form_templates_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_templates')),
    sa.UniqueConstraint('municipality_id', 'key', name='uq_form_templates_muni_key')
    )
    op.create_index(op.f('ix_form_templates_municipality_id'), 'form_templates', ['municipality_id'], unique=False)
    op.create_table('form_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('questions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['form_templates.id'], name=op.f('fk_form_versions_template_id_form_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_versions')),
    sa.UniqueConstraint('template_id', 'version', name='uq_form_versions_template_version')
    )
    op.create_geospatial_table('visits',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('work_id', sa.Uuid(), nullable=False),
    sa.Column('form_version_id', sa.Uuid(), nullable=False),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('observed_physical_pct', sa.Float(), nullable=True),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint('observed_physical_pct IS NULL OR (observed_physical_pct >= 0 AND observed_physical_pct <= 100)', name=op.f('ck_visits_observed_physical_pct')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_visits_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_visits_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_versions.id'], name=op.f('fk_visits_form_version_id_form_versions')),
    sa.ForeignKeyConstraint(['member_id'], ['committee_members.id'], name=op.f('fk_visits_member_id_committee_members')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_visits_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_visits_work_id_works')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    op.create_geospatial_index('idx_visits_location', 'visits', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('ix_visits_committee_visited', 'visits', ['committee_id', 'visited_at'], unique=False)
    op.create_index(op.f('ix_visits_form_version_id'), 'visits', ['form_version_id'], unique=False)
    op.create_index(op.f('ix_visits_member_id'), 'visits', ['member_id'], unique=False)
    op.create_index(op.f('ix_visits_municipality_id'), 'visits', ['municipality_id'], unique=False)
    op.create_index(op.f('ix_visits_work_id'), 'visits', ['work_id'], unique=False)
    op.create_table('visit_findings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name=op.f('ck_visit_findings_severity')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_visit_findings_complaint_id_complaints'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_findings_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_findings'))
    )
    op.create_index(op.f('ix_visit_findings_visit_id'), 'visit_findings', ['visit_id'], unique=False)
    op.create_table('visit_photos',
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('photo_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_visit_photos_photo_id_photos')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_photos_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', 'photo_id', name=op.f('pk_visit_photos'))
    )
    op.create_index(op.f('ix_visit_photos_photo_id'), 'visit_photos', ['photo_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_visit_photos_photo_id'), table_name='visit_photos')
    op.drop_table('visit_photos')
    op.drop_index(op.f('ix_visit_findings_visit_id'), table_name='visit_findings')
    op.drop_table('visit_findings')
    op.drop_index(op.f('ix_visits_work_id'), table_name='visits')
    op.drop_index(op.f('ix_visits_municipality_id'), table_name='visits')
    op.drop_index(op.f('ix_visits_member_id'), table_name='visits')
    op.drop_index(op.f('ix_visits_form_version_id'), table_name='visits')
    op.drop_index('ix_visits_committee_visited', table_name='visits')
    op.drop_geospatial_index('idx_visits_location', table_name='visits', postgresql_using='gist', column_name='location')
    op.drop_geospatial_table('visits')
    op.drop_table('form_versions')
    op.drop_index(op.f('ix_form_templates_municipality_id'), table_name='form_templates')
    op.drop_table('form_templates')
