"""products' Stripe tax codes, and the tax reversal of each refund

Revision ID: b7d2e9c4a613
Revises: a1c3e5f7b902
Create Date: 2026-12-06 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e9c4a613'
down_revision = 'b2d4f6a8c013'
branch_labels = None
depends_on = None


def upgrade():
    # A product loaded before names no code: a tangible good. Refunds before reversed no tax.
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_code', sa.String(length=40), nullable=True))
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_reversal_id', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('tax_reversal_id')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('tax_code')
