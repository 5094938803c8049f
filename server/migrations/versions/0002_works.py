"""works register: works, zones they touch, progress observations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table('works',
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=True),
    sa.Column('sector', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('budget_amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('funding_source', sa.String(length=120), nullable=True),
    sa.Column('program', sa.String(length=200), nullable=True),
    sa.Column('parties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('contractor', sa.String(length=300), nullable=True),
    sa.Column('contract_number', sa.String(length=80), nullable=True),
    sa.Column('contract_value', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('contract_modifications', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('current_contract_value', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('actual_start', sa.Date(), nullable=True),
    sa.Column('actual_end', sa.Date(), nullable=True),
    sa.Column('documents', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('completion', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('location_description', sa.Text(), nullable=True),
    sa.Column('geometry', Geometry(srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('physical_official_pct', sa.Float(), nullable=True),
    sa.Column('financial_official_pct', sa.Float(), nullable=True),
    sa.Column('physical_observed_pct', sa.Float(), nullable=True),
    sa.Column('physical_observed_source', sa.String(length=16), nullable=True),
    sa.Column('last_progress_on', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_works_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_works')),
    sa.UniqueConstraint('municipality_id', 'identifier', name='uq_works_municipality_identifier')
    )
    op.create_geospatial_index('idx_works_geometry', 'works', ['geometry'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_works_municipality_id'), 'works', ['municipality_id'], unique=False)
    op.create_index('ix_works_municipality_status', 'works', ['municipality_id', 'status'], unique=False)
    op.create_index('ix_works_municipality_updated', 'works', ['municipality_id', 'updated_at', 'id'], unique=False)
    op.create_table('work_progress',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('work_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('physical_pct', sa.Float(), nullable=True),
    sa.Column('financial_pct', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('financial_pct IS NULL OR (financial_pct >= 0 AND financial_pct <= 100)', name=op.f('ck_work_progress_financial_pct')),
    sa.CheckConstraint('physical_pct IS NULL OR (physical_pct >= 0 AND physical_pct <= 100)', name=op.f('ck_work_progress_physical_pct')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_work_progress_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_work_progress_recorded_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_progress_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_progress'))
    )
    op.create_index(op.f('ix_work_progress_municipality_id'), 'work_progress', ['municipality_id'], unique=False)
    op.create_index('ix_work_progress_work_observed', 'work_progress', ['work_id', 'observed_on'], unique=False)
    op.create_table('work_zones',
    sa.Column('work_id', sa.Uuid(), nullable=False),
    sa.Column('zone_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_zones_work_id_works'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_work_zones_zone_id_zones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('work_id', 'zone_id', name=op.f('pk_work_zones'))
    )
    op.create_index(op.f('ix_work_zones_zone_id'), 'work_zones', ['zone_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_work_zones_zone_id'), table_name='work_zones')
    op.drop_table('work_zones')
    op.drop_index('ix_work_progress_work_observed', table_name='work_progress')
    op.drop_index(op.f('ix_work_progress_municipality_id'), table_name='work_progress')
    op.drop_table('work_progress')
    op.drop_index('ix_works_municipality_updated', table_name='works')
    op.drop_index('ix_works_municipality_status', table_name='works')
    op.drop_index(op.f('ix_works_municipality_id'), table_name='works')
    op.drop_geospatial_index('idx_works_geometry', table_name='works', postgresql_using='gist', column_name='geometry')
    op.drop_geospatial_table('works')
