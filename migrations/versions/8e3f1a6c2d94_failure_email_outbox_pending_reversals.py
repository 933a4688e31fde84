"""the payment-failed email in the orders' outbox; transfer reversals retried until made

Revision ID: 8e3f1a6c2d94
Revises: 6c4d8e2a1b57
Create Date: 2026-11-27 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e3f1a6c2d94'
down_revision = '6c4d8e2a1b57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure_email_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failure_email_tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('failure_email_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('failure_email_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failure_email_refused_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_failure_email_due_at'), ['failure_email_due_at'], unique=False)

    with op.batch_alter_table('transfer_reversals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reversed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_transfer_reversals_status'), ['status'], unique=False)
    # Made at Stripe: reversed. Recorded while the transfer still waited (which made the transfer
    # smaller instead): nothing to take back. The rest failed at Stripe and stay pending.
    op.execute("UPDATE transfer_reversals SET status = 'reversed', reversed_at = created_at"
               " WHERE stripe_reversal_id IS NOT NULL")
    op.execute("UPDATE transfer_reversals SET status = 'deducted'"
               " WHERE stripe_reversal_id IS NULL AND EXISTS (SELECT 1 FROM transfers"
               " WHERE transfers.id = transfer_reversals.transfer_id AND (transfers.status = 'waiting'"
               " OR transfers.made_at > transfer_reversals.created_at))")


def downgrade():
    with op.batch_alter_table('transfer_reversals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_reversals_status'))
        batch_op.drop_column('reversed_at')
        batch_op.drop_column('error')
        batch_op.drop_column('tries')
        batch_op.drop_column('status')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_failure_email_due_at'))
        batch_op.drop_column('failure_email_refused_at')
        batch_op.drop_column('failure_email_sent_at')
        batch_op.drop_column('failure_email_error')
        batch_op.drop_column('failure_email_tries')
        batch_op.drop_column('failure_email_due_at')
