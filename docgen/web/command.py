"""`docgen serve` and `docgen users`: start the web app over a data folder, manage its accounts."""

from __future__ import annotations

import ipaddress
import os
import secrets
import webbrowser
from pathlib import Path

import click

from docgen.errors import UsageError

DEFAULT_DATA = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "docgen"
_data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
                            default=lambda: os.environ.get("DOCGEN_DATA", str(DEFAULT_DATA)), show_default=True,
                            help="数据目录：数据库、上传的附件和会话密钥都在这里（环境变量 DOCGEN_DATA）")
_db_option = click.option("--db", "db_url", metavar="URL", envvar="DOCGEN_DATABASE_URL",
                          help="数据库连接，如 postgresql+psycopg://用户@主机/库名；默认为数据目录中的 SQLite 文件")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_store(data_dir: Path, db_url: str | None):  # type: ignore[no-untyped-def]
    """The store of a data folder, migrated to the newest schema."""
    from docgen.web.store import Store, database_url

    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建数据目录 {data_dir}：{exc.strerror}") from exc
    store = Store(db_url or database_url(data_dir))
    store.migrate()
    return store


def _secret(data_dir: Path) -> str:
    """The session-signing key, made once per data folder and readable only by its owner."""
    path = data_dir / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@click.command("serve")
@_data_option
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；非本机地址（如 0.0.0.0）须先用 docgen users add 创建用户")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="端口")
@click.option("--open", "open_browser", is_flag=True, help="启动后在浏览器中打开")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="工作进程数；多人同时使用时可设为 CPU 核数")
def serve_command(data_dir: Path, db_url: str | None, host: str, port: int, open_browser: bool,
                  workers: int) -> None:
    """启动网页版：在浏览器中填写项目、实时检查、预览和下载文书。"""
    import uvicorn

    store = open_store(data_dir, db_url)  # migrations run once here, before any worker starts
    loopback = is_loopback(host)
    if not loopback and store.user_count() == 0:
        raise UsageError(f"在非本机地址 {host} 上提供服务前须先创建用户（docgen users add 用户名 --role agency "
                         f"--data {data_dir}）；本机使用请省略 --host")
    store.close()
    _secret(data_dir)
    # Each worker process builds its app from these (uvicorn imports the factory by name in every worker).
    os.environ.update({_ENV_DATA: str(data_dir.resolve()), _ENV_DB: db_url or "", _ENV_LOOPBACK: str(int(loopback))})
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"docgen 网页版：{url}（数据目录 {data_dir}；按 Ctrl+C 停止）")
    if open_browser:
        webbrowser.open(url)
    uvicorn.run("docgen.web.command:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="warning", server_header=False)


_ENV_DATA, _ENV_DB, _ENV_LOOPBACK = "DOCGEN_SERVE_DATA", "DOCGEN_SERVE_DB", "DOCGEN_SERVE_LOOPBACK"


def app_from_environment():  # type: ignore[no-untyped-def]
    """The app of the data folder `serve` named in the environment (one per worker process)."""
    from docgen.web.app import Config, create_app
    from docgen.web.store import Store, database_url

    data_dir = Path(os.environ[_ENV_DATA])
    store = Store(os.environ.get(_ENV_DB) or database_url(data_dir))
    return create_app(Config(data_dir=data_dir, store=store, registration=os.environ.get(_ENV_LOOPBACK) == "1",
                             secret=_secret(data_dir)))


@click.group("users")
def users_command() -> None:
    """管理网页版的用户（在局域网中提供服务前须先创建）。"""


@users_command.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["enterprise", "agency"]), default="enterprise", show_default=True,
              help="enterprise：申报单位，只能看到自己的项目；agency：经办机构，可查看全部项目")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码", help="密码（不少于 8 个字符）")
@_data_option
@_db_option
def users_add(name: str, role: str, password: str, data_dir: Path, db_url: str | None) -> None:
    """创建用户。"""
    from docgen.web.store import Role

    if len(password) < 8:
        raise UsageError("密码至少 8 个字符")
    store = open_store(data_dir, db_url)
    if store.user_named(name) is not None:
        raise UsageError(f"用户名「{name}」已存在")
    store.add_user(name, password, Role(role))
    click.echo(f"已创建用户 {name}（{Role(role).label}）")


@users_command.command("list")
@_data_option
@_db_option
def users_list(data_dir: Path, db_url: str | None) -> None:
    """列出用户。"""
    from docgen.web.store import Role

    for user in open_store(data_dir, db_url).users():
        state = "\t已停用" if user.disabled else ""
        click.echo(f"{user.name}\t{Role(user.role).label}\t{user.created_at:%Y-%m-%d}{state}")


@users_command.command("passwd")
@click.argument("name")
@click.password_option("--password", prompt="新密码", confirmation_prompt="再次输入新密码",
                       help="新密码（不少于 8 个字符）")
@_data_option
@_db_option
def users_passwd(name: str, password: str, data_dir: Path, db_url: str | None) -> None:
    """修改用户的密码。"""
    if len(password) < 8:
        raise UsageError("密码至少 8 个字符")
    store, user = _existing(name, data_dir, db_url)
    store.set_password(user, password)
    click.echo(f"已修改用户 {name} 的密码")


@users_command.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["enterprise", "agency"]))
@_data_option
@_db_option
def users_role(name: str, role: str, data_dir: Path, db_url: str | None) -> None:
    """修改用户类型（enterprise：申报单位；agency：经办机构）。"""
    from docgen.web.store import Role

    store, user = _existing(name, data_dir, db_url)
    store.set_role(user, Role(role))
    click.echo(f"已将用户 {name} 改为{Role(role).label}")


def _switch_command(verb: str, disabled: bool, help_text: str, done: str) -> None:
    """`docgen users disable|enable NAME`: the two differ only in the flag they set and what they say."""

    @users_command.command(verb, help=help_text)
    @click.argument("name")
    @_data_option
    @_db_option
    def switch(name: str, data_dir: Path, db_url: str | None) -> None:
        store, user = _existing(name, data_dir, db_url)
        store.set_disabled(user, disabled)
        click.echo(done.format(name=name))


_switch_command("disable", True, "停用用户：不能再登录，已登录的会话立即失效；其修改记录保留。",
                "已停用用户 {name}（可用 docgen users enable {name} 恢复）")
_switch_command("enable", False, "恢复已停用的用户。", "已恢复用户 {name}")


@users_command.command("remove")
@click.argument("name")
@_data_option
@_db_option
def users_remove(name: str, data_dir: Path, db_url: str | None) -> None:
    """删除从未创建或修改过项目的用户；有记录的用户请停用（disable），以保留修改历史。"""
    store, user = _existing(name, data_dir, db_url)
    activity = store.user_activity(user)
    if activity:
        raise UsageError(f"用户「{name}」有 {activity} 条项目、版本或出具记录，删除会使修改历史失去修改人；"
                         f"请改用 docgen users disable {name} 停用")
    store.remove_user(user)
    click.echo(f"已删除用户 {name}")


def _existing(name: str, data_dir: Path, db_url: str | None):  # type: ignore[no-untyped-def]
    """The store and the user named ``name``, or a usage error listing who exists."""
    store = open_store(data_dir, db_url)
    user = store.user_named(name)
    if user is None:
        names = "、".join(u.name for u in store.users()) or "（尚无用户）"
        raise UsageError(f"没有用户「{name}」；现有用户：{names}")
    return store, user
