"""product checkout layout

Revision ID: 7c1e5d2a9b40
Revises: 3a3266b2945a
Create Date: 2026-11-26 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5d2a9b40'
down_revision = '3a3266b2945a'
branch_labels = None
depends_on = None


def upgrade():
    # NULL: the product uses the shop's default layout (the CHECKOUT_LAYOUT setting).
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('layout')
