"""catalog revision: one row counting changes to the products

Revision ID: 5b7e3c9d1f20
Revises: 5e8a1c3d7f20
Create Date: 2026-11-27 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e3c9d1f20'
down_revision = '5e8a1c3d7f20'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('catalog_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_revision'))
    )
    # The one row every process reads (storefront/checkout/snapshot.py).
    op.bulk_insert(table, [{'id': 1, 'revision': 0}])


def downgrade():
    op.drop_table('catalog_revision')
