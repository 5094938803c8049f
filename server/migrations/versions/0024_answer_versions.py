"""answer versions: one counter per table, raised in the same transaction as every write to that table, so that a
cached public answer can tell at once whether the data it was computed from has changed (server/answer_cache.py,
docs/architecture.md "The answer cache").

Revision ID: 0024_answer_versions
Revises: 0023_upload_parts
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0024_answer_versions'
down_revision = '0023_upload_parts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer_versions',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_answer_versions'))
    )


def downgrade() -> None:
    op.drop_table('answer_versions')
