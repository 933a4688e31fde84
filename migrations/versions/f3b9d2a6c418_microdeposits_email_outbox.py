"""the "verify your bank account" email in the orders' outbox, with the microdeposits' arrival

Revision ID: f3b9d2a6c418
Revises: e7a2c4b9d105
Create Date: 2026-12-06 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b9d2a6c418'
down_revision = 'e7a2c4b9d105'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verify_email_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('verify_email_tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('verify_email_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('verify_email_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('verify_email_refused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('microdeposits_arrive_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_verify_email_due_at'), ['verify_email_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_verify_email_due_at'))
        batch_op.drop_column('microdeposits_arrive_at')
        batch_op.drop_column('verify_email_refused_at')
        batch_op.drop_column('verify_email_sent_at')
        batch_op.drop_column('verify_email_error')
        batch_op.drop_column('verify_email_tries')
        batch_op.drop_column('verify_email_due_at')
