"""where an order ships and what its shipping and tax cost

Revision ID: a1c3e5f7b902
Revises: f3b8d61a2c47
Create Date: 2026-12-06 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b902'
down_revision = 'f3b8d61a2c47'
branch_labels = None
depends_on = None


def upgrade():
    # Orders placed before shipped nothing and paid no tax: no address, zero amounts.
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('shipping_address', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('shipping_amount', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('shipping_rate', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('tax_amount', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('tax_behavior', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('tax_calculation_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('tax_transaction_id', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in ('tax_transaction_id', 'tax_calculation_id', 'tax_behavior', 'tax_amount',
                     'shipping_rate', 'shipping_amount', 'shipping_address', 'shipping_name'):
            batch_op.drop_column(name)
