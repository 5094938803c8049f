"""open311: which client application filed a complaint through Open311, and the media URL it sent

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('open311_submissions',
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('client_device_id', sa.Uuid(), nullable=True),
    sa.Column('media_url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_device_id'], ['devices.id'], name=op.f('fk_open311_submissions_client_device_id_devices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_open311_submissions_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_open311_submissions'))
    )
    op.create_index(op.f('ix_open311_submissions_client_device_id'), 'open311_submissions', ['client_device_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_open311_submissions_client_device_id'), table_name='open311_submissions')
    op.drop_table('open311_submissions')
