"""Extension objects, bound to an app in create_app()."""
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from storefront.web.encodings import Compress


class Base(DeclarativeBase):
    # Named constraints, so migrations can alter them on every database.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
# Batch mode lets Alembic alter tables on SQLite too.
migrate = Migrate(render_as_batch=True)
htmx = HTMX()
# Compresses pages, partials, JSON and static files (zstd, brotli or gzip, as the client asks,
# q-values honoured: encodings.py).
compress = Compress()
# Admins signing in to /admin (storefront/admin/).
login_manager = LoginManager()
