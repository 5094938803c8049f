"""notebooks: judges' notebooks per period, reply invitations and replies; surveys, their versions and anonymous
responses

Revision ID: 0018_notebooks
Revises: 0017_annotations
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0018_notebooks'
down_revision = '0017_annotations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('surveys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("audience IN ('court_users', 'judges')", name=op.f('ck_surveys_audience')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_surveys_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('municipality_id', 'key', name='uq_surveys_muni_key')
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('notebooks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('judge_id', sa.Uuid(), nullable=False),
    sa.Column('period_starts_on', sa.Date(), nullable=False),
    sa.Column('period_ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('n_rulings', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.Uuid(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'reviewed', 'published', 'withdrawn')", name=op.f('ck_notebooks_state')),
    sa.CheckConstraint('period_ends_on >= period_starts_on', name=op.f('ck_notebooks_period')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_notebooks_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['judge_id'], ['judges.id'], name=op.f('fk_notebooks_judge_id_judges')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_notebooks_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['audit_projects.id'], name=op.f('fk_notebooks_project_id_audit_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_notebooks_reviewed_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notebooks')),
    sa.UniqueConstraint('project_id', 'judge_id', 'period_starts_on', 'period_ends_on', name='uq_notebooks_project_judge_period')
    )
    with op.batch_alter_table('notebooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notebooks_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notebooks_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notebooks_project_id'), ['project_id'], unique=False)

    op.create_table('survey_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('survey_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_versions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_versions')),
    sa.UniqueConstraint('survey_id', 'version', name='uq_survey_versions_survey_version')
    )
    op.create_table('notebook_reply_invitations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('notebook_id', sa.Uuid(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_notebook_reply_invitations_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['notebook_id'], ['notebooks.id'], name=op.f('fk_notebook_reply_invitations_notebook_id_notebooks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notebook_reply_invitations')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_notebook_reply_invitations_secret_hash'))
    )
    with op.batch_alter_table('notebook_reply_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notebook_reply_invitations_notebook_id'), ['notebook_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('court_id', sa.Uuid(), nullable=False),
    sa.Column('collected_on', sa.Date(), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['courts.id'], name=op.f('fk_survey_responses_court_id_courts')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_survey_responses_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['survey_versions.id'], name=op.f('fk_survey_responses_version_id_survey_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_court_day', ['court_id', 'collected_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_version_id'), ['version_id'], unique=False)

    op.create_table('notebook_replies',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('notebook_id', sa.Uuid(), nullable=False),
    sa.Column('invitation_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('signed_as', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['notebook_reply_invitations.id'], name=op.f('fk_notebook_replies_invitation_id_notebook_reply_invitations')),
    sa.ForeignKeyConstraint(['notebook_id'], ['notebooks.id'], name=op.f('fk_notebook_replies_notebook_id_notebooks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notebook_replies')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_notebook_replies_invitation_id')),
    sa.UniqueConstraint('notebook_id', 'number', name='uq_notebook_replies_number')
    )
    with op.batch_alter_table('notebook_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notebook_replies_notebook_id'), ['notebook_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notebook_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notebook_replies_notebook_id'))

    op.drop_table('notebook_replies')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_version_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_municipality_id'))
        batch_op.drop_index('ix_survey_responses_court_day')

    op.drop_table('survey_responses')
    with op.batch_alter_table('notebook_reply_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notebook_reply_invitations_notebook_id'))

    op.drop_table('notebook_reply_invitations')
    op.drop_table('survey_versions')
    with op.batch_alter_table('notebooks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notebooks_project_id'))
        batch_op.drop_index(batch_op.f('ix_notebooks_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_notebooks_judge_id'))

    op.drop_table('notebooks')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_municipality_id'))

    op.drop_table('surveys')
