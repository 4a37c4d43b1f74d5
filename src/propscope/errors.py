"""Coded errors raised by the library.

Every error a user can cause has a code (``E1xx`` input, ``E2xx`` models, ``E3xx`` knowledge base,
``E4xx`` evaluation and training data) so that the CLI, the API and batch reports can name it in one
line. Validate at the boundary and raise one of these; code inside trusts its inputs.
"""

from __future__ import annotations


class PropscopeError(Exception):
    """Base class: ``code`` is stable across releases, ``message`` says what to do."""

    code = "E000"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


class UsageError(PropscopeError):
    """The command line is wrong: an unknown option, a value out of range, a missing argument, options
    that contradict each other."""

    code = "E003"
    exit_code = 2


class InputError(PropscopeError):
    """Something is wrong with the input the user gave."""

    code = "E100"
    exit_code = 2


class InputNotFound(InputError):
    code = "E101"


class EmptyInput(InputError):
    code = "E102"


class BinaryInput(InputError):
    code = "E103"


class UndecodableInput(InputError):
    code = "E104"


class InputTooLarge(InputError):
    code = "E105"


class UnsupportedLanguage(InputError):
    code = "E106"


class UnsupportedFormat(InputError):
    code = "E107"


class BadRecord(InputError):
    """A row of a JSONL/CSV batch, or of a TSV file, that cannot be read."""

    code = "E108"


class RecordTooComplex(BadRecord):
    """A JSON document or JSONL row nested deeper, or larger, than the limits (refused before parsing)."""

    code = "E109"


class FetchError(InputError):
    """A URL could not be fetched (network error, HTTP error, time-out)."""

    code = "E110"


class ForbiddenAddress(FetchError):
    """A URL resolves to a private, link-local or loopback address and the user did not allow it."""

    code = "E111"


class SpecialFile(InputError):
    """An input that is not a regular file (FIFO, device, socket), or a symlink that leaves its directory."""

    code = "E112"


class OutputError(PropscopeError):
    """The report cannot be written where the user asked."""

    code = "E120"
    exit_code = 2


class OutputIsInput(OutputError):
    """The output is one of the inputs, or lies inside an input directory (it would be read back)."""

    code = "E121"


class OutputExists(OutputError):
    """The output exists and neither ``--force`` nor ``--resume`` was given."""

    code = "E122"


class OutputNotWritable(OutputError):
    """The output is a directory, its folder cannot be written, or the disk is full."""

    code = "E123"


class ModelError(PropscopeError):
    code = "E200"
    exit_code = 3


class ModelNotFound(ModelError):
    code = "E201"


class BadModelDirectory(ModelError):
    code = "E202"


class TrainingDependencyMissing(ModelError):
    code = "E203"


class ComponentUnavailable(ModelError):
    """A component the run settings ask for cannot run here (its model or KB is not installed)."""

    code = "E204"


class KnowledgeBaseError(PropscopeError):
    code = "E300"
    exit_code = 4


class KnowledgeBaseLocked(KnowledgeBaseError):
    """Another process holds the KB's write lock for longer than the busy time-out."""

    code = "E320"


class DataError(PropscopeError):
    """Training or evaluation data that is missing or malformed."""

    code = "E400"
    exit_code = 2


class SourceConfigError(KnowledgeBaseError):
    """The sources of ``kb update`` are not configured, or badly (a missing API key included)."""

    code = "E310"


class SourceFetchError(KnowledgeBaseError):
    """A KB source could not be fetched: network error, time-out, HTTP error."""

    code = "E311"


class SourceQuotaExceeded(SourceFetchError):
    """A KB source answered HTTP 429: the request quota is used up (or requests came too fast)."""

    code = "E312"


class SourceAccessDenied(SourceFetchError):
    """A KB source refused access (HTTP 401/403, or an API key it does not accept)."""

    code = "E313"


class SourceFormatError(SourceFetchError):
    """A KB source answered with something that is not in the format it publishes."""

    code = "E314"


class StoreError(PropscopeError):
    """The store of analyses (SQLite / PostgreSQL) cannot be opened or used."""

    code = "E500"
    exit_code = 5


class StoreNotMigrated(StoreError):
    code = "E501"


class NotFound(InputError):
    """A stored article, analysis, job or token that does not exist (or that the caller may not see)."""

    code = "E502"


class BadCorrection(InputError):
    """A correction whose target or values do not fit the stored analysis."""

    code = "E503"


class Conflict(InputError):
    """A name that must be unique is taken (an API token's name)."""

    code = "E504"


class ApiError(PropscopeError):
    """A request the REST API refuses; ``status`` is its HTTP status."""

    code = "E600"
    exit_code = 2
    status = 400


class Unauthorized(ApiError):
    code = "E601"
    status = 401


class Forbidden(ApiError):
    code = "E602"
    status = 403


class RateLimited(ApiError):
    code = "E603"
    status = 429


class RequestTooLarge(ApiError):
    code = "E604"
    status = 413


class BadRequest(ApiError):
    code = "E605"
    status = 422


class BatchError(PropscopeError):
    """A corpus run (``propscope batch``) that cannot start or continue as asked."""

    code = "E700"
    exit_code = 2


class LedgerMismatch(BatchError):
    """The output folder's ledger was written by another pipeline (models, settings, components)."""

    code = "E701"


class ScaleDependencyMissing(BatchError):
    """Parquet output or the Ray engine needs the ``[scale]`` extra (pyarrow, ray)."""

    code = "E702"


class OutputInsideInput(BatchError):
    """The output folder lies inside an input folder (the next run would read its own output)."""

    code = "E703"
