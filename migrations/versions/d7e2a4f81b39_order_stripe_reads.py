"""orders: when a page last asked Stripe about the order, and the link it learned

Revision ID: d7e2a4f81b39
Revises: c5a8e1f07d32
Create Date: 2026-12-06 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e2a4f81b39'
down_revision = 'c5a8e1f07d32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stripe_read_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stripe_link', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('stripe_link')
        batch_op.drop_column('stripe_read_at')
