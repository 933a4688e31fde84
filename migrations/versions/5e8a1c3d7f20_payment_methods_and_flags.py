"""payment attempts know their method and PaymentIntent; orders can be flagged for a look;
refunds keep Stripe's status (bank refunds are pending for days)

Revision ID: 5e8a1c3d7f20
Revises: 5b8e2c7d41a9
Create Date: 2026-11-27 15:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e8a1c3d7f20'
down_revision = '5b8e2c7d41a9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=30), nullable=False, server_default='card'))
        batch_op.add_column(sa.Column('payment_intent_id', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_payment_attempts_payment_intent_id'), ['payment_intent_id'], unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_look', sa.Text(), nullable=True))
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stripe_status', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_refunds_stripe_refund_id'), ['stripe_refund_id'], unique=False)
    # Attempts made before: each confirmed its order's intent.
    op.execute("UPDATE payment_attempts SET payment_intent_id = (SELECT payment_intent_id FROM "
               "orders WHERE orders.id = payment_attempts.order_id) WHERE outcome IS NOT NULL")


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_stripe_refund_id'))
        batch_op.drop_column('stripe_status')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('needs_look')
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_attempts_payment_intent_id'))
        batch_op.drop_column('payment_intent_id')
        batch_op.drop_column('method')
