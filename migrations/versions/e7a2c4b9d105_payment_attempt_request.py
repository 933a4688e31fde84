"""the request each payment attempt sent to Stripe

Revision ID: e7a2c4b9d105
Revises: d7e4a2c19b85
Create Date: 2026-12-06 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a2c4b9d105'
down_revision = 'd7e4a2c19b85'
branch_labels = None
depends_on = None


def upgrade():
    # Attempts recorded before have none: theirs is built again from the order, as it was.
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('payment_attempts', schema=None) as batch_op:
        batch_op.drop_column('request')
