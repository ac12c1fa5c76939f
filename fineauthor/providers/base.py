"""The one small interface every training service is used through.

The UI and the command line see only this: a new service (Fireworks next) is one more module
that implements ``Provider``. Everything here is plain data; nothing holds an API key except a
provider instance, in memory, for as long as it lives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from fineauthor.core.errors import FineAuthorError

# A job's state in FineAuthor's own words; each provider maps its status words onto these.
VALIDATING, QUEUED, RUNNING, PAUSED = "validating", "queued", "running", "paused"
SUCCEEDED, FAILED, CANCELLED = "succeeded", "failed", "cancelled"
FINISHED_STATES = frozenset({SUCCEEDED, FAILED, CANCELLED})

# A deployment's state in plain words (a server rented to run a trained model); each provider
# maps its own words onto these. Starting and ready both cost money.
DEPLOYMENT_STARTING, DEPLOYMENT_READY = "starting", "ready"
DEPLOYMENT_STOPPING, DEPLOYMENT_STOPPED, DEPLOYMENT_FAILED = "stopping", "stopped", "failed"
BILLED_DEPLOYMENT_STATES = frozenset({DEPLOYMENT_STARTING, DEPLOYMENT_READY})

# How a model learns: from examples of the ideal reply (supervised fine-tuning), or from pairs
# of replies where the writer chose one (preference fine-tuning, DPO — DESIGN §3).
SUPERVISED, PREFERENCE = "supervised", "preference"
TRAINING_KINDS = (SUPERVISED, PREFERENCE)

Progress = Callable[[int, int], None]  # (bytes sent, bytes in all)
Cancelled = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    id: str
    filename: str
    bytes: int


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """What the writer may set; None leaves the service's own choice ("auto")."""

    epochs: int | None = None
    learning_rate_multiplier: float | None = None
    batch_size: int | None = None
    suffix: str | None = None  # becomes part of the model's name
    lora: bool = True  # Together AI: a LoRA adapter (cheaper) rather than a full fine-tune
    validation_file_id: str | None = None
    method: str = SUPERVISED  # SUPERVISED or PREFERENCE (the file then holds preference pairs)
    dpo_beta: float | None = None  # preference only: how far it may move from where it starts
    # The writer's trained model to start from, as the service names it (set for a round of
    # choices: its output model name); None starts from the base model.
    from_model: str | None = None

    def __post_init__(self) -> None:
        if self.method not in TRAINING_KINDS:
            raise ValueError(f"method must be one of {TRAINING_KINDS}, not {self.method!r}")


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    provider: str
    state: str  # one of the states above
    status: str  # the provider's own word for it
    model: str  # the base model
    training_file: str
    fine_tuned_model: str | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None
    estimated_finish: datetime | None = None
    trained_tokens: int | None = None
    error_message: str | None = None  # the provider's reason when it failed
    method: str = SUPERVISED  # what it learns from: examples, or preference pairs

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


@dataclass(frozen=True, slots=True)
class JobEvent:
    id: str
    created_at: datetime
    message: str
    level: str = "info"  # "info", "warning" or "error"
    kind: str = "message"  # "message" or "metrics"
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MetricPoint:
    step: int
    train_loss: float | None = None
    valid_loss: float | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: str
    step: int
    model: str  # a model id that can be used like the final one
    train_loss: float | None = None
    valid_loss: float | None = None


@dataclass(frozen=True, slots=True)
class RemoteModel:
    """A model a service lists. The prices are dollars per 1M tokens read and written by a
    reply, when the service's own listing says (None: not known)."""

    id: str
    owned_by: str = ""
    shutdown_date: date | None = None
    input_price_per_1m_usd: float | None = None
    output_price_per_1m_usd: float | None = None


@dataclass(frozen=True, slots=True)
class PriceEstimate:
    usd: float
    billed_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Deployment:
    """A server the writer rented to run a trained model: ``state`` is one of the deployment
    states above, ``status`` the service's own word; ``price_per_hour_usd`` is None when the
    service does not say."""

    id: str
    provider: str
    model: str
    state: str
    status: str
    price_per_hour_usd: float | None = None
    created_at: datetime | None = None
    # The name to ask for replies through this server ('' when the model's own name works):
    # Together names the endpoint, Fireworks joins model and deployment with "#".
    chat_model: str = ""

    @property
    def billed(self) -> bool:
        """Whether it is costing money now (starting counts: the server is already rented)."""
        return self.state in BILLED_DEPLOYMENT_STATES


