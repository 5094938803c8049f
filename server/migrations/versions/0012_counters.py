"""counters that the database adds to: complaint folios per municipality and year (seeded here from the folios
already given, so numbering goes on where it was), and the rate-limit windows of the anonymous follow-up.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counters = op.create_table('complaint_folio_counters',
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_complaint_folio_counters_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('municipality_id', 'year', name=op.f('pk_complaint_folio_counters'))
    )
    op.create_table('rate_limits',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('until', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'until', name=op.f('pk_rate_limits'))
    )
    # Folios read "<municipality code>-<year>-<number>": the highest number of each municipality and year.
    complaints = sa.table('complaints', sa.column('municipality_id', sa.Uuid()), sa.column('folio', sa.String()))
    highest: dict[tuple, int] = {}
    for municipality_id, folio in op.get_bind().execute(sa.select(complaints.c.municipality_id, complaints.c.folio)):
        _code, year, number = folio.rsplit('-', 2)
        key = (municipality_id, int(year))
        highest[key] = max(highest.get(key, 0), int(number))
    if highest:
        op.bulk_insert(counters, [{'municipality_id': municipality_id, 'year': year, 'last_number': number}
                                  for (municipality_id, year), number in sorted(highest.items(), key=str)])


def downgrade() -> None:
    op.drop_table('rate_limits')
    op.drop_table('complaint_folio_counters')
