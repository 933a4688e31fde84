"""The shop's Jinja environment: Flask's, with imports between templates that cost next to nothing."""
from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    """Jinja gives every template a ChainMap of its own globals over the environment's, and every
    `{% from … import … %}` then compares that map's keys with the importing template's one by
    one, in Python: 90 of the 200 µs a price partial's render took (`python -m bench.profile`),
    on the request customers make most. The shop's templates have no globals of their own, so
    each shares the environment's dict: the same names, compared in C, and a change to the
    environment's globals still seen by every template."""

    def make_globals(self, d):
        return super().make_globals(d) if d else self.globals

    # Jinja adds globals given here to a cached template's own: with the dict shared, they would
    # land in every template's. Nothing in the shop passes any; refuse rather than leak.
    def get_template(self, name, parent=None, globals=None):
        _refuse(globals)
        return super().get_template(name, parent)

    def select_template(self, names, parent=None, globals=None):
        _refuse(globals)
        return super().select_template(names, parent)


def _refuse(template_globals):
    if template_globals:
        raise TypeError("the shop's templates share the environment's globals: "
                        "add to app.jinja_env.globals instead")
