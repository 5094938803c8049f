"""the camera original's SHA-256 of a photo a phone downscaled before sending it (docs/sync.md, section 4): declared
with the attachment, kept on the photo as evidence for staff. Photos already stored were sent as they were.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('sync_attachments', sa.Column('original_sha256', sa.String(length=64), nullable=True))
    op.add_column('photos', sa.Column('original_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('photos', 'original_sha256')
    op.drop_column('sync_attachments', 'original_sha256')
