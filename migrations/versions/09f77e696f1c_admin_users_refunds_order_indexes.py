"""admin: users, refunds, and the indexes of the order list

Revision ID: 09f77e696f1c
Revises: 9d2f4b1c6e35
Create Date: 2026-11-26 16:00:24.945525

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '09f77e696f1c'
down_revision = '9d2f4b1c6e35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_users')),
    sa.UniqueConstraint('email', name=op.f('uq_admin_users_email'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stripe_refund_id', sa.String(length=255), nullable=True),
    sa.Column('charge_id', sa.String(length=255), nullable=True),
    sa.Column('charge_refunded_after', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('admin_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admin_users.id'], name=op.f('fk_refunds_admin_id_admin_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_refunds_idempotency_key')),
    sa.UniqueConstraint('order_id', 'request_id', name=op.f('uq_refunds_order_id_request_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        # (status, created_at, id) serves every lookup by status that the old index did.
        batch_op.drop_index(batch_op.f('ix_orders_status'))
        batch_op.create_index('ix_orders_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_status_created_at_id', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_product_id_created_at_id', ['product_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_paid_at'), ['paid_at'], unique=False)
    # An expression index, which autogenerate can neither write nor compare on SQLite.
    op.create_index('ix_orders_email_lower', 'orders', [sa.text('lower(email)')], unique=False)


def downgrade():
    op.drop_index('ix_orders_email_lower', table_name='orders')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_paid_at'))
        batch_op.drop_index('ix_orders_product_id_created_at_id')
        batch_op.drop_index('ix_orders_status_created_at_id')
        batch_op.drop_index('ix_orders_created_at_id')
        batch_op.create_index(batch_op.f('ix_orders_status'), ['status'], unique=False)

    op.drop_table('refunds')
    op.drop_table('admin_users')
