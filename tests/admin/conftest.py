import pytest

from storefront.admin import accounts
from tests.admin.helpers import EMAIL, PASSWORD, log_in


@pytest.fixture
def admin(app):
    """An admin account; its id."""
    with app.app_context():
        return accounts.create_admin(EMAIL, PASSWORD).id


@pytest.fixture
def admin_client(client, admin):
    """A test client logged in to the admin."""
    assert log_in(client).status_code == 302
    return client
