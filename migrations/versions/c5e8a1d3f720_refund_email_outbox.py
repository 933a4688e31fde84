"""the customer's email about each refund, in the outbox (one per Refund row)

Revision ID: c5e8a1d3f720
Revises: a1c3e5f7b902
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e8a1d3f720'
down_revision = 'c8e1f4a2d736'
branch_labels = None
depends_on = None


def upgrade():
    # Refunds made before this sent no email and queue none now: nothing is due.
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('email_tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('email_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('email_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('email_refused_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_refunds_email_due_at'), ['email_due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_email_due_at'))
        batch_op.drop_column('email_refused_at')
        batch_op.drop_column('email_sent_at')
        batch_op.drop_column('email_error')
        batch_op.drop_column('email_tries')
        batch_op.drop_column('email_due_at')
