"""The composition root: builds each adapter once per warm container, on first use.

Handlers ask `container()` for what they need; tests and the embedded gateway install their own
`Container` (with moto-backed clients, a fixed clock, …) through `use_container`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from portal.config import Settings
from portal.domain.reporting import CaseRecord
from portal.ports import AccessLog, Clock, ComplaintRepository, Notifier, Outbox, PersonalDataCipher, SecretCodes
from portal.services.casework import Desk
from portal.services.complaints import ComplaintPolicy
from portal.services.evidence import delete_all_evidence
from portal.services.privacy import HeldFile, SelfService

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer

    from portal.adapters.content_data import ContentData
    from portal.ports import EvidenceRepository, EvidenceStore


class Container:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        dynamodb_client: Any = None,
        s3_client: Any = None,
        sns_client: Any = None,
        clock: Clock | None = None,
        codes: SecretCodes | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._dynamodb_client = dynamodb_client
        self._s3_client = s3_client
        self._sns_client = sns_client
        self._clock = clock
        self._codes = codes

    @cached_property
    def dynamodb(self) -> Any:
        if self._dynamodb_client is None:
            import boto3

            self._dynamodb_client = boto3.client("dynamodb")
        return self._dynamodb_client

    @cached_property
    def content(self) -> ContentData:
        from portal.adapters.content_data import ContentData

        return ContentData(self.settings.data_dir)

    @cached_property
    def field_labels(self) -> dict[str, str]:
        """Every form field's label, for error messages that name the field as the page does."""
        from portal.handlers.validation_messages import OPERATION_LABELS

        labels = {name: text.label for name, text in self.content.complaint_form.fields.items()}
        headers = {"Idempotency-Key": "Idempotency-Key 请求头", "X-Access-Code": "查询码（X-Access-Code 请求头）"}
        return {**OPERATION_LABELS, **labels, **headers, "body": "请求内容"}

    @cached_property
    def complaint_policy(self) -> ComplaintPolicy:
        from portal.adapters.working_calendar import OfficialWorkingCalendar

        return ComplaintPolicy(
            options=self.content.complaint_options(),
            rule_set=self.content.rule_set(self.settings.rule_set),
            calendar=OfficialWorkingCalendar(self.content.calendar_overrides),
            retention_years=self.settings.retention_years,
        )

    @cached_property
    def clock(self) -> Clock:
        from portal.adapters.system import SystemClock

        return self._clock or SystemClock()

    @cached_property
    def codes(self) -> SecretCodes:
        from portal.adapters.system import RandomCodes

        return self._codes or RandomCodes()

    @cached_property
    def personal_data_cipher(self) -> PersonalDataCipher:
        from portal.adapters.personal_data_cipher import DataMaskingCipher, LocalKeyCipher

        if self.settings.pii_kms_key_id:
            return DataMaskingCipher(self.settings.pii_kms_key_id)
        if self.settings.pii_key_file:
            return LocalKeyCipher(self.settings.pii_key_file.read_bytes())
        raise RuntimeError("set PII_KMS_KEY_ID (AWS) or PII_KEY_FILE (embedded) to store personal data")

    @cached_property
    def complaints(self) -> ComplaintRepository:
        from portal.adapters.dynamodb_complaints import DynamoDBComplaintRepository

        return DynamoDBComplaintRepository(self.dynamodb, self.settings.complaints_table, self.personal_data_cipher)

    @cached_property
    def evidence_store(self) -> EvidenceStore:
        if self.settings.evidence_bucket:
            from portal.adapters.s3_evidence import S3EvidenceStore

            client = self._s3_client
            if client is None:
                import boto3
                from botocore.config import Config

                client = boto3.client("s3", config=Config(signature_version="s3v4"))
            return S3EvidenceStore(client, self.settings.evidence_bucket)
        if self.settings.evidence_dir and self.settings.evidence_key_file:
            from portal.adapters.local_evidence import LocalEvidenceStore

            return LocalEvidenceStore(self.settings.evidence_dir, self.settings.evidence_key_file.read_bytes())
        raise RuntimeError("set EVIDENCE_BUCKET (AWS) or EVIDENCE_DIR + EVIDENCE_KEY_FILE (embedded) for evidence")

    @cached_property
    def evidence(self) -> EvidenceRepository:
        from portal.adapters.dynamodb_evidence import DynamoDBEvidenceRepository

        return DynamoDBEvidenceRepository(self.dynamodb, self.settings.complaints_table, self.personal_data_cipher)

    @cached_property
    def access_log(self) -> AccessLog:
        from portal.adapters.dynamodb_access_log import DynamoDBAccessLog

        return DynamoDBAccessLog(self.dynamodb, self.settings.complaints_table)

    @cached_property
    def outbox(self) -> Outbox:
        from portal.adapters.dynamodb_outbox import DynamoDBOutbox

        return DynamoDBOutbox(self.dynamodb, self.settings.complaints_table)

    @cached_property
    def notifier(self) -> Notifier:
        from portal.adapters.notifiers import OutboxOnlyNotifier, SnsNotifier

        if self.settings.notices_topic_arn:
            import boto3

            return SnsNotifier(self._sns_client or boto3.client("sns"), self.settings.notices_topic_arn)
        return OutboxOnlyNotifier()

    @cached_property
    def desk(self) -> Desk:
        return Desk(self.complaint_policy, self.complaints, self.access_log, self.clock)

    @cached_property
    def self_service(self) -> SelfService:
        def delete_evidence(tracking_no: str) -> None:
            delete_all_evidence(tracking_no, evidence=self.evidence, store=self.evidence_store)

        def evidence_files(tracking_no: str) -> list[HeldFile]:
            return [HeldFile(s.filename, s.size, s.state.value) for s in self.evidence.slots(tracking_no)]

        return SelfService(
            self.complaint_policy, self.complaints, self.access_log, self.clock, delete_evidence, evidence_files
        )

    def ledger_workbook(self, records: list[CaseRecord], title: str) -> bytes:
        from portal.adapters.ledger_xlsx import ledger_workbook

        return ledger_workbook(records, title=title)

    @cached_property
    def idempotency_store(self) -> BasePersistenceLayer:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        return DynamoDBPersistenceLayer(table_name=self.settings.idempotency_table, boto3_client=self.dynamodb)


_container: Container | None = None


def container() -> Container:
    global _container
    if _container is None:
        _container = Container()
    return _container


def use_container(replacement: Container | None) -> None:
    """Install a container (tests, embedded gateway); None goes back to building from the environment."""
    global _container
    _container = replacement
