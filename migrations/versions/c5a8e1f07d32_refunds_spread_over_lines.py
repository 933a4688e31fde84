"""refunds spread over the order's lines; a reversal per refund and line

Revision ID: c5a8e1f07d32
Revises: 8e3f1a6c2d94
Create Date: 2026-11-27 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a8e1f07d32'
down_revision = '8e3f1a6c2d94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_line_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lines_settled', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_refunds_order_line_id_order_lines'),
                                    'order_lines', ['order_line_id'], ['id'])
    # Refunds made before were settled as they were made (a line's, or none).
    op.execute("UPDATE refunds SET lines_settled = true")

    with op.batch_alter_table('transfer_reversals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_transfer_reversals_order_line_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_transfer_reversals_order_line_id'), ['order_line_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_reversals_refund_id'), ['refund_id'],
                              unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_transfer_reversals_refund_id_order_line_id'),
                                          ['refund_id', 'order_line_id'])
        batch_op.create_foreign_key(batch_op.f('fk_transfer_reversals_refund_id_refunds'),
                                    'refunds', ['refund_id'], ['id'])


def downgrade():
    with op.batch_alter_table('transfer_reversals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_transfer_reversals_refund_id_refunds'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_transfer_reversals_refund_id_order_line_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_transfer_reversals_refund_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_reversals_order_line_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_transfer_reversals_order_line_id'),
                                          ['order_line_id'])
        batch_op.drop_column('refund_id')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_refunds_order_line_id_order_lines'),
                                 type_='foreignkey')
        batch_op.drop_column('lines_settled')
        batch_op.drop_column('order_line_id')
