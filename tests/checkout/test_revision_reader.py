"""The catalog revision's reads (snapshot.RevisionReader): one connection kept per thread,
given back when its thread ends, the newest revision at every read."""
import threading

from sqlalchemy import create_engine, text

from storefront.checkout import snapshot
from storefront.models import CatalogRevision

TABLE = CatalogRevision.__tablename__


def test_a_thread_keeps_its_connection_and_a_finished_thread_lets_it_go(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, revision INTEGER)"))
        connection.execute(text(f"INSERT INTO {TABLE} VALUES (1, 7)"))
    reader = snapshot.RevisionReader(engine)
    assert [reader.read(), reader.read()] == [7, 7]
    [mine] = reader.kept
    seen = []
    for _ in range(20):  # a development server's thread per request
        thread = threading.Thread(target=lambda: seen.append(reader.read()))
        thread.start()
        thread.join()
    assert seen == [7] * 20
    assert list(reader.kept) == [mine]  # the ended threads' connections are gone
    with engine.begin() as connection:  # an admin's change, committed elsewhere
        connection.execute(text(f"UPDATE {TABLE} SET revision = 8 WHERE id = 1"))
    assert reader.read() == 8
    assert list(reader.kept) == [mine]
    reader.close()
    engine.dispose()
