"""the comptroller's queue at a national scale (issue 19, bench/scale.py): the open complaints by due date, and a
municipality's complaints by date received.

At a million complaints most of a municipality's complaints are closed, and closed complaints keep their due
dates in the past forever: the queue's default order (overdue first) read them all through
`ix_complaints_queue_due` before reaching the first open one, or sorted every open complaint at each page. An
index of the open complaints alone (partial: `state IN (…open…) AND deleted_at IS NULL`, the same list, in the
same order, that server/complaints/queue.py writes into its SQL) gives each page its own rows, and its total from
the index alone. The counts per state read every live complaint's (municipality, state) from an index of its own
instead of visiting each row for `deleted_at`. The newest-first order had no index at all (each page sorted the
municipality's complaints).

Revision ID: 0022_queue_scale
Revises: 0021_sync_clock
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022_queue_scale'
down_revision = '0021_sync_clock'
branch_labels = None
depends_on = None

# Written out (a migration must not change when the code does): server.complaints.models.OPEN_LIVE_SQL.
OPEN = ("state IN ('admitted', 'extended', 'needs_clarification', 'received', 'reopened', "
        "'under_investigation') AND deleted_at IS NULL")
LIVE = "deleted_at IS NULL"


def upgrade() -> None:
    op.create_index('ix_complaints_open_due', 'complaints', ['municipality_id', 'due_on', 'id'], unique=False,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index('ix_complaints_live_state', 'complaints', ['municipality_id', 'state'], unique=False,
                    postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
    op.create_index('ix_complaints_received', 'complaints', ['municipality_id', 'received_on', 'created_at', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_complaints_received', table_name='complaints')
    op.drop_index('ix_complaints_live_state', table_name='complaints')
    op.drop_index('ix_complaints_open_due', table_name='complaints')
