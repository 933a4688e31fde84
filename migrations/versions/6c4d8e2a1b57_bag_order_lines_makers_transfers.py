"""orders have lines (a bag); makers paid by Stripe Connect transfers, and their reversals

Every existing order becomes one line: its product, selection and price.

Revision ID: 6c4d8e2a1b57
Revises: b4c7e2f19a60
Create Date: 2026-11-27 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c4d8e2a1b57'
down_revision = 'b4c7e2f19a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('makers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('commission_percent', sa.Integer(), nullable=False),
    sa.Column('stripe_account_id', sa.String(length=255), nullable=True),
    sa.Column('charges_enabled', sa.Boolean(), nullable=False),
    sa.Column('payouts_enabled', sa.Boolean(), nullable=False),
    sa.Column('details_submitted', sa.Boolean(), nullable=False),
    sa.Column('transfers_active', sa.Boolean(), nullable=False),
    sa.Column('requirements_due', sa.JSON(), nullable=False),
    sa.Column('status_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_makers')),
    sa.UniqueConstraint('slug', name=op.f('uq_makers_slug')),
    sa.UniqueConstraint('stripe_account_id', name=op.f('uq_makers_stripe_account_id'))
    )
    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('selection', sa.JSON(), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('subtotal', sa.Integer(), nullable=False),
    sa.Column('tip', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('maker_id', sa.Integer(), nullable=True),
    sa.Column('refunded', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['maker_id'], ['makers.id'], name=op.f('fk_order_lines_maker_id_makers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines')),
    sa.UniqueConstraint('order_id', 'position', name=op.f('uq_order_lines_order_id_position'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_maker_id'), ['maker_id'], unique=False)

    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('maker_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('commission', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('stripe_transfer_id', sa.String(length=255), nullable=True),
    sa.Column('amount_reversed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['maker_id'], ['makers.id'], name=op.f('fk_transfers_maker_id_makers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_transfers_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_transfers_idempotency_key')),
    sa.UniqueConstraint('order_id', 'maker_id', name=op.f('uq_transfers_order_id_maker_id')),
    sa.UniqueConstraint('stripe_transfer_id', name=op.f('uq_transfers_stripe_transfer_id'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfers_maker_id'), ['maker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_status'), ['status'], unique=False)

    op.create_table('transfer_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('stripe_reversal_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_transfer_reversals_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_transfer_reversals_transfer_id_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_reversals')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_transfer_reversals_idempotency_key')),
    sa.UniqueConstraint('order_line_id', name=op.f('uq_transfer_reversals_order_line_id'))
    )
    with op.batch_alter_table('transfer_reversals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_reversals_transfer_id'), ['transfer_id'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('maker_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_products_maker_id_makers'), 'makers', ['maker_id'], ['id'])

    # Each order so far bought one product: it becomes that order's one line (the shop's own).
    op.execute(
        "INSERT INTO order_lines (order_id, position, product_id, selection, lines, subtotal, tip,"
        " amount, maker_id, refunded)"
        " SELECT id, 0, product_id, selection, lines, subtotal, tip, total, NULL, amount_refunded"
        " FROM orders"
    )


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_products_maker_id_makers'), type_='foreignkey')
        batch_op.drop_column('maker_id')

    with op.batch_alter_table('transfer_reversals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_reversals_transfer_id'))

    op.drop_table('transfer_reversals')
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfers_status'))
        batch_op.drop_index(batch_op.f('ix_transfers_maker_id'))

    op.drop_table('transfers')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_maker_id'))

    op.drop_table('order_lines')
    op.drop_table('makers')
