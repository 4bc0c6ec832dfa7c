"""The composition root: builds each adapter once per warm container, on first use.

Handlers ask `container()` for what they need; tests and the embedded gateway install their own
`Container` (with moto-backed clients, a fixed clock, …) through `use_container`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from portal.config import Settings
from portal.ports import Clock, ComplaintRepository, PersonalDataCipher, SecretCodes
from portal.services.complaints import ComplaintPolicy

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer

    from portal.adapters.content_data import ContentData


class Container:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        dynamodb_client: Any = None,
        kms_client: Any = None,
        clock: Clock | None = None,
        codes: SecretCodes | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._dynamodb_client = dynamodb_client
        self._kms_client = kms_client
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
        labels = {name: text.label for name, text in self.content.complaint_form.fields.items()}
        headers = {"Idempotency-Key": "Idempotency-Key 请求头", "X-Access-Code": "查询码（X-Access-Code 请求头）"}
        return {**labels, **headers, "body": "请求内容"}

    @cached_property
    def complaint_policy(self) -> ComplaintPolicy:
        from portal.adapters.working_calendar import OfficialWorkingCalendar

        return ComplaintPolicy(
            options=self.content.complaint_options(),
            rule_set=self.content.rule_set(self.settings.rule_set),
            calendar=OfficialWorkingCalendar(self.content.calendar_overrides),
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
        from portal.adapters.personal_data_cipher import KmsEnvelopeCipher, LocalKeyCipher

        if self.settings.pii_kms_key_id:
            kms = self._kms_client
            if kms is None:
                import boto3

                kms = boto3.client("kms")
            return KmsEnvelopeCipher(kms, self.settings.pii_kms_key_id)
        if self.settings.pii_key_file:
            return LocalKeyCipher(self.settings.pii_key_file.read_bytes())
        raise RuntimeError("set PII_KMS_KEY_ID (AWS) or PII_KEY_FILE (embedded) to store personal data")

    @cached_property
    def complaints(self) -> ComplaintRepository:
        from portal.adapters.dynamodb_complaints import DynamoDBComplaintRepository

        return DynamoDBComplaintRepository(self.dynamodb, self.settings.complaints_table, self.personal_data_cipher)

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
