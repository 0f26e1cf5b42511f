"""`docgen serve`'s web app (Starlette): sign-in, project list, one page per document, live checks, downloads."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from threading import Lock
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import docgen
from docgen.errors import DataError, DocgenError, InputError
from docgen.findings import Finding
from docgen.load import Source, from_mapping, parse_json
from docgen.options import RenderOptions
from docgen.rendered import Rendered
from docgen.renderer import Renderer
from docgen.schemas import label_for
from docgen.web import forms, lifecycle
from docgen.web.records import plain
from docgen.web.store import Project, Role, Store, User
from docgen.web.uploads import UploadRejected, sniff

HERE = Path(__file__).parent
MAX_BODY = 20 * 1024 * 1024  # the largest request accepted (a licence scan)
MAX_UPLOAD = 10 * 1024 * 1024  # the largest licence scan
_PACKET = "packet"


@dataclass(slots=True)
class Config:
    """What the app needs to know: where data lives, the store, and whether strangers may register."""

    data_dir: Path
    store: Store
    registration: bool  # only on loopback: anyone who can reach the machine may create an account
    secret: str
    max_upload: int = MAX_UPLOAD
    renderer: Renderer = field(default_factory=lambda: Renderer(RenderOptions(formats=("docx", "pdf"))))
    cache: OrderedDict[tuple[Any, ...], Rendered] = field(default_factory=OrderedDict)
    lock: Lock = field(default_factory=Lock)


def create_app(config: Config) -> Starlette:
    """The ASGI app over one store."""
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    templates.globals.update(pages=forms.pages, role_label=lambda role: Role(role).label, label=label_for)
    templates.filters["when"] = _when
    web = _Web(config, templates)
    routes = [
        Route("/", web.home),
        Route("/login", web.login, methods=["GET", "POST"]),
        Route("/logout", web.logout, methods=["POST"]),
        Route("/register", web.register, methods=["GET", "POST"]),
        Route("/settings", web.settings, methods=["GET", "POST"]),
        Route("/users", web.users, methods=["GET", "POST"]),
        Route("/projects", web.projects),
        Route("/projects/new", web.new_project, methods=["POST"]),
        Route("/projects/import", web.import_project, methods=["POST"]),
        Route("/projects/{pid:int}", web.project_home),
        Route("/projects/{pid:int}/history", web.history),
        Route("/projects/{pid:int}/history/{number:int}.json", web.version_json),
        Route("/projects/{pid:int}/export.json", web.export_json),
        Route("/projects/{pid:int}/export/{kind}.xlsx", web.export_workbook),
        Route("/projects/{pid:int}/uploads", web.upload, methods=["POST"]),
        Route("/projects/{pid:int}/preview/{kind}.pdf", web.preview),
        Route("/projects/{pid:int}/download/{name}", web.download),
        Route("/projects/{pid:int}/{page}/generate", web.generate, methods=["POST"]),
        Route("/projects/{pid:int}/{page}/check", web.check, methods=["POST"]),
        Route("/projects/{pid:int}/{page}", web.page, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(_BodyLimit, limit=MAX_BODY),
                  Middleware(SessionMiddleware, secret_key=config.secret, session_cookie="docgen_session",
                             same_site="strict", max_age=12 * 3600)]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={HTTPException: web.http_error})  # type: ignore[dict-item]


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413) before anything parses them."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await Response("请求过大", status_code=413)(scope, receive, send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, "请求过大")
            return message

        await self.app(scope, counted, send)


Handler = Callable[[Request], Awaitable[Response]]


class _Web:
    """The request handlers, sharing the config and the templates."""

    def __init__(self, config: Config, templates: Environment):
        self.config, self.store, self.templates = config, config.store, templates

    # ---- helpers ----------------------------------------------------------------------------------------------
    def html(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        user = self._user(request)
        text = self.templates.get_template(template).render(request=request, user=user, csrf=_csrf(request),
                                                         registration=self.config.registration, **context)
        return HTMLResponse(text, status_code=status)

    def _user(self, request: Request) -> User | None:
        uid = request.session.get("uid")
        if not isinstance(uid, int):
            return None
        user = self.store.user(uid)  # read each time: `docgen users` may change or disable it while serving
        return user if user is not None and not user.disabled else None

    def _require_user(self, request: Request) -> User:
        user = self._user(request)
        if user is None:
            raise HTTPException(401)
        return user

    def _project(self, request: Request, user: User) -> Project:
        project = self.store.project(request.path_params["pid"], user)
        if project is None:  # someone else's project looks exactly like a missing one
            raise HTTPException(404, "没有这个项目，或您无权查看")
        return project

    async def _form(self, request: Request) -> FormData:
        """The posted form, after checking its CSRF token (refused with 403 otherwise)."""
        form = await request.form(max_files=2, max_fields=20000, max_part_size=self.config.max_upload)
        token = form.get("csrf") or request.headers.get("x-csrf-token", "")
        expected = request.session.get("csrf", "")
        if not expected or not isinstance(token, str) or not secrets.compare_digest(token, expected):
            raise HTTPException(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        return form

    async def http_error(self, request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 401:
            if request.method == "GET":
                return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
            return JSONResponse({"error": "请先登录"}, status_code=401)
        messages = {404: "找不到页面", 403: "无权操作", 413: "上传的文件过大"}
        detail = exc.detail if exc.detail and not exc.detail.isascii() else messages.get(exc.status_code, "出错了")
        if request.url.path.endswith("/check"):
            return JSONResponse({"error": detail}, status_code=exc.status_code)
        return self.html(request, "error.html", status=exc.status_code, message=detail)

    # ---- accounts ---------------------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return RedirectResponse("/projects" if self._user(request) else "/login", status_code=303)

    async def login(self, request: Request) -> Response:
        target = request.query_params.get("next", "/projects")
        target = target if target.startswith("/") and not target.startswith("//") else "/projects"
        if request.method == "GET":
            return self.html(request, "login.html", next=target)
        form = await self._form(request)
        user = await run_in_threadpool(self.store.authenticate, str(form.get("name", "")),
                                       str(form.get("password", "")))
        if user is None:
            return self.html(request, "login.html", status=400, next=target, error="用户名或密码不正确")
        _sign_in(request, user)
        return RedirectResponse(target, status_code=303)

    async def logout(self, request: Request) -> Response:
        await self._form(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def register(self, request: Request) -> Response:
        if not self.config.registration:
            raise HTTPException(404, "本服务不开放注册，请联系管理员创建账户")
        if request.method == "GET":
            return self.html(request, "register.html")
        form = await self._form(request)
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        role = str(form.get("role", Role.ENTERPRISE))
        error = _account_problem(name, password, role)
        if error is None and self.store.user_named(name) is not None:
            error = f"用户名「{name}」已被使用"
        if error:
            return self.html(request, "register.html", status=400, error=error, name=name)
        user = await run_in_threadpool(self.store.add_user, name, password, Role(role))
        _sign_in(request, user)
        return RedirectResponse("/projects", status_code=303)

    async def settings(self, request: Request) -> Response:
        user = self._require_user(request)
        if not user.is_agency:
            raise HTTPException(403, "只有经办机构人员可以修改机构设置")
        message, errors = "", []
        agency = self.store.setting(lifecycle.AGENCY_SETTING, {})
        kept = pattern = agency.get(lifecycle.NUMBER_PATTERN, lifecycle.DEFAULT_NUMBER_PATTERN)
        if request.method == "POST":
            form = await self._form(request)
            posted, problems = forms.parse(form.multi_items())  # type: ignore[arg-type]
            agreement = posted.get("agreement", {})
            agency = {key: agreement[key] for key in _SETTING_FIELDS if key in agreement}
            pattern = str(form.get(lifecycle.NUMBER_PATTERN, "")).strip()
            errors = [f"{f.label}：{f.message}" for f in problems]
            problem = lifecycle.number_problem(pattern)
            if problem:
                errors.append(problem)
            agency[lifecycle.NUMBER_PATTERN] = kept if problem else pattern  # the old pattern stays in use
            self.store.set_setting(lifecycle.AGENCY_SETTING, agency)
            message = "已保存机构设置" + ("；以下内容未能保存，请改正：" if errors else "")
        nodes = forms.build_fields([f"/agreement/{key}" for key in _SETTING_FIELDS], {"agreement": agency})
        example = "" if lifecycle.number_problem(pattern) else lifecycle.format_number(pattern, 1, date.today())
        return self.html(request, "settings.html", status=400 if errors else 200, nodes=nodes, message=message,
                         errors=errors, pattern=pattern, example=example)

    async def users(self, request: Request) -> Response:
        """Agency staff manage accounts: add, reset a password, change a role, disable or enable."""
        user = self._require_user(request)
        if not user.is_agency:
            raise HTTPException(403, "只有经办机构人员可以管理用户")
        message = error = name = ""
        if request.method == "POST":
            form = {key: str(value) for key, value in (await self._form(request)).items()}
            name = form.get("name", "").strip()
            try:
                message = await run_in_threadpool(self._user_action, user, form)
            except InputError as exc:
                error = str(exc)
        return self.html(request, "users.html", status=400 if error else 200, users=self.store.users(),
                         message=message, error=error, name=name if error else "")

    def _user_action(self, acting: User, form: dict[str, str]) -> str:
        """Carry out one form of the users page; the Chinese result, or InputError saying what is wrong."""
        action, password = form.get("action", ""), form.get("password", "")
        if action == "add":
            name, role = form.get("name", "").strip(), form.get("role", "")
            problem = _account_problem(name, password, role)
            if problem is None and self.store.user_named(name) is not None:
                problem = f"用户名「{name}」已被使用"
            if problem:
                raise InputError(problem)
            self.store.add_user(name, password, Role(role))
            return f"已创建用户 {name}（{Role(role).label}）"
        target = self.store.user(int(form["user"])) if form.get("user", "").isdigit() else None
        if target is None:
            raise InputError("没有这个用户")
        if action == "password":
            if len(password) < 8:
                raise InputError(f"{target.name} 的新密码至少 8 个字符")
            self.store.set_password(target, password)
            return f"已重设用户 {target.name} 的密码"
        if target.id == acting.id:  # keeps at least the acting clerk able to come back here
            raise InputError("不能停用本人或修改本人的账户类型")
        if action == "role" and form.get("role") in {r.value for r in Role}:
            self.store.set_role(target, Role(form["role"]))
            return f"已将用户 {target.name} 改为{Role(form['role']).label}"
        if action in ("disable", "enable"):
            self.store.set_disabled(target, action == "disable")
            return f"已{'停用' if action == 'disable' else '恢复'}用户 {target.name}"
        raise InputError("无法识别的操作")

    # ---- projects ---------------------------------------------------------------------------------------------
    async def projects(self, request: Request) -> Response:
        user = self._require_user(request)
        listed = self.store.projects(user)
        owners = {p.owner_id: (self.store.user(p.owner_id) or user).name for p in listed} if user.is_agency else {}
        return self.html(request, "projects.html", projects=listed, owners=owners,
                         error=request.query_params.get("error", ""))

    async def new_project(self, request: Request) -> Response:
        user = self._require_user(request)
        form = await self._form(request)
        name = str(form.get("name", "")).strip()
        record: dict[str, Any] = {"project": {"name": name}} if name else {}
        project = self.store.create_project(user, record, "新建项目")
        return RedirectResponse(f"/projects/{project.id}/application", status_code=303)

    async def import_project(self, request: Request) -> Response:
        user = self._require_user(request)
        form = await self._form(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            message = quote("请选择要导入的 JSON 记录或 Excel 填报表")
            return RedirectResponse(f"/projects?error={message}", status_code=303)
        name = upload.filename or "上传的文件"
        data = await upload.read(self.config.max_upload + 1)
        try:
            if len(data) > self.config.max_upload:
                raise InputError(f"文件超过 {self.config.max_upload // 1024 // 1024} MB")
            record, problems = await run_in_threadpool(self._read_import, data, name)
        except DocgenError as exc:
            return RedirectResponse("/projects?error=" + quote(f"导入失败：{exc}"), status_code=303)
        record.pop("attachments", None)  # paths on someone else's disk mean nothing here; upload the scans
        project = self.store.create_project(user, record, f"导入 {name}"[:200])
        target = f"/projects/{project.id}/application"
        if problems:  # what the workbook reader noted about cells, said once here
            target += "?notice=" + quote(f"已导入；读取填报表时有 {len(problems)} 条提示：" + "；".join(problems[:5]))
        return RedirectResponse(target, status_code=303)

    def _read_import(self, data: bytes, name: str) -> tuple[dict[str, Any], list[str]]:
        """A JSON record or a fill-in workbook (told apart by content), and what could not be read from it."""
        if data.startswith(b"PK\x03\x04"):  # an .xlsx is a zip
            from docgen.workbook.read import read_workbook

            spool = self.config.data_dir / "tmp"
            spool.mkdir(exist_ok=True)
            path = spool / f"{secrets.token_hex(8)}.xlsx"
            path.write_bytes(data)
            try:
                source = read_workbook(path)
            finally:
                path.unlink(missing_ok=True)
            return source.data, [f"{f.label}（{source.cell(f.path)}）：{f.message}" for f in source.findings]
        record = parse_json(data, name=name)
        if not isinstance(record, dict):
            raise InputError("记录应为 JSON 对象（{…}）")
        return record, []

    async def export_workbook(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        kind = _page(request.path_params["kind"]).kind
        from docgen.workbook.generate import build_workbook

        data = await run_in_threadpool(build_workbook, kind.name, project.record)
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": _attachment(f"{kind.title}-项目{project.id}.xlsx")})

    async def project_home(self, request: Request) -> Response:
        return RedirectResponse(f"/projects/{request.path_params['pid']}/application", status_code=303)

    async def page(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        page = _page(request.path_params["page"])
        saved = request.query_params.get("notice", "")
        if request.method == "POST":
            form = await self._form(request)
            posted, problems = forms.parse(form.multi_items())  # type: ignore[arg-type]
            record = forms.merge(project.record, page, posted)
            result = await run_in_threadpool(self.store.save, project, user, record, f"编辑{page.kind.title}")
            target = f"/projects/{project.id}/{page.kind.name}?saved={result.version}&changed={len(result.changes)}"
            return RedirectResponse(target, status_code=303)
        if "saved" in request.query_params and not saved:
            changed = request.query_params.get("changed", "0")
            saved = (f"已保存为第 {request.query_params['saved']} 版（{changed} 处修改）" if changed != "0"
                     else "没有修改，未生成新版本")
        findings, ready = await run_in_threadpool(self._checks, project, page.kind.name)
        all_issued = self.store.issued(project)
        stages = {p.kind.name: [i for i in all_issued if _stage(i.kind) == p.kind.name] for p in forms.pages()}
        targets = lifecycle.agreed_targets(project.record, findings) if page.kind.name == "acceptance" else []
        return self.html(request, "page.html", project=project, page=page, nodes=forms.build(page, project.record),
                         findings=[_finding(f) for f in findings], ready=ready, saved=saved,
                         issued=stages[page.kind.name], stages=stages, targets=targets,
                         uploads=self.store.uploads(project) if page.kind.name == "application" else [],
                         agency=self.store.setting(lifecycle.AGENCY_SETTING))

    def _checks(self, project: Project, kind: str) -> tuple[list[Finding], dict[str, bool]]:
        """The findings of the page ``kind`` and, for every page, whether its document can be generated."""
        ready = {}
        findings: list[Finding] = []
        for page in forms.pages():
            found = self._findings(project, project.record, page.kind.name)
            ready[page.kind.name] = not any(f.is_error for f in found)
            if page.kind.name == kind:
                findings = found
        return findings, ready

    def _findings(self, project: Project, record: dict[str, Any], kind: str) -> list[Finding]:
        """What `docgen validate` says about ``kind``, plus what only the store knows or the page adds.

        The store knows a 协议编号 already in use; the page adds a result below its target while typing.
        """
        findings = list(docgen.validate(self._source(record, hashed=False), kind).findings)
        if kind == "agreement":
            number = record.get("agreement", {}).get("number")
            other = self.store.agreement_number_owner(number, exclude=project.id) if isinstance(number, str) else None
            if other is not None:
                findings.append(Finding("agreement.number_taken", "/agreement/number", label_for("/agreement/number"),
                                        f"协议编号「{number}」已用于项目「{other.name}」；每份协议的编号须不同"))
        elif kind == "acceptance":
            findings += lifecycle.unmet_targets(record, findings)
        return findings

    async def check(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        page = _page(request.path_params["page"])
        form = await self._form(request)
        posted, problems = forms.parse(form.multi_items())  # type: ignore[arg-type]
        record = forms.merge(project.record, page, posted)
        found = await run_in_threadpool(self._findings, project, record, page.kind.name)
        unreadable = {f.path for f in problems}
        findings = problems + [f for f in found if f.path not in unreadable]
        return JSONResponse({"findings": [_finding(f) for f in findings],
                             "ready": not any(f.is_error for f in findings)})

    async def generate(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        page = _page(request.path_params["page"])
        await self._form(request)
        record = dict(project.record)
        if page.kind.name == "agreement":
            agency, today = self.store.setting(lifecycle.AGENCY_SETTING, {}), date.today()
            number = None
            if not record.get("agreement", {}).get("number"):
                pattern = agency.get(lifecycle.NUMBER_PATTERN) or lifecycle.DEFAULT_NUMBER_PATTERN
                number = await run_in_threadpool(self.store.next_agreement_number,
                                                 partial(lifecycle.format_number, pattern, today=today),
                                                 f"agreement_seq/{today.year}")
            record["agreement"] = lifecycle.agreement_draft(record, agency, number=number, today=today)
            note = "生成服务协议（由申请表预填）"
        elif page.kind.name == "acceptance":
            record["acceptance"] = lifecycle.acceptance_draft(record)
            note = "生成评估验收（由服务协议绩效目标预填）"
        else:
            raise HTTPException(404)
        result = self.store.save(project, user, record, note)
        return RedirectResponse(f"/projects/{project.id}/{page.kind.name}?saved={result.version}"
                                f"&changed={len(result.changes)}", status_code=303)

    async def history(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        return self.html(request, "history.html", project=project, versions=self.store.versions(project),
                         issued=self.store.issued(project), names={u.id: u.name for u in self.store.users()})

    async def version_json(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        version = self.store.version(project, request.path_params["number"])
        if version is None:
            raise HTTPException(404, "没有这个版本")
        return _json_download(version.record, f"项目{project.id}-第{version.number}版.json")

    async def export_json(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        return _json_download(project.record, f"项目{project.id}-第{project.version}版.json")

    async def upload(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        form = await self._form(request)
        upload = form.get("file")
        title = str(form.get("title", "")).strip() or "营业执照扫描件"
        target = f"/projects/{project.id}/application"
        if not isinstance(upload, UploadFile):
            return self.html(request, "error.html", status=400, message="请选择要上传的文件", back=target)
        data = await upload.read(self.config.max_upload + 1)
        try:
            suffix, media_type = sniff(data, self.config.max_upload)
        except UploadRejected as exc:
            return self.html(request, "error.html", status=400, message=str(exc), back=target)
        stored = f"uploads/{project.id}/{secrets.token_hex(16)}{suffix}"  # never a name the user chose
        path = self.config.data_dir / stored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.store.add_upload(project, title[:200], stored, media_type, data)
        record = dict(project.record)
        record["attachments"] = [*record.get("attachments", []), {"title": title[:200], "path": stored}]
        result = self.store.save(project, user, record, f"上传附件：{title[:100]}")
        return RedirectResponse(f"{target}?saved={result.version}&changed={len(result.changes)}", status_code=303)

    # ---- documents --------------------------------------------------------------------------------------------
    def _source(self, record: dict[str, Any], *, hashed: bool = True) -> Source:
        """The record as docgen reads it; attachments resolve inside the data folder.

        A live check skips the record's hash (only documents carry it), a third of a check's time.
        """
        sha256 = from_mapping(record).sha256 if hashed else ""
        return Source(dict(record), sha256, "<网页表单>", origin=self.config.data_dir / "project.json")

    def _rendered(self, project: Project, scope: str) -> Rendered:
        """Docx and PDF of one document (or the packet) of the project's current version, rendered once."""
        key = (project.id, project.version, scope)
        with self.config.lock:
            cached = self.config.cache.get(key)
        if cached is not None:
            return cached
        source = self._source(project.record)
        renderer = self.config.renderer
        rendered = renderer.render_packet(source) if scope == _PACKET else renderer.render(source, scope)
        with self.config.lock:
            self.config.cache[key] = rendered
            while len(self.config.cache) > 16:
                self.config.cache.popitem(last=False)
        return rendered

    async def preview(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        kind = _page(request.path_params["kind"]).kind.name
        try:
            rendered = await run_in_threadpool(self._rendered, project, kind)
        except DataError as exc:
            return self.html(request, "not_ready.html", status=409, findings=[_finding(f) for f in exc.findings
                                                                              if f.is_error])
        pdf = rendered.documents[0].pdf or b""
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": "inline", "Cache-Control": "no-store"})

    async def download(self, request: Request) -> Response:
        user = self._require_user(request)
        project = self._project(request, user)
        name = request.path_params["name"]
        stem, _, fmt = name.rpartition(".")
        try:
            if name in ("packet.pdf", "packet.zip"):
                rendered = await run_in_threadpool(self._rendered, project, _PACKET)
                data = rendered.packet_pdf or b"" if fmt == "pdf" else _zip(rendered, project)
                kind, filename = _PACKET, f"{_safe_name(project.name)}-{name}"
            elif fmt in ("docx", "pdf"):
                kind = _page(stem).kind.name
                rendered = await run_in_threadpool(self._rendered, project, kind)
                document = rendered.documents[0]
                data = (document.data if fmt == "docx" else document.pdf) or b""
                filename = f"{document.stem}.{fmt}"
            else:
                raise HTTPException(404)
        except DataError as exc:
            return self.html(request, "not_ready.html", status=409, findings=[_finding(f) for f in exc.findings
                                                                              if f.is_error])
        self.store.issue(project, user, project.version, kind, filename, data)
        media = {"pdf": "application/pdf", "zip": "application/zip",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[fmt]
        return Response(data, media_type=media, headers={"Content-Disposition": _attachment(filename)})


_SETTING_FIELDS = ("party_a", "place", "prepayment_ratio")


def _when(moment: datetime, seconds: bool = False) -> str:
    """A stored UTC time in the server's own time zone (the office's), as people write it: 2027-03-01 14:05."""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def _sign_in(request: Request, user: User) -> None:
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["uid"] = user.id
    _csrf(request)


def _account_problem(name: str, password: str, role: str) -> str | None:
    if not 1 <= len(name) <= 80:
        return "用户名须为 1—80 个字符"
    if len(password) < 8:
        return "密码至少 8 个字符"
    if role not in {r.value for r in Role}:
        return "请选择账户类型"
    return None


def _page(name: str) -> forms.Page:
    for page in forms.pages():
        if page.kind.name == name:
            return page
    raise HTTPException(404, "没有这个文书页面")


def _stage(kind: str) -> str:
    """The page an issued document belongs to: the packet and its parts to the application's."""
    return "application" if kind == _PACKET or docgen.kinds()[kind].in_packet else kind


def _finding(finding: Finding) -> dict[str, str]:
    data = finding.to_dict()
    data["page"] = forms.page_of(finding.path) or ""
    return data


def _json_download(record: dict[str, Any], filename: str) -> Response:
    text = json.dumps(plain(record), ensure_ascii=False, indent=2) + "\n"
    return Response(text.encode(), media_type="application/json",
                    headers={"Content-Disposition": _attachment(filename)})


def _zip(rendered: Rendered, project: Project) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in rendered.files():
            archive.writestr(name, data)
        manifest = rendered.manifest
        if manifest is not None:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
        archive.writestr("record.json", json.dumps(plain(project.record), ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _safe_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum() or ch in "-_（）()")[:60] or "项目"


def _attachment(filename: str) -> str:
    return f"attachment; filename=\"download.{filename.rpartition('.')[2]}\"; filename*=UTF-8''{quote(filename)}"

