"""The shop's Jinja environment: Flask's, with imports between templates that cost next to nothing."""
from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    """Jinja gives every template a ChainMap of its own globals over the environment's, and every
    `{% from … import … %}` then compares that map's keys with the importing template's one by
    one, in Python: 90 of the 200 µs a price partial's render took (`python -m bench.profile`),
    on the request customers make most. The shop's templates have no globals of their own, so
    each shares the environment's dict: the same names, compared in C, and a change to the
    environment's globals still seen by every template."""

    def __init__(self, app, **options):
        super().__init__(app, **options)
        # By name, while templates are not reloaded (production): a price partial looks up about
        # ten, and each of Jinja's own look-ups builds a key (a weak reference) and asks its LRU
        # cache, which takes a lock and reorders a deque, in Python. The shop's templates are a
        # fixed few dozen.
        self.by_name = {}

    def make_globals(self, d):
        return super().make_globals(d) if d else self.globals

    # Jinja adds globals given here to a cached template's own: with the dict shared, they would
    # land in every template's. Nothing in the shop passes any; refuse rather than leak.
    def get_template(self, name, parent=None, globals=None):
        if globals:
            _refuse(globals)
        if self.auto_reload:
            return super().get_template(name, parent)
        template = self.by_name.get(name)
        if template is None:  # the shop's join_path is Jinja's: the parent changes no name
            template = super().get_template(name, parent)
            if isinstance(name, str):
                self.by_name[name] = template
        return template

    def select_template(self, names, parent=None, globals=None):
        if globals:
            _refuse(globals)
        return super().select_template(names, parent)


def _refuse(template_globals):
    raise TypeError(f"the shop's templates share the environment's globals: add "
                    f"{', '.join(template_globals)} to app.jinja_env.globals instead")
