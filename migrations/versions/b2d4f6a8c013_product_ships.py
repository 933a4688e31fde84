"""whether a product is posted to the customer

Revision ID: b2d4f6a8c013
Revises: a1c3e5f7b902
Create Date: 2026-12-06 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c013'
down_revision = 'a1c3e5f7b902'
branch_labels = None
depends_on = None


def upgrade():
    # Until the catalog is loaded again, every product counts as nothing to post.
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ships', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('ships')
