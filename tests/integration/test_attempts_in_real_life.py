"""Training attempts that survive real life, against the fake services over real HTTP with a real
project file: a job creation whose answer is lost, the same examples trained again at another
address or with another account, a job deleted on the service, and a fresh attempt on request.

Each case counts what the service was asked to do (one job, never two) and reads the project's
history, which belongs to one address and one account per attempt (by a fingerprint of the key,
never the key)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fineauthor.core.catalog import load_catalog
from fineauthor.core.dataset.example import Example, Message
from fineauthor.core.project.job_history import key_fingerprint
from fineauthor.core.project.project import Project
from fineauthor.providers.base import ProviderError, TrainingOptions
from fineauthor.providers.openai.service import OpenAIProvider
from fineauthor.providers.together.service import TogetherProvider
from fineauthor.training.attempts import (
    CREATING,
    GONE,
    LOST_REPLY_WAITS,
    ServiceAccount,
    StartUnconfirmedError,
    service_account,
    start_training,
    unfinished_jobs,
)
from fineauthor.training.prepare import prepare
from tests.fakes.http import Request, Response
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.together_server import TRAINABLE_MODELS, FakeTogetherServer

KEY = "sk-test-real-life-key-0000000000000000"
OTHER_KEY = "sk-test-another-account-key-11111111111"
MODEL = "gpt-4.1-mini-2025-04-14"
TOGETHER_KEY = "tgp_v1_real-life-together-key-0123456789"
TOGETHER_MODEL = TRAINABLE_MODELS[0]
JOBS = "/v1/fine_tuning/jobs"


class Recorder:
    """Stands in for time.sleep and the log: remembers each wait and each line."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.lines: list[str] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def log(self, line: str) -> None:
        self.lines.append(line)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_key=KEY) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url + "/v1")
        yield fake


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    opened = Project.create(tmp_path / "tidewrack.fineauthor", title="Tidewrack")
    opened.update_settings(system_prompt="You are Saltmarrow Hush.", style_name="Saltmarrow Hush")
    for n in range(12):
        opened.add_example(
            Example(
                (
                    Message("system", "You are Saltmarrow Hush."),
                    Message("user", f"Scene {n}: the causeway at dusk."),
                    Message("assistant", f"Water over the stones, number {n}, and a gull."),
                )
            )
        )
    yield opened
    opened.close()


@pytest.fixture
def said() -> Recorder:
    return Recorder()


def train(
    project: Project,
    fake: FakeOpenAI,
    said: Recorder,
    key: str = KEY,
    *,
    max_retries: int = 2,
    **options,
):
    """Train the project's examples as the app does: the account from the key and address."""
    provider = OpenAIProvider(key, base_url=fake.url + "/v1", timeout=10, max_retries=max_retries)
    dataset = prepare(project, load_catalog().model(MODEL), "openai")
    return start_training(
        project,
        provider,
        MODEL,
        TrainingOptions(),
        dataset,
        account=service_account("openai", key),
        log=said.log,
        sleep=said.sleep,
        **options,
    )


def as_another_account(fake: FakeOpenAI) -> None:
    """The same address answers for another account from now on: it sees none of the first
    account's files or jobs (the fake holds one account, so its lists start empty)."""
    with fake._state_lock:
        fake.files, fake.file_contents, fake.jobs, fake.job_order = {}, {}, {}, []
    fake.api_key = OTHER_KEY


# -- a lost answer to the creation ------------------------------------------------------------


def test_a_creation_answered_with_a_500_is_looked_for_and_its_job_used(project, server, said):
    server.lose_next_creation_reply = 500  # the job is made, the answer is an error

    job = train(project, server, said)

    assert server.count("POST", JOBS) == 1 and list(server.jobs) == [job.id]  # one job, ever
    (row,) = project.jobs()
    assert (row["job_id"], row["status"]) == (job.id, job.state)
    assert said.waits == []  # found by the very first look, at once
    assert any("found it" in line and job.id in line for line in said.lines)


def test_a_connection_dropped_after_the_creation_is_looked_for_and_its_job_used(
    project, server, said
):
    server.fail_next("POST", JOBS, drop="after_handler")  # made, and then the line went dead

    job = train(project, server, said)

    assert server.count("POST", JOBS) == 1 and list(server.jobs) == [job.id]
    assert [row["job_id"] for row in project.jobs()] == [job.id]


class SlowToList(FakeOpenAI):
    """Loses the answer to the next creation, then fails the first two looks for the job on
    its side too."""

    def _create_job(self, request: Request) -> Response:
        self.lose_next_creation_reply = 502
        response = super()._create_job(request)
        self.fail_next("GET", JOBS, status=500, times=2)
        return response


def test_a_job_listed_only_after_a_while_is_found_by_a_later_look(project, said, monkeypatch):
    with SlowToList(api_key=KEY) as slow:
        monkeypatch.setenv("OPENAI_BASE_URL", slow.url + "/v1")

        job = train(project, slow, said, max_retries=0)  # each look is one request

        assert slow.count("POST", JOBS) == 1 and list(slow.jobs) == [job.id]
    assert said.waits == list(LOST_REPLY_WAITS[1:3])  # two waits with backoff, then found


