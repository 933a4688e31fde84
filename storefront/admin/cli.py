"""`flask admin create`: the first admin (and any other), from the command line."""
import click
from flask.cli import AppGroup

from . import accounts


def init_app(app):
    group = AppGroup("admin", help="Manage the people who run the shop.")

    @group.command("create")
    @click.option("--email", prompt=True, help="The admin's email, used to log in.")
    @click.password_option(help="Asked for twice when not given.")
    def create(email, password):
        """Create an admin who can log in to /admin."""
        try:
            admin = accounts.create_admin(email, password)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Created admin {admin.email}")

    app.cli.add_command(group)
