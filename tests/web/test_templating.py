"""The shop's Jinja environment (storefront/web/templating.py): templates share its globals."""
import os

import pytest


def test_a_global_added_after_a_template_loaded_is_seen_by_it_and_by_what_it_imports(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "shop/fields.html" import error_lines %}{{ shop_phone }}'
            '{{ error_lines(["quantity"], {"quantity": "Choose a quantity from 1 to 50"}) }}')
        app.jinja_env.globals["shop_phone"] = "+1 555 0100"
        html = template.render()
    assert html.startswith("+1 555 0100")
    assert 'id="error-quantity"' in html and "Choose a quantity from 1 to 50" in html


def test_globals_of_a_template_s_own_are_refused_rather_than_given_to_every_template(app):
    with pytest.raises(TypeError, match="share the environment's globals"):
        app.jinja_env.get_template("shop/fields.html", globals={"leak": 1})
    assert "leak" not in app.jinja_env.globals


def test_an_edited_template_is_seen_while_templates_reload_and_kept_by_name_when_not(make_app, tmp_path):
    """make run reloads templates (a designer's edit shows at the next request); production
    looks each up once by name."""
    from jinja2 import FileSystemLoader

    page = tmp_path / "note.html"
    page.write_text("first")
    for reloading in (True, False):
        app = make_app()
        app.jinja_env.auto_reload = reloading
        app.jinja_env.loader = FileSystemLoader(str(tmp_path))
        assert app.jinja_env.get_template("note.html").render() == "first"
        page.write_text("second")
        # A file's time stamp has whole-second steps on some file systems: move it on.
        stat = page.stat()
        os.utime(page, (stat.st_atime, stat.st_mtime + 2))
        seen = app.jinja_env.get_template("note.html").render()
        assert seen == ("second" if reloading else "first")
        page.write_text("first")


def test_a_kept_macro_is_rendered_once_for_the_same_arguments_and_again_for_new_ones(app):
    """kept() (web/filters.py) keeps an imported macro's row by its arguments; a changed
    argument, or one that cannot be a key, renders it afresh."""
    from jinja2 import ChoiceLoader, DictLoader

    calls = []
    app.jinja_env.globals["count"] = lambda label: calls.append(label) or label
    app.jinja_env.loader = ChoiceLoader([DictLoader({"rows.html": (
        "{% macro row(label, amount) %}<tr><th>{{ count(label) }}</th>"
        "<td>{{ amount }}</td></tr>{% endmacro %}")}), app.jinja_env.loader])
    template = app.jinja_env.from_string(
        '{% from "rows.html" import row %}{{ kept(row, "Shipping", amount) }}')
    with app.app_context():
        first = [template.render(amount=amount) for amount in (500, 500, 700)]
        listed = [template.render(amount=[5]) for _ in range(2)]
    assert first == ["<tr><th>Shipping</th><td>500</td></tr>"] * 2 + [
        "<tr><th>Shipping</th><td>700</td></tr>"]
    assert listed == ["<tr><th>Shipping</th><td>[5]</td></tr>"] * 2
    assert calls == ["Shipping"] * 4  # 500 once, 700 once, the list each time
