"""committees: social-oversight committees, their works, lifecycle events, members, trainings,
meetings and agreements

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table('committees',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('program', sa.String(length=200), nullable=True),
    sa.Column('service_area', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('registration_number', sa.String(length=80), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_committees_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committees')),
    sa.UniqueConstraint('municipality_id', 'name', name='uq_committees_municipality_name'),
    sa.UniqueConstraint('municipality_id', 'registration_number', name='uq_committees_municipality_registration')
    )
    op.create_geospatial_index('idx_committees_service_area', 'committees', ['service_area'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_committees_municipality_id'), 'committees', ['municipality_id'], unique=False)
    op.create_index('ix_committees_municipality_state', 'committees', ['municipality_id', 'state'], unique=False)
    op.create_table('committee_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('photo_id', sa.Uuid(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_committee_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_events_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_committee_events_photo_id_photos'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_events'))
    )
    op.create_index('ix_committee_events_committee_on', 'committee_events', ['committee_id', 'on'], unique=False)
    op.create_table('committee_members',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('consent_public', sa.Boolean(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('commitment_letter_on', sa.Date(), nullable=True),
    sa.Column('commitment_letter_photo_id', sa.Uuid(), nullable=True),
    sa.Column('replaced_member_id', sa.Uuid(), nullable=True),
    sa.Column('replacement_document', sa.Text(), nullable=True),
    sa.CheckConstraint('end_on IS NULL OR end_on >= start_on', name=op.f('ck_committee_members_period')),
    sa.ForeignKeyConstraint(['commitment_letter_photo_id'], ['photos.id'], name=op.f('fk_committee_members_commitment_letter_photo_id_photos'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_members_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_committee_members_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_member_id'], ['committee_members.id'], name=op.f('fk_committee_members_replaced_member_id_committee_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_committee_members_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_members'))
    )
    op.create_index('ix_committee_members_committee_end', 'committee_members', ['committee_id', 'end_on'], unique=False)
    op.create_index(op.f('ix_committee_members_municipality_id'), 'committee_members', ['municipality_id'], unique=False)
    op.create_index(op.f('ix_committee_members_user_id'), 'committee_members', ['user_id'], unique=False)
    op.create_table('committee_works',
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('work_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_works_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_committee_works_work_id_works'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('committee_id', 'work_id', name=op.f('pk_committee_works'))
    )
    op.create_index(op.f('ix_committee_works_work_id'), 'committee_works', ['work_id'], unique=False)
    op.create_geospatial_table('meetings',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('place_description', sa.String(length=300), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_meetings_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_meetings_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    op.create_geospatial_index('idx_meetings_place', 'meetings', ['place'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('ix_meetings_committee_held', 'meetings', ['committee_id', 'held_on'], unique=False)
    op.create_index(op.f('ix_meetings_municipality_id'), 'meetings', ['municipality_id'], unique=False)
    op.create_table('trainings',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=True),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('trainer', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_trainings_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_trainings_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainings'))
    )
    op.create_index(op.f('ix_trainings_committee_id'), 'trainings', ['committee_id'], unique=False)
    op.create_index(op.f('ix_trainings_municipality_id'), 'trainings', ['municipality_id'], unique=False)
    op.create_table('agreements',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('committee_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_member_id', sa.Uuid(), nullable=True),
    sa.Column('owner_text', sa.String(length=200), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_agreements_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agreements_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_agreements_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_member_id'], ['committee_members.id'], name=op.f('fk_agreements_owner_member_id_committee_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements'))
    )
    op.create_index('ix_agreements_committee_status_due', 'agreements', ['committee_id', 'status', 'due_on'], unique=False)
    op.create_index(op.f('ix_agreements_meeting_id'), 'agreements', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_agreements_municipality_id'), 'agreements', ['municipality_id'], unique=False)
    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['committee_members.id'], name=op.f('fk_meeting_attendance_member_id_committee_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_meeting_attendance'))
    )
    op.create_index(op.f('ix_meeting_attendance_member_id'), 'meeting_attendance', ['member_id'], unique=False)
    op.create_table('training_attendance',
    sa.Column('training_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['committee_members.id'], name=op.f('fk_training_attendance_member_id_committee_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_training_attendance_training_id_trainings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('training_id', 'member_id', name=op.f('pk_training_attendance'))
    )
    op.create_index(op.f('ix_training_attendance_member_id'), 'training_attendance', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_training_attendance_member_id'), table_name='training_attendance')
    op.drop_table('training_attendance')
    op.drop_index(op.f('ix_meeting_attendance_member_id'), table_name='meeting_attendance')
    op.drop_table('meeting_attendance')
    op.drop_index(op.f('ix_agreements_municipality_id'), table_name='agreements')
    op.drop_index(op.f('ix_agreements_meeting_id'), table_name='agreements')
    op.drop_index('ix_agreements_committee_status_due', table_name='agreements')
    op.drop_table('agreements')
    op.drop_index(op.f('ix_trainings_municipality_id'), table_name='trainings')
    op.drop_index(op.f('ix_trainings_committee_id'), table_name='trainings')
    op.drop_table('trainings')
    op.drop_index(op.f('ix_meetings_municipality_id'), table_name='meetings')
    op.drop_index('ix_meetings_committee_held', table_name='meetings')
    op.drop_geospatial_index('idx_meetings_place', table_name='meetings', postgresql_using='gist', column_name='place')
    op.drop_geospatial_table('meetings')
    op.drop_index(op.f('ix_committee_works_work_id'), table_name='committee_works')
    op.drop_table('committee_works')
    op.drop_index(op.f('ix_committee_members_user_id'), table_name='committee_members')
    op.drop_index(op.f('ix_committee_members_municipality_id'), table_name='committee_members')
    op.drop_index('ix_committee_members_committee_end', table_name='committee_members')
    op.drop_table('committee_members')
    op.drop_index('ix_committee_events_committee_on', table_name='committee_events')
    op.drop_table('committee_events')
    op.drop_index('ix_committees_municipality_state', table_name='committees')
    op.drop_index(op.f('ix_committees_municipality_id'), table_name='committees')
    op.drop_geospatial_index('idx_committees_service_area', table_name='committees', postgresql_using='gist', column_name='service_area')
    op.drop_geospatial_table('committees')
