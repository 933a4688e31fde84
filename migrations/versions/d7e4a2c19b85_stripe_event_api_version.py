"""stripe events: the API version of an event not acted on

Revision ID: d7e4a2c19b85
Revises: d7e2a4f81b39
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e4a2c19b85'
down_revision = 'd7e2a4f81b39'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ignored_api_version', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.drop_column('ignored_api_version')
