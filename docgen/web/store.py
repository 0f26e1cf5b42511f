"""The project store: users, projects (one record each), every saved version, issued documents, uploads, settings.

SQLAlchemy 2 over any database URL (a SQLite file in the data folder by default, PostgreSQL on an agency
server); the schema is created and upgraded by the Alembic migrations shipped in `docgen/web/migrations`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import jsonpatch
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from docgen.web.records import plain

MIGRATIONS = Path(__file__).parent / "migrations"
_hasher = PasswordHasher()


class Role(StrEnum):
    """What a user may see: an enterprise user its own projects, agency staff every project."""

    ENTERPRISE = "enterprise"
    AGENCY = "agency"

    @property
    def label(self) -> str:
        """The role's Chinese name."""
        return {"enterprise": "申报单位", "agency": "经办机构"}[self.value]


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class User(Base):
    """A person who signs in; passwords are kept only as Argon2 hashes."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_agency(self) -> bool:
        """True for agency staff (who see every project and write agreements)."""
        return self.role == Role.AGENCY


class Project(Base):
    """One project: the current record (the same JSON the CLI reads) and its version number."""

    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(400))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    agreement_number: Mapped[str | None] = mapped_column(String(200), index=True)  # the record's, kept in step


class Version(Base):
    """A saved state of a project's record: when, who, and which fields changed (JSON Pointers)."""

    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    note: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[list[str]] = mapped_column(JSON)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


class Issued(Base):
    """A generated document handed out: its file name, hash, size and the record version it came from."""

    __tablename__ = "issued"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class Upload(Base):
    """A file uploaded to a project (the licence scan), stored under a name the store chose."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class Setting(Base):
    """A value kept once for the whole office, e.g. the agency's own details (甲方)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class Saved:
    """The outcome of a save: the version number and the pointers that changed (empty: nothing to save)."""

    version: int
    changes: list[str]


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def database_url(data_dir: Path) -> str:
    """The default database: a SQLite file in the data folder."""
    return f"sqlite:///{data_dir / 'docgen.sqlite3'}"


