"""receipt outbox on orders; admin session versions and disabled admins

Revision ID: 5b8e2c7d41a9
Revises: 09f77e696f1c
Create Date: 2026-11-27 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2c7d41a9'
down_revision = '09f77e696f1c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('receipt_tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('receipt_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('receipt_refused_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_receipt_due_at'), ['receipt_due_at'], unique=False)
    # Receipts claimed before the outbox existed but never sent are due now.
    op.execute("UPDATE orders SET receipt_due_at = fulfilled_at"
               " WHERE fulfilled_at IS NOT NULL AND receipt_sent_at IS NULL")

    with op.batch_alter_table('admin_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('admin_users', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('session_version')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_receipt_due_at'))
        batch_op.drop_column('receipt_refused_at')
        batch_op.drop_column('receipt_error')
        batch_op.drop_column('receipt_tries')
        batch_op.drop_column('receipt_due_at')
