"""the card an order was paid with: its brand and last four digits, for the receipt

Revision ID: f3b8d61a2c47
Revises: f3b9d2a6c418
Create Date: 2026-12-06 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8d61a2c47'
down_revision = 'f3b9d2a6c418'
branch_labels = None
depends_on = None


def upgrade():
    # Orders paid before have none: their receipts name no card, as before.
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_brand', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('card_last4', sa.String(length=4), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('card_last4')
        batch_op.drop_column('card_brand')
