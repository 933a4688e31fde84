"""customers' accounts and their sign-in links; an order's account

Revision ID: b4d6f8a1c203
Revises: c5e8a1d3f720
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d6f8a1c203'
down_revision = 'c5e8a1d3f720'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_sign_in_at', sa.DateTime(), nullable=True),
        sa.Column('session_version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('stripe_customer_id', sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
        sa.UniqueConstraint('email', name=op.f('uq_accounts_email')),
        sa.UniqueConstraint('public_id', name=op.f('uq_accounts_public_id')),
        sa.UniqueConstraint('stripe_customer_id', name=op.f('uq_accounts_stripe_customer_id')),
    )
    op.create_table(
        'sign_in_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('email_due_at', sa.DateTime(), nullable=True),
        sa.Column('email_tries', sa.Integer(), server_default='0', nullable=False),
        sa.Column('email_error', sa.Text(), nullable=True),
        sa.Column('email_sent_at', sa.DateTime(), nullable=True),
        sa.Column('email_refused_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_links')),
        sa.UniqueConstraint('key', name=op.f('uq_sign_in_links_key')),
    )
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_links_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_links_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_links_email_due_at'), ['email_due_at'], unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_account_id'), ['account_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_account_id_accounts'), 'accounts',
                                    ['account_id'], ['id'])
    _keep_email_index()


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_orders_account_id_accounts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_account_id'))
        batch_op.drop_column('account_id')
    _keep_email_index()
    op.drop_table('sign_in_links')
    op.drop_table('accounts')


def _keep_email_index():
    # SQLite's batch mode copies the table into a new one, and the expression index of
    # 09f77e696f1c (which it cannot reflect) is lost on the way: make it again (as b4c7e2f19a60).
    op.execute('CREATE INDEX IF NOT EXISTS ix_orders_email_lower ON orders (lower(email))')
