"""usernames are case-insensitive: store them in lower case

Instagram usernames ignore case, so `A.Shop` and `a.shop` are one account; the controller
now lower-cases them on the way in and here lower-cases what is stored. Names that would
collide once lower-cased (two accounts only differing in case) are left alone for ops to
resolve.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 22:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE account SET username = lower(username) "
        "WHERE username <> lower(username) AND ("
        "SELECT count(*) FROM account other WHERE lower(other.username) = lower(account.username)"
        ") = 1"
    )


def downgrade() -> None:
    pass  # the original case is not kept; lower case is a valid username either way