def test_a_creation_that_never_happened_says_the_job_may_exist_and_where_to_look(
    project, server, said
):
    server.fail_next("POST", JOBS, status=503)  # refused before any job was made

    with pytest.raises(StartUnconfirmedError) as unconfirmed:
        train(project, server, said)

    message = str(unconfirmed.value)
    assert unconfirmed.value.kind == ProviderError.SERVER
    assert "may have started it" in message
    assert f"looked for it {len(LOST_REPLY_WAITS)} times" in message
    assert "fineauthor jobs --provider openai" in message
    assert "nothing is lost" not in message.lower() and "nothing was lost" not in message.lower()
    assert said.waits == [wait for wait in LOST_REPLY_WAITS if wait]  # every look, with backoff
    (row,) = project.jobs()
    assert row["status"] == CREATING and not row["job_id"]  # what the history can truly say
    assert server.jobs == {}

    # Trying again looks first, then starts the one job.
    job = train(project, server, said)
    assert list(server.jobs) == [job.id]
    assert [r["job_id"] for r in project.jobs()] == [job.id]


def test_together_a_creation_answered_with_a_500_gives_one_job(tmp_path, project, said):
    with FakeTogetherServer(api_key=TOGETHER_KEY) as fake:
        fake.lose_next_creation_reply = 500
        provider = TogetherProvider(TOGETHER_KEY, base_url=fake.base_url, timeout=5.0)
        dataset = prepare(project, load_catalog().model(TOGETHER_MODEL), "together")
        account = ServiceAccount(fake.base_url, key_fingerprint(TOGETHER_KEY))
        with provider:
            job = start_training(
                project,
                provider,
                TOGETHER_MODEL,
                TrainingOptions(),
                dataset,
                account=account,
                log=said.log,
                sleep=said.sleep,
            )
        assert len(fake.create_bodies) == 1 and list(fake.jobs) == [job.id]
    assert [row["job_id"] for row in project.jobs()] == [job.id]


# -- another address, another account, a deleted job, --new ---------------------------------


def test_the_same_examples_at_another_address_start_afresh_with_one_line(
    project, server, said, monkeypatch
):
    first = train(project, server, said)
    with FakeOpenAI(api_key=KEY) as elsewhere:
        address = elsewhere.url + "/v1"
        monkeypatch.setenv("OPENAI_BASE_URL", address)
        said.lines.clear()

        second = train(project, elsewhere, said)

        assert list(elsewhere.jobs) == [second.id] and len(elsewhere.files) == 1
    assert list(server.jobs) == [first.id]  # the first address was not asked again
    assert server.count("GET", JOBS + "/{job_id}") == 0
    (line,) = [line for line in said.lines if "another" in line]
    assert "fresh attempt" in line and "\n" not in line
    rows = project.jobs()
    assert [row["job_id"] for row in rows] == [first.id, second.id]
    assert [row["base_url"] for row in rows] == [server.url + "/v1", address]


def test_another_account_at_the_same_address_starts_afresh_with_one_line(project, server, said):
    first = train(project, server, said)
    as_another_account(server)
    said.lines.clear()

    second = train(project, server, said, key=OTHER_KEY)

    assert second.id != first.id and list(server.jobs) == [second.id]
    assert server.count("GET", JOBS + "/{job_id}") == 0  # the old job was never asked for
    assert len([line for line in said.lines if "another OpenAI account" in line]) == 1
    rows = project.jobs()
    assert [row["key_fingerprint"] for row in rows] == [
        key_fingerprint(KEY),
        key_fingerprint(OTHER_KEY),
    ]


def test_a_job_deleted_on_the_service_is_said_in_one_line_and_a_fresh_attempt_starts(
    project, server, said
):
    first = train(project, server, said)
    with server._state_lock:  # deleted on the service's website
        del server.jobs[first.id]
        server.job_order.remove(first.id)
    said.lines.clear()

    second = train(project, server, said)

    assert second.id != first.id and list(server.jobs) == [second.id]
    (line,) = [line for line in said.lines if "no longer knows" in line]
    assert first.id in line and "fresh attempt" in line
    old, new = project.jobs()
    assert (old["status"], new["job_id"]) == (GONE, second.id)
    assert [row["job_id"] for row in unfinished_jobs(project)] == [second.id]  # not the gone one


def test_a_fresh_attempt_on_request_sends_again_and_starts_a_new_job(project, server, said):
    first = train(project, server, said)
    again = train(project, server, said)
    assert again.id == first.id  # without asking, the running job is picked up

    fresh = train(project, server, said, fresh=True)

    assert fresh.id != first.id and set(server.jobs) == {first.id, fresh.id}
    assert len(server.files) == 2  # the examples were sent again
    assert [row["job_id"] for row in project.jobs()] == [first.id, fresh.id]
    assert any("fresh attempt, as asked" in line for line in said.lines)


def test_the_key_is_nowhere_in_the_project_file_only_its_fingerprint(project, server, said):
    train(project, server, said)
    as_another_account(server)
    train(project, server, said, key=OTHER_KEY)
    project.close()

    data = Path(project.path).read_bytes()
    for key in (KEY, OTHER_KEY):
        assert key.encode() not in data
        assert key[-12:].encode() not in data  # not even its end, as masks show it
        assert key_fingerprint(key).encode() in data
    assert len(key_fingerprint(KEY)) == 12


def test_an_attempt_from_before_accounts_were_noted_is_picked_up_and_claimed(project, server, said):
    # An older FineAuthor recorded this attempt without its address or account.
    legacy = OpenAIProvider(KEY, base_url=server.url + "/v1", timeout=10)
    dataset = prepare(project, load_catalog().model(MODEL), "openai")
    old = start_training(project, legacy, MODEL, TrainingOptions(), dataset)
    (row,) = project.jobs()
    assert (row["base_url"], row["key_fingerprint"]) == (None, None)

    job = train(project, server, said)

    assert job.id == old.id and list(server.jobs) == [old.id]  # the same job, not a second
    (row,) = project.jobs()
    assert (row["base_url"], row["key_fingerprint"]) == (
        server.url + "/v1",
        key_fingerprint(KEY),
    )
