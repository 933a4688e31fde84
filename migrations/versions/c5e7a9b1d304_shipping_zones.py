"""the catalog's shipping zones, beside its revision

Revision ID: c5e7a9b1d304
Revises: b2d4f6a8c013
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d304'
down_revision = 'b4d6f8a1c203'
branch_labels = None
depends_on = None


def upgrade():
    # Until the catalog is loaded again there are no zones: nothing can be paid for that ships.
    with op.batch_alter_table('catalog_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_zones', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('catalog_revision', schema=None) as batch_op:
        batch_op.drop_column('shipping_zones')
