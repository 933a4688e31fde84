"""`flask admin create | password | disable | enable`: admins, from the command line."""
import click
from flask.cli import AppGroup, ScriptInfo

from storefront.admin import accounts


def init_app(app):
    group = AppGroup("admin", help="Manage the people who run the shop.")

    @group.command("create")
    @click.option("--email", prompt=True, callback=_new_email,
                  help="The admin's email, used to log in; checked before the password is asked.")
    @click.password_option(help="Asked for twice when not given.")
    def create(email, password):
        """Create an admin who can log in to /admin."""
        try:
            admin = accounts.create_admin(email, password)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Created admin {admin.email}")

    @group.command("password")
    @click.option("--email", prompt=True, help="The admin whose password changes.")
    @click.password_option(help="Asked for twice when not given.")
    def password(email, password):
        """Set an admin's password; every session of that admin ends."""
        admin = _run(accounts.change_password, email, password)
        click.echo(f"New password set for {admin.email}; their sessions have ended")

    @group.command("disable")
    @click.option("--email", prompt=True)
    def disable(email):
        """Stop an admin from signing in; every session of that admin ends now."""
        admin = _run(accounts.disable, email)
        click.echo(f"Disabled {admin.email}; their sessions have ended")

    @group.command("enable")
    @click.option("--email", prompt=True)
    def enable(email):
        """Let a disabled admin sign in again."""
        admin = _run(accounts.enable, email)
        click.echo(f"Enabled {admin.email}")

    app.cli.add_command(group)


def _run(action, *args):
    try:
        return action(*args)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error


def _new_email(context, parameter, email):
    """Refuse an address that is not one, or is taken, before asking for a password twice.
    Options are read before the command's app context is pushed: this one pushes its own."""
    try:
        with context.ensure_object(ScriptInfo).load_app().app_context():
            return accounts.new_admin_email(email)
    except accounts.AccountError as error:
        raise click.BadParameter(str(error)) from error
