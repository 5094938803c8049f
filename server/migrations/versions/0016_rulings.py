"""rulings: courts, judges and their assignments, audit projects and their teams, judicial rulings with their
versioned texts (original and public) and the redaction findings of personal data (docs/rulings.md).

Revision ID: 0016_rulings
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0016_rulings'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('courts',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('jurisdiction', sa.String(length=200), nullable=True),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('speciality', sa.String(length=24), nullable=False),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('region', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_courts_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courts')),
    sa.UniqueConstraint('municipality_id', 'name', name='uq_courts_municipality_name')
    )
    op.create_index(op.f('ix_courts_municipality_id'), 'courts', ['municipality_id'], unique=False)
    op.create_table('judges',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('registry_number', sa.String(length=64), nullable=True),
    sa.Column('profile_url', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_judges_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judges'))
    )
    op.create_index(op.f('ix_judges_municipality_id'), 'judges', ['municipality_id'], unique=False)
    op.create_table('judge_assignments',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('judge_id', sa.Uuid(), nullable=False),
    sa.Column('court_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_judge_assignments_judge_assignment_period')),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_judge_assignments_court_id_courts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['judges.id'], name=op.f('fk_judge_assignments_judge_id_judges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_assignments'))
    )
    op.create_index(op.f('ix_judge_assignments_court_id'), 'judge_assignments', ['court_id'], unique=False)
    op.create_index('ix_judge_assignments_judge_starts', 'judge_assignments', ['judge_id', 'starts_on'], unique=False)
    op.create_table('audit_projects',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('period_starts_on', sa.Date(), nullable=False),
    sa.Column('period_ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('period_ends_on >= period_starts_on', name=op.f('ck_audit_projects_audit_project_period')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_audit_projects_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_audit_projects_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_projects')),
    sa.UniqueConstraint('municipality_id', 'name', name='uq_audit_projects_municipality_name')
    )
    op.create_index(op.f('ix_audit_projects_municipality_id'), 'audit_projects', ['municipality_id'], unique=False)
    op.create_table('audit_team_members',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('added_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_audit_team_members_added_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['audit_projects.id'], name=op.f('fk_audit_team_members_project_id_audit_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_team_members')),
    sa.UniqueConstraint('project_id', 'user_id', name='uq_audit_team_members_project_user')
    )
    op.create_index(op.f('ix_audit_team_members_user_id'), 'audit_team_members', ['user_id'], unique=False)
    op.create_table('rulings',
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('court_id', sa.Uuid(), nullable=False),
    sa.Column('case_number', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('matter', sa.String(length=24), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('heard_on', sa.Date(), nullable=True),
    sa.Column('ruled_on', sa.Date(), nullable=False),
    sa.Column('parties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_rulings_court_id_courts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_rulings_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_rulings_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['audit_projects.id'], name=op.f('fk_rulings_project_id_audit_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rulings')),
    sa.UniqueConstraint('project_id', 'court_id', 'case_number', 'kind', 'ruled_on', name='uq_rulings_project_court_case')
    )
    op.create_index(op.f('ix_rulings_court_id'), 'rulings', ['court_id'], unique=False)
    op.create_index('ix_rulings_municipality_state', 'rulings', ['municipality_id', 'state'], unique=False)
    op.create_index(op.f('ix_rulings_project_id'), 'rulings', ['project_id'], unique=False)
    op.create_table('ruling_judges',
    sa.Column('ruling_id', sa.Uuid(), nullable=False),
    sa.Column('judge_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['judges.id'], name=op.f('fk_ruling_judges_judge_id_judges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ruling_id'], ['rulings.id'], name=op.f('fk_ruling_judges_ruling_id_rulings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ruling_id', 'judge_id', name=op.f('pk_ruling_judges'))
    )
    op.create_index(op.f('ix_ruling_judges_judge_id'), 'ruling_judges', ['judge_id'], unique=False)
    op.create_table('ruling_texts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('ruling_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('derived_from', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_ruling_texts_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['derived_from'], ['ruling_texts.id'], name=op.f('fk_ruling_texts_derived_from_ruling_texts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ruling_id'], ['rulings.id'], name=op.f('fk_ruling_texts_ruling_id_rulings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ruling_texts')),
    sa.UniqueConstraint('ruling_id', 'kind', 'number', name='uq_ruling_texts_ruling_kind_number')
    )
    op.create_index('ix_ruling_texts_ruling_kind_sha256', 'ruling_texts', ['ruling_id', 'kind', 'sha256'], unique=False)
    op.create_table('redaction_findings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('text_id', sa.Uuid(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('detector', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('"end" > start AND start >= 0', name=op.f('ck_redaction_findings_redaction_finding_span')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_redaction_findings_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_redaction_findings_decided_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['text_id'], ['ruling_texts.id'], name=op.f('fk_redaction_findings_text_id_ruling_texts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_findings')),
    sa.UniqueConstraint('text_id', 'start', 'end', 'category', name='uq_redaction_findings_span')
    )
    op.create_index(op.f('ix_redaction_findings_text_id'), 'redaction_findings', ['text_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_redaction_findings_text_id'), table_name='redaction_findings')
    op.drop_table('redaction_findings')
    op.drop_index('ix_ruling_texts_ruling_kind_sha256', table_name='ruling_texts')
    op.drop_table('ruling_texts')
    op.drop_index(op.f('ix_ruling_judges_judge_id'), table_name='ruling_judges')
    op.drop_table('ruling_judges')
    op.drop_index(op.f('ix_rulings_court_id'), table_name='rulings')
    op.drop_index('ix_rulings_municipality_state', table_name='rulings')
    op.drop_index(op.f('ix_rulings_project_id'), table_name='rulings')
    op.drop_table('rulings')
    op.drop_index(op.f('ix_audit_team_members_user_id'), table_name='audit_team_members')
    op.drop_table('audit_team_members')
    op.drop_index(op.f('ix_audit_projects_municipality_id'), table_name='audit_projects')
    op.drop_table('audit_projects')
    op.drop_index(op.f('ix_judge_assignments_court_id'), table_name='judge_assignments')
    op.drop_index('ix_judge_assignments_judge_starts', table_name='judge_assignments')
    op.drop_table('judge_assignments')
    op.drop_index(op.f('ix_judges_municipality_id'), table_name='judges')
    op.drop_table('judges')
    op.drop_index(op.f('ix_courts_municipality_id'), table_name='courts')
    op.drop_table('courts')
