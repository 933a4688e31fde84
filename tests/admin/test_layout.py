"""templates/admin/layout.html: the merchant's own header, and tables that read on a phone."""
import re

from tests.admin.helpers import add_order


def header(html):
    return re.search(r"<header.*?</header>", html, re.S).group(0)


def test_the_admin_has_its_own_header_and_the_shop_keeps_its_bag(app, client, admin_client):
    with app.app_context():
        order_id = add_order(status="paid").id
    for url in ("/admin/orders", f"/admin/orders/{order_id}", "/admin/sales", "/admin/makers"):
        page = admin_client.get(url).get_data(as_text=True)
        top = header(page)
        assert "Your bag" not in page and "/bag" not in top, url
        assert 'class="admin-header"' in top and ">Admin</span>" in top and "Maple &amp; Ink" in top
        nav = re.search(r'<nav class="admin-nav" aria-label="Admin">(.*?)</nav>', top, re.S).group(1)
        assert re.findall(r">(\w+)</a>", nav) == ["Orders", "Sales", "Makers"]
        assert "Log out" in top
    assert "Your bag" not in header(client.get("/admin/login").get_data(as_text=True))
    shop = header(client.get("/").get_data(as_text=True))
    assert "Your bag" in shop and "admin" not in shop.lower()


def test_every_cell_of_a_table_that_stacks_on_a_phone_is_labelled(app, admin_client):
    """.table-cards turns each row into a card on a narrow screen, each cell labelled by its
    data-label (admin.css): a cell without one would lose its column's name."""
    with app.app_context():
        order_id = add_order(status="paid").id
    for url in ("/admin/orders", f"/admin/orders/{order_id}", "/admin/makers", "/admin/makers/harbour-press"):
        page = admin_client.get(url).get_data(as_text=True)
        tables = re.findall(r'<table class="[^"]*table-cards.*?</table>', page, re.S)
        assert tables, url
        for table in tables:
            columns = len(re.findall(r'<th scope="col"', table))
            for row in re.findall(r"<tbody>.*?</tbody>", table, re.S):
                for cell in re.findall(r"<td[^>]*>", row):
                    assert "data-label=" in cell or f'colspan="{columns}"' in cell, (url, cell)
