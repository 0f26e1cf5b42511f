import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from docgen.web.store import Role, Store
from tests.conftest import FIXTURES


@pytest.fixture
def store(tmp_path):
    opened = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    opened.migrate()
    yield opened
    opened.close()


def _exercise(store: Store) -> None:
    """Versions, roles and issued documents, the same on every database."""
    owner = store.add_user("企业甲", "password-1", Role.ENTERPRISE)
    other = store.add_user("企业乙", "password-2", Role.ENTERPRISE)
    clerk = store.add_user("经办员", "password-3", Role.AGENCY)
    assert store.authenticate("企业甲", "password-1").id == owner.id
    assert store.authenticate("企业甲", "wrong") is None and store.authenticate("无此人", "password-1") is None
    assert "password-1" not in store.user(owner.id).password_hash

    record = json.loads((FIXTURES / "record.json").read_text(encoding="utf-8"))
    project = store.create_project(owner, record, "导入")
    edited = json.loads(json.dumps(record))
    edited["budget"]["items"][0]["amount"] = "1.01"
    edited["finance"]["ratio_note"] = 0.45  # any decimal that is not money
    saved = store.save(project, clerk, edited, "改预算")
    assert saved.version == 2
    assert sorted(saved.changes) == ["/budget/items/0/amount", "/finance/ratio_note"]
    assert store.save(project, clerk, edited).changes == []  # nothing changed: no new version

    current = store.project(project.id, owner)
    assert current.version == 2 and current.record["budget"]["items"][0]["amount"] == "1.01"
    assert str(current.record["finance"]["ratio_note"]) == "0.45"  # read back exactly (a Decimal)
    assert [(v.number, name) for v, name in store.versions(current)] == [(2, "经办员"), (1, "企业甲")]
    assert store.version(current, 1).record["budget"]["items"][0]["amount"] == record["budget"]["items"][0]["amount"]

    assert store.project(project.id, other) is None and store.projects(other) == []
    assert [p.id for p in store.projects(clerk)] == [project.id]

    store.issue(current, clerk, 2, "packet", "packet.pdf", b"%PDF-1.7 test")
    (issued,) = store.issued(current)
    assert (issued.version, issued.size, issued.filename) == (2, 13, "packet.pdf")
    assert issued.sha256 == __import__("hashlib").sha256(b"%PDF-1.7 test").hexdigest()
    store.set_setting("agency", {"place": "鄂尔多斯"})
    assert store.setting("agency") == {"place": "鄂尔多斯"}
    edited["agreement"] = {"number": "2027-001"}
    store.save(current, clerk, edited, "生成服务协议")
    assert store.next_agreement_number("2027-{:03d}".format, "agreement_seq/2027") == "2027-002"
    assert store.agreement_number_owner("2027-001").id == project.id
    store.set_disabled(other, True)
    assert store.authenticate("企业乙", "password-2") is None


def test_sqlite_store_keeps_versions_roles_and_issued_documents(store):
    _exercise(store)


def test_migrations_are_idempotent_and_create_every_table(store):
    store.migrate()
    from sqlalchemy import inspect

    assert {"users", "projects", "versions", "issued", "uploads", "settings", "alembic_version"} <= set(
        inspect(store.engine).get_table_names())


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@pytest.fixture
def postgres():
    """A throw-away PostgreSQL cluster on a Unix socket, run as the postgres user (it refuses root)."""
    bindir = _pg_bin()
    if bindir is None or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    pytest.importorskip("psycopg")
    root = Path(tempfile.mkdtemp(prefix="docgen-pg-"))  # under /tmp: pytest's own folders are closed to postgres
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    data = root / "data"
    subprocess.run([*as_postgres, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "docgen",
                    "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "20", "-l", str(root / "log"),
                    "-o", f"-k {root} -c listen_addresses='' -c fsync=off", "start"], check=True, capture_output=True)
    assert time.monotonic() - started < 20
    try:
        yield f"postgresql+psycopg://docgen@/postgres?host={root}"
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_store_behaves_like_sqlite(postgres):
    store = Store(postgres)
    store.migrate()
    try:
        _exercise(store)
    finally:
        store.close()


def test_agreement_numbers_count_on_and_skip_numbers_in_use(store):
    clerk = store.add_user("经办员", "password-3", Role.AGENCY)
    store.create_project(clerk, {"project": {"name": "手填编号"}, "agreement": {"number": "2027-002"}}, "导入")
    make = "2027-{:03d}".format
    assert [store.next_agreement_number(make, "agreement_seq/2027") for _ in range(3)] == [
        "2027-001", "2027-003", "2027-004"]
    assert store.agreement_number_owner("2027-002").name == "手填编号"
    assert store.agreement_number_owner("2027-002", exclude=1) is None and store.agreement_number_owner("2027-001") is None


def test_users_change_password_and_role_and_are_disabled_or_removed(store):
    user = store.add_user("企业甲", "password-1", Role.ENTERPRISE)
    store.set_password(user, "new password")
    assert store.authenticate("企业甲", "password-1") is None and store.authenticate("企业甲", "new password")
    store.set_role(user, Role.AGENCY)
    assert store.user(user.id).is_agency
    store.set_disabled(user, True)
    assert store.authenticate("企业甲", "new password") is None and store.user(user.id).disabled
    store.set_disabled(user, False)
    assert store.authenticate("企业甲", "new password").id == user.id
    assert store.user_activity(user) == 0
    store.create_project(user, {}, "新建")
    assert store.user_activity(user) == 2  # the project and its first version
    idle = store.add_user("企业乙", "password-2", Role.ENTERPRISE)
    store.remove_user(idle)
    assert store.user_named("企业乙") is None


def test_migration_0003_fills_the_agreement_number_of_stored_projects(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from docgen.web.store import MIGRATIONS

    store = Store(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(text("INSERT INTO users (id, name, password_hash, role, created_at, disabled) "
                                "VALUES (1, '经办员', 'x', 'agency', '2027-01-01', 0)"))
        connection.execute(text("INSERT INTO projects (owner_id, name, record, version, created_at, updated_at) "
                                "VALUES (1, '旧项目', :record, 1, '2027-01-01', '2027-01-01')"),
                           {"record": json.dumps({"agreement": {"number": "旧-001"}}, ensure_ascii=False)})
    store.migrate()
    assert store.agreement_number_owner("旧-001").name == "旧项目"
    store.close()
