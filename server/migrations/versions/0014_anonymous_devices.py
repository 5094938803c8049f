"""anonymous devices (docs/sync.md, "Anonymous devices"): an account that belongs to one phone enrolled without
anyone signing in, holding nothing about its owner. Every existing account is a person's.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('is_anonymous_device', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade() -> None:
    # The complaints those phones filed stay anonymous, as before this revision: no account attached. The
    # phones' accounts stay too (no password, no roles: nobody can sign in with them).
    op.execute(sa.text("UPDATE complaints SET reporter_id = NULL WHERE anonymous = :yes AND reporter_id IN "
                       "(SELECT id FROM users WHERE is_anonymous_device = :yes)").bindparams(yes=True))
    op.drop_column('users', 'is_anonymous_device')
