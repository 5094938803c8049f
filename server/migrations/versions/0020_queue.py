"""the comptroller's queue: a complaint's description folded for search (lower case, no accents, the same on both
databases) and an index for the queue's default order (a municipality's complaints by due date).
docs/complaints.md, "The queue".

Revision ID: 0020_queue
Revises: 0018_notebooks
Create Date: 2026-12-07
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0020_queue'
down_revision = '0018_notebooks'
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # the same as server.works.service.fold, written out: a migration must not change when the code does
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def upgrade() -> None:
    # plain ALTER TABLE on both databases: a batch would copy the table, which SpatiaLite refuses for this one
    op.add_column('complaints', sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    op.create_index('ix_complaints_queue_due', 'complaints', ['municipality_id', 'due_on', 'id'], unique=False)
    connection = op.get_bind()
    complaints = sa.table('complaints', sa.column('id', sa.Uuid()), sa.column('description', sa.Text()),
                          sa.column('search_text', sa.Text()))
    rows = connection.execute(sa.select(complaints.c.id, complaints.c.description)).all()
    update = complaints.update().where(complaints.c.id == sa.bindparam('key')).values(
        search_text=sa.bindparam('folded'))
    for start in range(0, len(rows), 1000):
        batch = [{'key': row.id, 'folded': _fold(row.description or '')} for row in rows[start:start + 1000]]
        connection.execute(update, batch)


def downgrade() -> None:
    op.drop_index('ix_complaints_queue_due', table_name='complaints')
    op.drop_column('complaints', 'search_text')
