"""The local gateway (embedded mode): serves build/site and routes /api/* to the Lambda handlers.

    python -m portal_infra.gateway [--port 8000] [--state var] [--site build/site]

Routes, handlers and environment come from template.yaml; DynamoDB is moto in process, durable
under the state directory. The organizer token is created in <state>/admin-token on first start.
"""

from __future__ import annotations

import argparse
import hmac
import json
import mimetypes
import os
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from portal_infra.embedded_dynamodb import EmbeddedDynamoDB
from portal_infra.lambda_runtime import HttpRequest, HttpResponse, LocalContext, invoke, load_handler
from portal_infra.local_objects import MAX_OBJECT_REQUEST_BYTES, OBJECTS_PREFIX, LocalObjects
from portal_infra.template import REPOSITORY, Route, Template

API_PREFIX = "/api/"
LOCAL_PREFIX = "/_local/"
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
]
TEXT_TYPES = {".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".map"}


class Portal:
    """Everything one running gateway needs: the routes, the site folder, the embedded store."""

    def __init__(self, site_dir: Path, state_dir: Path, template: Template | None = None) -> None:
        self.site_dir = site_dir.resolve()
        self.state_dir = state_dir.resolve()
        self.template = template or Template()
        self.routes: list[Route] = self.template.routes()
        self.store = EmbeddedDynamoDB(self.state_dir, self.template)
        self.objects = LocalObjects(self.state_dir / "evidence")  # S3's part: evidence files
        # One handler at a time, as in one Lambda execution environment: Powertools keeps the current
        # event in class attributes shared by every resolver, so two threads would read each other's
        # request. The others wait their turn, as requests do for a Lambda concurrency limit.
        self._running = threading.Lock()

    def start(self) -> None:
        from portal.bootstrap import Container, use_container
        from portal.config import Settings

        self.state_dir.mkdir(parents=True, exist_ok=True)
        # The operator's own POWERTOOLS_* settings (a log level while troubleshooting) win over the template's.
        environment = self.template.function_environment()
        os.environ.update(
            {k: v for k, v in environment.items() if not (k.startswith("POWERTOOLS_") and k in os.environ)}
        )
        os.environ.pop("PII_KMS_KEY_ID", None)  # embedded mode seals personal data with a local key
        os.environ.pop("NOTICES_TOPIC_ARN", None)  # and keeps organizer notices in the outbox
        os.environ["ADMIN_TOKEN_FILE"] = str(self.admin_token_file)
        os.environ["PII_KEY_FILE"] = str(_secret_file(self.state_dir / "personal-data.key", lambda: os.urandom(32)))
        os.environ.pop("EVIDENCE_BUCKET", None)  # evidence files stay under the state directory
        os.environ.update(
            self.objects.environment(_secret_file(self.state_dir / "evidence.key", lambda: os.urandom(32)))
        )
        os.environ.setdefault("POWERTOOLS_DEV", "false")
        client = self.store.start()
        use_container(Container(Settings.from_env(), dynamodb_client=client))

    def stop(self) -> None:
        self.store.stop()

    @property
    def admin_token_file(self) -> Path:
        return _secret_file(self.state_dir / "admin-token", lambda: secrets.token_urlsafe(32).encode())

    @property
    def admin_token(self) -> str:
        return self.admin_token_file.read_text(encoding="utf-8").strip()

    def run_scheduled(self, function: str) -> dict[str, Any]:
        """Run a scheduled function once, as EventBridge Scheduler would.

        Beside the API handlers, not between them: a scheduled handler uses no resolver (whose state is
        shared), the store takes its own lock per call, and a long first sweep must not stall the site.
        """
        scheduled = {s.function: s for s in self.template.scheduled_functions()}[function]
        event = {"source": "aws.scheduler", "detail-type": "Scheduled Event", "detail": {}, "resources": []}
        return dict(load_handler(scheduled.handler)(event, LocalContext(function, 512, 300)))

    def run_schedules(self, stop: threading.Event, every_seconds: float | None = None) -> None:
        """Run each scheduled function on its rate (or every `every_seconds`) until `stop` is set."""
        schedules = self.template.scheduled_functions()
        due = {s.function: time.monotonic() + (every_seconds or s.every_seconds) for s in schedules}
        while not stop.wait(1.0):
            for s in schedules:
                if time.monotonic() >= due[s.function]:
                    due[s.function] = time.monotonic() + (every_seconds or s.every_seconds)
                    try:
                        self.run_scheduled(s.function)
                    except Exception as error:  # a failed sweep must not stop the timer
                        sys.stderr.write(f"scheduled {s.function} failed: {type(error).__name__}\n")

    def handle_local(self, request: HttpRequest) -> HttpResponse:
        """`POST /_local/scheduled/<Function>` with the organizer token: what `make sweep` calls while
        the gateway holds the state directory."""
        function = urlsplit(request.target).path.removeprefix(LOCAL_PREFIX + "scheduled/")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if request.method != "POST" or not hmac.compare_digest(token.encode(), self.admin_token.encode()):
            return _json(401, "unauthorized", "需要组织者令牌")
        if function not in {s.function for s in self.template.scheduled_functions()}:
            return _json(404, "no_such_function", "没有这个定时任务")
        body = json.dumps(self.run_scheduled(function), ensure_ascii=False).encode()
        return HttpResponse(200, [("Content-Type", "application/json; charset=utf-8")], body)

    def handle_api(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.target).path
        allowed = []
        for route in self.routes:
            parameters = route.match(path)
            if parameters is None:
                continue
            if route.method == request.method:
                with self._running:
                    return invoke(route, request, {k: unquote(v) for k, v in parameters.items()})
            allowed.append(route.method)
        if allowed:
            return _json(
                405,
                "method_not_allowed",
                f"这个接口只支持 {', '.join(sorted(allowed))}",
                [("Allow", ", ".join(sorted(allowed)))],
            )
        return _json(404, "no_such_route", "没有这个接口，请检查地址")

    def handle_static(self, target: str) -> HttpResponse:
        path = unquote(urlsplit(target).path)
        candidate = (self.site_dir / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.site_dir):
            return self._not_found()
        if candidate.is_dir():
            if not path.endswith("/"):
                return HttpResponse(301, [("Location", path + "/")], b"")
            candidate = candidate / "index.html"
        if not candidate.is_file():
            return self._not_found()
        return HttpResponse(
            200,
            [("Content-Type", _content_type(candidate)), ("Cache-Control", "no-cache")],
            candidate.read_bytes(),
        )

    def _not_found(self) -> HttpResponse:
        page = self.site_dir / "404.html"
        body = page.read_bytes() if page.exists() else "<h1>404 页面不存在</h1>".encode()
        return HttpResponse(404, [("Content-Type", "text/html; charset=utf-8")], body)


def _json(status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    body = json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()
    return HttpResponse(status, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])], body)


