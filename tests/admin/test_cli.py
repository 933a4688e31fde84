"""`flask admin create`: with options for scripts, or prompting for the password."""
from storefront.admin import accounts
from storefront.models import AdminUser
from storefront.web.extensions import db


def test_create_with_options(app):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "--email", "Boss@Example.com", "--password", "a long enough secret"])
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    with app.app_context():
        assert accounts.authenticate("boss@example.com", "a long enough secret")


def test_create_prompts_for_the_password_twice(app):
    result = app.test_cli_runner().invoke(
        args=["admin", "create"],
        input="boss@example.com\na long enough secret\na long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output  # not echoed
    with app.app_context():
        [admin] = db.session.scalars(db.select(AdminUser)).all()
        assert admin.email == "boss@example.com"


def test_create_refuses_a_weak_password_or_a_second_account(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["admin", "create", "--email", "a@example.com", "--password", "short"])
    assert weak.exit_code != 0 and "at least 12 characters" in weak.output
    args = ["admin", "create", "--email", "a@example.com", "--password", "a long enough secret"]
    assert runner.invoke(args=args).exit_code == 0
    twice = runner.invoke(args=args)
    assert twice.exit_code != 0 and "already an admin" in twice.output


def test_create_checks_the_email_before_asking_for_a_password(app):
    runner = app.test_cli_runner()
    args = ["admin", "create", "--email", "a@example.com", "--password", "a long enough secret"]
    assert runner.invoke(args=args).exit_code == 0
    # A taken address, then one that is none: each refused at once, no password asked for.
    taken = runner.invoke(args=["admin", "create"], input="a@example.com\n")
    assert taken.exit_code != 0 and "already an admin" in taken.output
    assert "Password" not in taken.output
    typo = runner.invoke(args=["admin", "create", "--email", "not-an-address"])
    assert typo.exit_code != 0 and "Not an email address" in typo.output
    assert "Password" not in typo.output
