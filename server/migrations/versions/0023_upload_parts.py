"""tus uploads that resume on any instance (issue 20, point 2): the bytes of an upload in progress move from
MEDIA_DIR/uploads/<id>.part on one instance's disk into the database, beside the upload's row (offset, length,
metadata, owner and device, expiry), which every instance already shared. docs/sync.md, section 4, says why rows
of at most 1 MiB rather than PostgreSQL large objects (bench/uploads.py, docs/performance.md).

An upload in progress when this runs keeps its row but not its bytes (they stay in the old files, which
`vigia tick` removes once they are older than SYNC_UPLOAD_EXPIRY_HOURS): its next chunk is answered 409 with
Upload-Offset: 0 and the phone sends the photo again from the first byte.

Revision ID: 0023_upload_parts
Revises: 0022_queue_scale
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023_upload_parts'
down_revision = '0022_queue_scale'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_upload_parts',
    sa.Column('upload_id', sa.Uuid(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['sync_uploads.id'], name=op.f('fk_sync_upload_parts_upload_id_sync_uploads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('upload_id', 'offset', name=op.f('pk_sync_upload_parts'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Photos do not compress: store the bytes out of line as they are, without trying (bench/uploads.py).
        op.execute("ALTER TABLE sync_upload_parts ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table('sync_upload_parts')