def _content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if path.suffix in TEXT_TYPES else kind


def _secret_file(path: Path, make: Any) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(make())
    return path


def make_request_handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        server_version = "portal-gateway"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._dispatch()

        def do_HEAD(self) -> None:
            self._dispatch(send_body=False)

        do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

        def _dispatch(self, send_body: bool = True) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > (MAX_OBJECT_REQUEST_BYTES if self.path.startswith(OBJECTS_PREFIX) else MAX_REQUEST_BYTES):
                self._send(_json(413, "body_too_large", "提交的内容太大"), send_body, close=True)
                return
            body = self.rfile.read(length) if length else b""
            if self.path.startswith(OBJECTS_PREFIX):
                request = HttpRequest(self.command, self.path, dict(self.headers.items()), body, self.client_address[0])
                response = portal.objects.handle(request)
            elif self.path.startswith(LOCAL_PREFIX):
                request = HttpRequest(self.command, self.path, dict(self.headers.items()), body, self.client_address[0])
                response = portal.handle_local(request)
            elif self.path.startswith(API_PREFIX) or self.path == API_PREFIX.rstrip("/"):
                request = HttpRequest(self.command, self.path, dict(self.headers.items()), body, self.client_address[0])
                response = portal.handle_api(request)
            elif self.command in {"GET", "HEAD"}:
                response = portal.handle_static(self.path)
            else:
                response = _json(405, "method_not_allowed", "静态页面只支持 GET")
            self._send(response, send_body)

        def _send(self, response: HttpResponse, send_body: bool, close: bool = False) -> None:
            self.send_response(response.status)
            for name, value in [*response.headers, *SECURITY_HEADERS]:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - the signature is the base class's
            # Method, path and status only: no query strings, no bodies, no personal data.
            if os.environ.get("PORTAL_ACCESS_LOG", "1") == "1":
                sys.stderr.write(f"{self.command} {urlsplit(self.path).path} {args[1] if len(args) > 1 else ''}\n")

    return RequestHandler


class PortalServer(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when a class opens the sign-up page at once.
    request_queue_size = 128


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--state", type=Path, default=REPOSITORY / "var")
    parser.add_argument("--site", type=Path, default=REPOSITORY / "build" / "site")
    args = parser.parse_args(argv)

    portal = Portal(args.site, args.state)
    portal.start()
    server = PortalServer((args.host, args.port), make_request_handler(portal))
    server.daemon_threads = True
    stop_timers = threading.Event()
    every = float(os.environ["PORTAL_SCHEDULE_SECONDS"]) if os.environ.get("PORTAL_SCHEDULE_SECONDS") else None
    threading.Thread(target=portal.run_schedules, args=(stop_timers, every), daemon=True).start()

    def shut_down(*_: Any) -> None:
        stop_timers.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    url = f"http://{args.host}:{server.server_address[1]}/"
    (portal.state_dir / "gateway-url").write_text(url, encoding="utf-8")
    print(f"3·15 portal running at {url}", flush=True)
    print(f"organizer token: {portal.admin_token}  (kept in {portal.state_dir / 'admin-token'})", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        portal.stop()
        print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
