"""sync clock: SQLite's transaction numbers for the change log, so that a pull's index range starts at its cursor
(docs/sync.md, "No change is ever skipped"). Rows already logged keep txid 0 and come before every later one, so a
cursor given before this revision goes on where it was. Created on PostgreSQL too (one schema), where it stays
unused: PostgreSQL numbers its own transactions.

Revision ID: 0021_sync_clock
Revises: 0020_queue
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021_sync_clock'
down_revision = '0020_queue'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('txid', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_clock'))
    )


def downgrade() -> None:
    # The code before this revision logs txid 0 on SQLite: number every row 0 again so its new rows still sort
    # after the old ones (by seq). A cursor given after the upgrade points past txid 0: that phone pulls nothing
    # new until it starts over (reinstalls the app), so do not downgrade a SQLite database phones sync with.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('UPDATE sync_changes SET txid = 0')
        op.execute('UPDATE sync_horizon SET txid = 0')
    op.drop_table('sync_clock')
