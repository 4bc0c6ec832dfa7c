"""S3's part in embedded mode: form uploads and signed downloads of evidence files under /_objects/.

The local gateway hands these requests here. Checking the signed policy and writing the file
durably is the store's job (`portal.adapters.local_evidence`); this module speaks HTTP the way S3
does: 204 for an accepted upload, an XML <Error> with S3's codes otherwise.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from portal.adapters.local_evidence import LocalEvidenceStore, ObjectRequestRefused
from portal.domain.evidence import MAX_BYTES

from portal_infra.lambda_runtime import HttpRequest, HttpResponse

OBJECTS_PREFIX = "/_objects/"
# The largest file plus room for the form's other fields, so that S3's own answer (EntityTooLarge)
# is what an oversized upload gets, not the gateway's generic 413.
MAX_OBJECT_REQUEST_BYTES = MAX_BYTES + 1024 * 1024


class LocalObjects:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.store: LocalEvidenceStore | None = None

    def environment(self, key_file: Path) -> dict[str, str]:
        """Open the store with the signing key; the settings that make the functions use it too."""
        self.store = LocalEvidenceStore(self.directory, key_file.read_bytes())
        return {"EVIDENCE_DIR": str(self.directory), "EVIDENCE_KEY_FILE": str(key_file)}

    def handle(self, request: HttpRequest) -> HttpResponse:
        target = urlsplit(request.target)
        operation = target.path.removeprefix(OBJECTS_PREFIX)
        if self.store is None:
            return _error(503, "ServiceUnavailable", "The object store has not started.")
        try:
            if operation == "upload" and request.method == "POST":
                fields, content = _form(request)
                self.store.accept_upload(fields, content)
                return HttpResponse(204, [], b"")
            if operation == "download" and request.method in {"GET", "HEAD"}:
                query = {name: values[-1] for name, values in parse_qs(target.query).items()}
                found = self.store.open_download(query)
                headers = [
                    ("Content-Type", found.content_type),
                    ("Content-Disposition", found.disposition),
                    ("Cache-Control", "private, no-store"),
                ]
                return HttpResponse(200, headers, found.content)
        except ObjectRequestRefused as refused:
            return _error(refused.status, refused.code, refused.message)
        if operation in {"upload", "download"}:
            return _error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        return _error(404, "NoSuchKey", "The specified key does not exist.")


def _form(request: HttpRequest) -> tuple[dict[str, str], bytes]:
    """The form fields before the file, and the file: S3 ignores anything sent after it."""
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if not content_type.lower().startswith("multipart/form-data"):
        message = "Bucket POST must be of the enclosure-type multipart/form-data"
        raise ObjectRequestRefused(412, "PreconditionFailed", message)
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + request.body
    form = BytesParser(policy=HTTP).parsebytes(raw)
    fields: dict[str, str] = {}
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            return fields, payload
        fields[name] = payload.decode("utf-8", errors="replace")
    raise ObjectRequestRefused(400, "InvalidArgument", "POST requires exactly one file upload per request.")


def _error(status: int, code: str, message: str) -> HttpResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    )
    return HttpResponse(status, [("Content-Type", "application/xml")], body.encode())
