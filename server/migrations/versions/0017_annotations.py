"""annotations: versioned annotation schemes, assignments of rulings to annotators and reviewers (gold), annotations
of rulings' public texts (W3C Web Annotation: quote and position selectors) and document-level answers
(docs/annotations.md).

Revision ID: 0017_annotations
Revises: 0016_rulings
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0017_annotations'
down_revision = '0016_rulings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotation_schemes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_annotation_schemes_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_annotation_schemes_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_schemes')),
    sa.UniqueConstraint('municipality_id', 'slug', name='uq_annotation_schemes_muni_slug')
    )
    with op.batch_alter_table('annotation_schemes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_schemes_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('annotation_scheme_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('scheme_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'published')", name=op.f('ck_annotation_scheme_versions_annotation_scheme_version_state')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_annotation_scheme_versions_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scheme_id'], ['annotation_schemes.id'], name=op.f('fk_annotation_scheme_versions_scheme_id_annotation_schemes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_scheme_versions')),
    sa.UniqueConstraint('scheme_id', 'number', name='uq_annotation_scheme_versions_number')
    )
    with op.batch_alter_table('annotation_scheme_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_scheme_versions_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('annotation_assignments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('ruling_id', sa.Uuid(), nullable=False),
    sa.Column('annotator_id', sa.Uuid(), nullable=False),
    sa.Column('scheme_version_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('annotator', 'gold')", name=op.f('ck_annotation_assignments_annotation_assignment_kind')),
    sa.CheckConstraint("state IN ('assigned', 'in_progress', 'done')", name=op.f('ck_annotation_assignments_annotation_assignment_state')),
    sa.ForeignKeyConstraint(['annotator_id'], ['users.id'], name=op.f('fk_annotation_assignments_annotator_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_annotation_assignments_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_annotation_assignments_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['audit_projects.id'], name=op.f('fk_annotation_assignments_project_id_audit_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ruling_id'], ['rulings.id'], name=op.f('fk_annotation_assignments_ruling_id_rulings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scheme_version_id'], ['annotation_scheme_versions.id'], name=op.f('fk_annotation_assignments_scheme_version_id_annotation_scheme_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_assignments')),
    sa.UniqueConstraint('ruling_id', 'scheme_version_id', 'annotator_id', 'kind', name='uq_annotation_assignments_ruling_version_person')
    )
    with op.batch_alter_table('annotation_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_assignments_annotator_id'), ['annotator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotation_assignments_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_annotation_assignments_project_version', ['project_id', 'scheme_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotation_assignments_ruling_id'), ['ruling_id'], unique=False)

    op.create_table('annotations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assignment_id', sa.Uuid(), nullable=False),
    sa.Column('ruling_id', sa.Uuid(), nullable=False),
    sa.Column('text_id', sa.Uuid(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('suffix', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('anchor_state', sa.String(length=16), nullable=False),
    sa.Column('derived_from', sa.Uuid(), nullable=True),
    sa.Column('creator_id', sa.Uuid(), nullable=True),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("anchor_state IN ('anchored', 'moved', 'orphaned')", name=op.f('ck_annotations_annotation_anchor_state')),
    sa.CheckConstraint('"end" > start AND start >= 0', name=op.f('ck_annotations_annotation_span')),
    sa.ForeignKeyConstraint(['assignment_id'], ['annotation_assignments.id'], name=op.f('fk_annotations_assignment_id_annotation_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['creator_id'], ['users.id'], name=op.f('fk_annotations_creator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['derived_from'], ['annotations.id'], name=op.f('fk_annotations_derived_from_annotations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ruling_id'], ['rulings.id'], name=op.f('fk_annotations_ruling_id_rulings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_id'], ['ruling_texts.id'], name=op.f('fk_annotations_text_id_ruling_texts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotations'))
    )
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.create_index('ix_annotations_assignment', ['assignment_id', 'deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotations_ruling_id'), ['ruling_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotations_text_id'), ['text_id'], unique=False)

    op.create_table('document_answers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assignment_id', sa.Uuid(), nullable=False),
    sa.Column('question', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('modified', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['annotation_assignments.id'], name=op.f('fk_document_answers_assignment_id_annotation_assignments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_answers')),
    sa.UniqueConstraint('assignment_id', 'question', name='uq_document_answers_question')
    )


def downgrade() -> None:
    op.drop_table('document_answers')
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotations_text_id'))
        batch_op.drop_index(batch_op.f('ix_annotations_ruling_id'))
        batch_op.drop_index('ix_annotations_assignment')

    op.drop_table('annotations')
    with op.batch_alter_table('annotation_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_assignments_ruling_id'))
        batch_op.drop_index('ix_annotation_assignments_project_version')
        batch_op.drop_index(batch_op.f('ix_annotation_assignments_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_annotation_assignments_annotator_id'))

    op.drop_table('annotation_assignments')
    with op.batch_alter_table('annotation_scheme_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_scheme_versions_scheme_id'))

    op.drop_table('annotation_scheme_versions')
    with op.batch_alter_table('annotation_schemes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_schemes_municipality_id'))

    op.drop_table('annotation_schemes')