class Store:
    """All reads and writes of the web app's durable data."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(url, json_serializer=partial(json.dumps, ensure_ascii=False),
                                            json_deserializer=_loads)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Create or upgrade the tables to the newest migration."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # ---- users ------------------------------------------------------------------------------------------------
    def add_user(self, name: str, password: str, role: Role) -> User:
        """Create a user; the password is stored only as a hash."""
        with self._session() as session:
            user = User(name=name, password_hash=_hasher.hash(password), role=str(role))
            session.add(user)
            session.flush()
            return user

    def user_named(self, name: str) -> User | None:
        """The user with this name, or None."""
        with self._session() as session:
            return session.scalar(select(User).where(User.name == name))

    def user(self, user_id: int) -> User | None:
        """The user with this id, or None."""
        with self._session() as session:
            return session.get(User, user_id)

    def users(self) -> list[User]:
        """Every user, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(User).order_by(User.id)))

    def user_count(self) -> int:
        """How many users exist."""
        with self._session() as session:
            return session.scalar(select(func.count()).select_from(User)) or 0

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when name and password match and the account is enabled, else None.

        A wrong name costs the same work as a wrong password, against timing probes.
        """
        user = self.user_named(name)
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return user if user is not None and not user.disabled else None

    def set_password(self, user: User, password: str) -> None:
        """Replace a user's password (stored only as a hash)."""
        self._update(user, password_hash=_hasher.hash(password))

    def set_role(self, user: User, role: Role) -> None:
        """Change what a user may see."""
        self._update(user, role=str(role))

    def set_disabled(self, user: User, disabled: bool) -> None:
        """Stop (or allow again) a user signing in; their name stays in the history."""
        self._update(user, disabled=disabled)

    def _update(self, user: User, **values: Any) -> None:
        with self._session() as session:
            row = session.get(User, user.id)
            assert row is not None
            for key, value in values.items():
                setattr(row, key, value)

    def user_activity(self, user: User) -> int:
        """How many projects, versions and issued documents name this user (a user with any cannot be removed)."""
        with self._session() as session:
            return sum(session.scalar(select(func.count()).select_from(table).where(column == user.id)) or 0
                       for table, column in ((Project, Project.owner_id), (Version, Version.user_id),
                                             (Issued, Issued.user_id)))

    def remove_user(self, user: User) -> None:
        """Delete a user who never created or saved anything (`user_activity` is 0)."""
        with self._session() as session:
            session.execute(delete(User).where(User.id == user.id))

    # ---- projects ---------------------------------------------------------------------------------------------
    def create_project(self, owner: User, record: dict[str, Any], note: str) -> Project:
        """Store a new project with its record as version 1."""
        data = plain(record)
        with self._session() as session:
            project = Project(owner_id=owner.id, name=_project_name(data), record=data, version=1,
                              agreement_number=_agreement_number(data))
            session.add(project)
            session.flush()
            session.add(Version(project_id=project.id, number=1, user_id=owner.id, note=note,
                                changes=_changes({}, data), record=data))
            return project

    def projects(self, user: User) -> list[Project]:
        """The projects this user may see, newest first."""
        query = select(Project).order_by(Project.updated_at.desc(), Project.id.desc())
        if not user.is_agency:
            query = query.where(Project.owner_id == user.id)
        with self._session() as session:
            return list(session.scalars(query))

    def project(self, project_id: int, user: User) -> Project | None:
        """The project when it exists and this user may see it, else None."""
        with self._session() as session:
            project = session.get(Project, project_id)
        if project is None or not (user.is_agency or project.owner_id == user.id):
            return None
        return project

    def save(self, project: Project, user: User, record: dict[str, Any], note: str = "") -> Saved:
        """Store the record as a new version when it differs from the current one."""
        data = plain(record)
        with self._session() as session:
            current = session.get(Project, project.id, with_for_update=True)
            assert current is not None
            changes = _changes(plain(current.record), data)
            if not changes:
                return Saved(current.version, [])
            current.version += 1
            current.record = data
            current.name = _project_name(data)
            current.agreement_number = _agreement_number(data)
            current.updated_at = _now()
            session.add(Version(project_id=current.id, number=current.version, user_id=user.id, note=note,
                                changes=changes, record=data))
            return Saved(current.version, changes)

    def versions(self, project: Project) -> list[tuple[Version, str]]:
        """Every version of a project, newest first, with the name of who saved it."""
        query = (select(Version, User.name).join(User, User.id == Version.user_id)
                 .where(Version.project_id == project.id).order_by(Version.number.desc()))
        with self._session() as session:
            return [(version, name) for version, name in session.execute(query)]

    def version(self, project: Project, number: int) -> Version | None:
        """One version of a project."""
        query = select(Version).where(Version.project_id == project.id, Version.number == number)
        with self._session() as session:
            return session.scalar(query)

    # ---- issued documents and uploads --------------------------------------------------------------------------
    def issue(self, project: Project, user: User, version: int, kind: str, filename: str, data: bytes) -> Issued:
        """Record that a document was generated and handed out."""
        with self._session() as session:
            issued = Issued(project_id=project.id, version=version, kind=kind, filename=filename,
                            sha256=hashlib.sha256(data).hexdigest(), size=len(data), user_id=user.id)
            session.add(issued)
            return issued

    def issued(self, project: Project) -> list[Issued]:
        """Every document issued for a project, newest first."""
        query = select(Issued).where(Issued.project_id == project.id).order_by(Issued.id.desc())
        with self._session() as session:
            return list(session.scalars(query))

    def add_upload(self, project: Project, title: str, stored_name: str, media_type: str, data: bytes) -> Upload:
        """Record an uploaded file (already written under ``stored_name``)."""
        with self._session() as session:
            upload = Upload(project_id=project.id, title=title, stored_name=stored_name, media_type=media_type,
                            sha256=hashlib.sha256(data).hexdigest(), size=len(data))
            session.add(upload)
            return upload

    def uploads(self, project: Project) -> list[Upload]:
        """A project's uploaded files, oldest first."""
        query = select(Upload).where(Upload.project_id == project.id).order_by(Upload.id)
        with self._session() as session:
            return list(session.scalars(query))

    # ---- agreement numbers ------------------------------------------------------------------------------------
    def agreement_number_owner(self, number: str, exclude: int | None = None) -> Project | None:
        """The project (other than ``exclude``) whose agreement carries this 协议编号, or None."""
        with self._session() as session:
            return _number_owner(session, number, exclude)

    def next_agreement_number(self, make: Callable[[int], str], counter: str) -> str:
        """The next unused 协议编号 ``make(seq)`` gives, counting on from where ``counter`` stopped.

        The counter (e.g. one per year) lives in the settings; numbers typed in by hand are skipped over.
        """
        with self._session() as session:
            row = session.get(Setting, counter, with_for_update=True)  # PostgreSQL: one clerk at a time
            seq = (int(row.value) if row is not None else 0) + 1
            while _number_owner(session, make(seq), None) is not None:
                seq += 1
            session.merge(Setting(key=counter, value=seq))
        return make(seq)

    # ---- settings ---------------------------------------------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        """A stored setting, or ``default``."""
        with self._session() as session:
            row = session.get(Setting, key)
            return row.value if row is not None else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (replacing the old value)."""
        with self._session() as session:
            session.merge(Setting(key=key, value=plain(value)))


_DUMMY_HASH = _hasher.hash("docgen: no such user")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _number_owner(session: Session, number: str, exclude: int | None) -> Project | None:
    query = select(Project).where(Project.agreement_number == number[:200])
    if exclude is not None:
        query = query.where(Project.id != exclude)
    return session.scalars(query.limit(1)).first()


def _agreement_number(record: dict[str, Any]) -> str | None:
    agreement = record.get("agreement")
    number = agreement.get("number") if isinstance(agreement, dict) else None
    return number[:200] if isinstance(number, str) and number else None


def _project_name(record: dict[str, Any]) -> str:
    project = record.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    return str(name)[:400] if name else "（未命名项目）"


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The JSON Pointers a JSON Patch from ``old`` to ``new`` touches, in order, each once."""
    paths = [op["path"] for op in jsonpatch.make_patch(old, new).patch]
    return list(dict.fromkeys(paths))