class ProviderError(FineAuthorError):
    """A training service said no, or could not be reached. ``str()`` is a plain sentence that
    says what happened and what to do next; it never contains the API key."""

    # What kind of trouble, so the UI and the command line can offer the right next step.
    AUTH = "auth"  # bad or revoked key
    BILLING = "billing"  # no credit, billing not set up
    RATE_LIMITED = "rate_limited"
    NOT_ALLOWED = "not_allowed"  # this account may not fine-tune (OpenAI's wind-down)
    MODEL_UNAVAILABLE = "model_unavailable"  # unknown, retired or not offered for training
    FILE_REJECTED = "file_rejected"
    JOB_FAILED = "job_failed"
    NOT_FOUND = "not_found"
    NETWORK = "network"  # no connection, timeouts, dropped connections
    SERVER = "server"  # the service's own trouble (5xx)
    CANCELLED = "cancelled"  # the writer stopped it
    REFUSED = "refused"  # the service refused the request as sent (a setting out of range)

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retry_after: float | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after
        self.line = line  # the training file's line the service complained about, if it said


class Provider(ABC):
    """One training service, reached with one API key."""

    id: str  # as in the model catalog: "openai", "together", …
    name: str  # for the writer: "OpenAI", "Together AI", …
    #: Whether the service trains on preference pairs, and whether it can start that training
    #: from a model the writer trained there before (``TrainingOptions.from_model``).
    trains_preferences: bool = False
    preference_on_top: bool = False

    @abstractmethod
    def check_key(self) -> None:
        """One cheap authenticated call; raises ProviderError (AUTH) when the key is refused."""

    @abstractmethod
    def upload(
        self,
        path: Path,
        *,
        filename: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> UploadedFile:
        """Send a training file. ``progress(sent, total)`` as bytes go out; when
        ``cancelled()`` turns true the upload stops with ProviderError(CANCELLED)."""

    @abstractmethod
    def find_file(self, filename: str) -> UploadedFile | None:
        """An earlier upload of that name, if the service still has it (to resume)."""

    @abstractmethod
    def create_job(self, model: str, training_file: str, options: TrainingOptions) -> Job:
        """Start a fine-tune. Never retried automatically: a second call could start a second
        job. Callers look with ``find_job`` first when resuming."""

    @abstractmethod
    def find_job(self, training_file: str) -> Job | None:
        """The newest job trained on that file, if there is one (to resume without
        duplicating)."""

    @abstractmethod
    def get_job(self, job_id: str) -> Job: ...

    @abstractmethod
    def list_jobs(self, limit: int = 20) -> list[Job]:
        """The account's jobs, newest first."""

    @abstractmethod
    def cancel_job(self, job_id: str) -> Job: ...

    @abstractmethod
    def events(self, job_id: str, after: str | None = None) -> list[JobEvent]:
        """The job's events after the event ``after`` (all when None), oldest first."""

    @abstractmethod
    def metrics(self, job_id: str) -> list[MetricPoint]:
        """Training (and validation) loss by step, every step known so far, in step order."""

    @abstractmethod
    def checkpoints(self, job_id: str) -> list[Checkpoint]: ...

    @abstractmethod
    def list_models(self) -> list[RemoteModel]: ...

    def chat_models(self) -> list[RemoteModel]:
        """The models that write replies through :meth:`chat` (writing prompts from prose),
        with their prices when the service lists them; by default the same as
        :meth:`list_models`."""
        return self.list_models()

    @abstractmethod
    def estimate_price(
        self, model: str, training_file: str, options: TrainingOptions
    ) -> PriceEstimate | None:
        """The service's own price for this job, or None when it gives none."""

    @abstractmethod
    def chat(
        self,
        model: str,
        messages: Sequence[dict[str, str]],
        *,
        temperature: float = 1.0,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        """Stream a reply (OpenAI-compatible chat), piece by piece, for the test bench."""

    # Deployments: a trained model some services run only on a server rented by the hour.
    # A service that offers none keeps these defaults.

    def needs_deployment(self, model: str) -> bool:
        """Whether ``model`` can only be used on a deployment (no network)."""
        return False

    def deployment_price(self, model: str) -> float | None:
        """Dollars per hour a deployment of ``model`` would cost, when the service says."""
        return None

    def start_deployment(self, model: str) -> Deployment:
        """Rent a server for ``model``; it costs money from now until it is stopped. Never
        retried automatically: a second call could rent a second server."""
        raise ProviderError(ProviderError.REFUSED, self._no_deployments())

    def get_deployment(self, deployment_id: str) -> Deployment:
        raise ProviderError(ProviderError.REFUSED, self._no_deployments())

    def stop_deployment(self, deployment_id: str) -> None:
        """Stop (and remove) the deployment, so it costs nothing more."""
        raise ProviderError(ProviderError.REFUSED, self._no_deployments())

    def list_deployments(self) -> list[Deployment]:
        """The account's deployments, running or not."""
        return []

    def _no_deployments(self) -> str:
        return f"{self.name} runs trained models for you: there is no server to start or stop."
