"""Extension objects, bound to an app in create_app()."""
from flask_htmx import HTMX
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
# Batch mode lets Alembic alter tables on SQLite too.
migrate = Migrate(render_as_batch=True)
htmx = HTMX()
