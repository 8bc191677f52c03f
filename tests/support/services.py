"""Real services for the scale-out tests: a throwaway PostgreSQL cluster, a Prefect server
whose database is on it, a process work pool, process workers, and deployments of flows of
this checkout. No mocks, no internet, no docker, no git.

Recipe: deploy a flow of this checkout and run it on process workers (Prefect 3.9.1)
-------------------------------------------------------------------------------------
Every client call below runs with ``PREFECT_API_URL`` set to the server (here:
``with api(server.env()):``, a ``prefect.settings.temporary_settings``)::

    from prefect import Flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    # 1. a process pool (what `prefect work-pool create NAME --type process` does, without
    #    the CLI's ~4 s of start-up)
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(
            name="vlpipe-process", type="process", concurrency_limit=None,
            base_job_template=ProcessWorker.get_default_base_job_template()))

    # 2. the deployment: a *local* source is a LocalStorage whose pull step is
    #    `set_working_directory: <absolute PROJECT_ROOT>`; build/push False: no image.
    #    from_source imports the entrypoint file in this process (to read the flow).
    deployment_id = Flow.from_source(
        source=str(PROJECT_ROOT), entrypoint="flows/area.py:ingest_area",
    ).deploy(
        name="ingest-area", work_pool_name="vlpipe-process", build=False, push=False,
        concurrency_limit=None, job_variables=None, parameters=None,
        ignore_warnings=True, print_next_steps=False)

    # 3. the workers: `prefect worker start --pool vlpipe-process --type process
    #    --name w1 [--limit N]`, with PREFECT_API_URL and PYTHONPATH=PROJECT_ROOT in their
    #    environment. The flow-run process is `python -m prefect.engine`: the pull step
    #    chdirs to PROJECT_ROOT, then the entrypoint *file* is loaded with the cwd on
    #    sys.path only while it loads; an import done later (inside a function) needs
    #    PYTHONPATH. PREFECT_WORKER_QUERY_SECONDS=1: a run is picked up within ~1 s, not 10 s.

    # 4. runs: `run_deployment("flow-name/deployment-name", parameters=...,
    #    idempotency_key=..., timeout=0)` returns the scheduled FlowRun at once (timeout=None
    #    waits for its end). Called inside a flow it is a child ("subflow") run of that flow.
    #    A key seen before returns the *existing* flow run (no new one), whatever its state
    #    (Running, Completed, ...) and even if it was first made outside any flow; inside a
    #    flow each such call still adds a dummy task run to the parent that stays Pending.

Measured here (2 busy cores): cluster start ~1 s; server start on a fresh database
12-16 s (migrations); two workers online ~4-6 s; deploy ~1 s; one tiny run, scheduled to
Completed, ~10-11 s (mostly the flow-run process importing prefect); a repeated key 0.2 s.

Processes: ``Worker`` and ``PrefectServer`` run in their own process group; ``stop()`` ends
the group and everything below it (tests.support.processes.descendants). A worker's
flow-run processes have sessions of their own: killing the worker's group leaves them
running (they finish and report their run); ``Worker.kill(sig, runs=True)`` kills them too.
PostgreSQL runs detached (pg_ctl), as the ``postgres`` user when the tests run as root; its
pg_ctl output must go to files (-l, and no pipes: the postmaster would hold them open).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from uuid import UUID

from flows.config import PROJECT_ROOT
from tests.support.processes import alive, descendants

HOST = "127.0.0.1"
PREFECT_BIN = Path(sys.executable).with_name("prefect")
QUIET_PREFECT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_UI_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


class PostgresNotInstalled(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now (the caller binds it soon after)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def clean_environ() -> dict[str, str]:
    """This process's environment without any PREFECT_* setting (the test session's own
    Prefect home and API must not leak into a service)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}


# ------------------------------------------------------------------------- PostgreSQL


def postgres_bindir() -> Path:
    """The folder of initdb/pg_ctl: ``pg_config --bindir``, else the newest
    /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        candidates.append(Path(out.stdout.strip()))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(p) for p in versions), key=_version, reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresNotInstalled(
        "PostgreSQL server binaries (initdb, pg_ctl) not found (pg_config --bindir, "
        "/usr/lib/postgresql/*/bin): run `make setup` (it installs the Debian package "
        "postgresql) or `apt-get install postgresql`"
    )


def _version(bindir: Path) -> float:
    with contextlib.suppress(ValueError):
        return float(bindir.parent.name)
    return 0.0


def _as_postgres(command: list[str]) -> list[str]:
    """Run as the postgres system user when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (TCP only, trust auth, lc_messages=C,
    fsync off). ``with PostgresCluster.start(tmp_path) as pg: ...`` stops and removes it."""

    root: Path  # holds data/ and postgres.log
    port: int
    bindir: Path
    owned_root: bool = False  # made under /tmp for the postgres user: removed on stop
    running: bool = True

    @classmethod
    def start(cls, base_dir: Path, max_connections: int = 300) -> PostgresCluster:
        bindir = postgres_bindir()
        root, owned = _cluster_root(base_dir)
        _run(_as_postgres([str(bindir / "initdb"), *_INITDB_ARGS, "-D", str(root / "data")]), root)
        for attempt in range(3):  # a port taken between free_port() and the bind: retry
            cluster = cls(root=root, port=free_port(), bindir=bindir, owned_root=owned)
            try:
                cluster._pg_ctl("start", "-o", cluster._options(max_connections), "-l", cluster.log)
                return cluster
            except subprocess.CalledProcessError:
                if attempt == 2:
                    if owned:
                        shutil.rmtree(root, ignore_errors=True)
                    raise
        raise AssertionError("unreachable")

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> str:
        return str(self.root / "postgres.log")

    def log_text(self) -> str:
        return Path(self.log).read_text(encoding="utf-8", errors="replace")

    def dsn(self, name: str) -> str:
        """The libpq connection string of database ``name``."""
        return f"host={HOST} port={self.port} user=postgres dbname={name}"

    def sqlalchemy_url(self, name: str) -> str:
        """The SQLAlchemy (asyncpg) URL of database ``name``, e.g. for the Prefect server."""
        return f"postgresql+asyncpg://postgres@{HOST}:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its libpq DSN."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run ``sql`` with psql (stops at the first error); returns its unaligned output."""
        command = [str(self.bindir / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        command += ["-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql]
        return _run(command, self.root).stdout

    def ready(self) -> bool:
        """Whether the cluster accepts connections now."""
        probe = [str(self.bindir / "pg_isready"), "-q", "-h", HOST, "-p", str(self.port)]
        return subprocess.run(probe, check=False).returncode == 0

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL not ready after {timeout} s:\n{self.log_text()}")
            time.sleep(0.1)

    def restart(self) -> None:
        """A fast restart (every connection is cut); returns once it accepts connections."""
        self._pg_ctl("restart", "-m", "fast", "-l", self.log)
        self.wait_ready()

    def stop(self) -> None:
        """Stop the cluster (idempotent); remove its folder when it was made under /tmp."""
        if self.running:
            self.running = False
            try:
                self._pg_ctl("stop", "-m", "fast")
            except subprocess.CalledProcessError:
                self._kill_postmaster()
        if self.owned_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _options(self, max_connections: int) -> str:
        settings = {
            "listen_addresses": HOST,
            "unix_socket_directories": "''",  # TCP only: no socket path-length limits
            "lc_messages": "C",  # DuckLake's retries parse English messages
            "max_connections": str(max_connections),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        return f"-p {self.port} " + " ".join(f"-c {k}={v}" for k, v in settings.items())

    def _pg_ctl(self, action: str, *args: str) -> None:
        command = [str(self.bindir / "pg_ctl"), action, "-D", str(self.data), "-w", "-t", "60"]
        _run(_as_postgres([*command, *args]), self.root)

    def postmaster_pid(self) -> int | None:
        """The server's main process (its backends are its children), while it runs."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def pids(self) -> set[int]:
        """Every process of the cluster now."""
        pid = self.postmaster_pid()
        return set() if pid is None else {pid} | descendants(pid)

    def _kill_postmaster(self) -> None:
        if (pid := self.postmaster_pid()) is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


_INITDB_ARGS = ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"]


def _cluster_root(base_dir: Path) -> tuple[Path, bool]:
    """The cluster's folder. As root: a fresh mode-0755 folder under the system temp dir
    owned by postgres (a pytest tmp_path sits below a 0700 folder postgres cannot cross),
    linked from ``base_dir/postgres``; otherwise ``base_dir/postgres`` itself."""
    base_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        root = base_dir / "postgres"
        root.mkdir()
        return root, False
    root = Path(tempfile.mkdtemp(prefix="vlpipe-pg-", dir="/tmp"))
    root.chmod(0o755)
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresNotInstalled(
            "running as root, PostgreSQL needs the system user postgres (made by the Debian "
            "package postgresql): run `make setup`, or run the tests as a normal user"
        ) from None
    os.chown(root, user.pw_uid, user.pw_gid)
    with contextlib.suppress(OSError):
        (base_dir / "postgres").symlink_to(root)
    return root, True


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command to its end; raise with its output when it fails. The output goes
    through files, not pipes: a daemon it starts (postgres) must not hold our pipe open."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        done = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        code = done.returncode
        stdout, stderr = (_read(f) for f in (out, err))
    if code != 0:
        raise CommandFailed(code, command, stdout, stderr)
    return subprocess.CompletedProcess(command, code, stdout, stderr)


class CommandFailed(subprocess.CalledProcessError):
    """A command that failed, its output in the message."""

    def __str__(self) -> str:
        return f"{super().__str__()}\n{self.stdout}{self.stderr}"


def _read(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


# ------------------------------------------------------------- processes of our own


@dataclass
class _Group:
    """A process started in its own process group (session), its output in a log file."""

    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] = field(repr=False)
    seen: set[int] = field(default_factory=set)

    @classmethod
    def spawn(cls, command: list[str], env: dict[str, str], log_path: Path) -> _Group:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = log_path.open("ab")
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return cls(process=process, log_path=log_path, _log=log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def pids(self) -> set[int]:
        """The process and every process below it now (and any seen before)."""
        self.seen |= {self.pid} | descendants(self.pid)
        return set(self.seen)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group."""
        self.seen |= descendants(self.pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, sig)

    def stop(self, grace: float = 10) -> None:
        """SIGTERM to the group, SIGKILL after ``grace`` s to it and to anything still alive
        below it (a child in a session of its own included); reaps the process."""
        if self.process.poll() is None:
            self.kill(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        self.seen |= descendants(self.pid)
        self.kill(signal.SIGKILL)
        for pid in self.seen:
            if alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()


# ------------------------------------------------------------------- Prefect server


@dataclass
class PrefectServer:
    """``prefect server start`` on a database URL (e.g. PostgresCluster.sqlalchemy_url)."""

    group: _Group
    api_url: str
    home: Path
    database_url: str

    @classmethod
    def start(cls, database_url: str, home: Path, timeout: float = 120) -> PrefectServer:
        home.mkdir(parents=True, exist_ok=True)
        port = free_port()
        env = clean_environ() | QUIET_PREFECT
        env |= {"PREFECT_HOME": str(home), "PREFECT_API_DATABASE_CONNECTION_URL": database_url}
        command = [str(PREFECT_BIN), "server", "start", "--host", HOST, "--port", str(port)]
        group = _Group.spawn(command, env, home / "server.log")
        server = cls(group, f"http://{HOST}:{port}/api", home, database_url)
        try:
            server.wait_healthy(timeout)
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def pid(self) -> int:
        return self.group.pid

    def env(self) -> dict[str, str]:
        """The Prefect settings of a client or worker of this server (to merge into an
        environment)."""
        return QUIET_PREFECT | {"PREFECT_API_URL": self.api_url, "PREFECT_HOME": str(self.home)}

    def healthy(self) -> bool:
        url = f"{self.api_url}/health"
        with contextlib.suppress(OSError, ValueError), urllib.request.urlopen(url, timeout=5) as r:
            return bool(r.status == 200)
        return False

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.group.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prefect server not healthy:\n{self.group.log_text()}")
            time.sleep(0.25)

    def log_text(self) -> str:
        return self.group.log_text()

    def pids(self) -> set[int]:
        return self.group.pids()

    def stop(self) -> None:
        self.group.stop()


@contextlib.contextmanager
def api(env: dict[str, str]) -> Iterator[None]:
    """Prefect client calls in this process go to ``env["PREFECT_API_URL"]``."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
        yield


def create_process_pool(env: dict[str, str], name: str, concurrency_limit: int | None) -> None:
    """A work pool of type process (the default process job template)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    pool = WorkPoolCreate(
        name=name,
        type="process",
        concurrency_limit=concurrency_limit,
        base_job_template=ProcessWorker.get_default_base_job_template(),
    )
    with api(env), get_client(sync_client=True) as client:
        client.create_work_pool(pool)


def deploy(
    env: dict[str, str],
    entrypoint: str,
    name: str,
    pool: str,
    *,
    concurrency_limit: int | None = None,
    parameters: dict[str, Any] | None = None,
    job_variables: dict[str, Any] | None = None,
) -> UUID:
    """Deploy ``entrypoint`` ("path/of/file.py:flow_function", relative to this checkout) to
    ``pool`` with the checkout itself as the code's place (no image, no git)."""
    from prefect import Flow

    with api(env):
        flow = Flow.from_source(source=str(PROJECT_ROOT), entrypoint=entrypoint)
        if not isinstance(flow, Flow):  # a coroutine: called inside an event loop
            raise TypeError("deploy() is synchronous: call it outside an event loop")
        deployment_id = flow.deploy(
            name=name,
            work_pool_name=pool,
            build=False,
            push=False,
            concurrency_limit=concurrency_limit,
            parameters=parameters,
            job_variables=job_variables,
            ignore_warnings=True,
            print_next_steps=False,
        )
    return UUID(str(deployment_id))


def wait_final(env: dict[str, str], ids: set[str], timeout: float = 60) -> dict[str, str]:
    """Wait (at most ``timeout`` s) until every flow run in ``ids`` is in a final state;
    returns each run's state name (a run still going after the timeout: its current one)."""
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with api(env), get_client(sync_client=True) as client:
        while True:
            runs = [client.read_flow_run(UUID(i)) for i in ids]
            if all(r.state and r.state.is_final() for r in runs) or time.monotonic() > deadline:
                return {str(r.id): (r.state.name if r.state else None) or "?" for r in runs}
            time.sleep(0.5)


def flow_runs_of(env: dict[str, str], deployment_id: UUID) -> list[str]:
    """The ids of every flow run of a deployment."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    only = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
    with api(env), get_client(sync_client=True) as client:
        return [str(r.id) for r in client.read_flow_runs(deployment_filter=only)]


# ------------------------------------------------------------------------- workers


@dataclass
class Worker:
    """``prefect worker start --type process`` in its own process group."""

    group: _Group
    name: str
    pool: str

    @classmethod
    def start(
        cls,
        env: dict[str, str],
        pool: str,
        name: str,
        limit: int | None = None,
        extra_env: dict[str, str] | None = None,
        log_dir: Path | None = None,
        wait: float | None = 60,
    ) -> Worker:
        """Start a worker (``env``: PrefectServer.env()); with ``wait``, return once the
        server lists it online."""
        command = [str(PREFECT_BIN), "worker", "start", "--pool", pool, "--type", "process"]
        command += ["--name", name] + (["--limit", str(limit)] if limit is not None else [])
        full_env = clean_environ() | {
            "PYTHONPATH": str(PROJECT_ROOT),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
        }
        full_env |= env | (extra_env or {})
        folder = log_dir or Path(env["PREFECT_HOME"])
        worker = cls(_Group.spawn(command, full_env, folder / f"worker-{name}.log"), name, pool)
        if wait is not None:
            try:
                worker.wait_online(env, wait)
            except BaseException:
                worker.stop()
                raise
        return worker

    @property
    def pid(self) -> int:
        return self.group.pid

    def online(self, env: dict[str, str]) -> bool:
        from prefect.client.orchestration import get_client

        with api(env), get_client(sync_client=True) as client:
            workers = client.read_workers_for_work_pool(self.pool)
        return any(w.name == self.name and _value(w.status) == "ONLINE" for w in workers)

    def wait_online(self, env: dict[str, str], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.online(env):
            if self.group.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.name} not online:\n{self.log_text()}")
            time.sleep(0.5)

    def kill(self, sig: int = signal.SIGKILL, runs: bool = False) -> None:
        """Send ``sig`` to the worker's process group. Its flow-run processes are NOT in it
        (Prefect 3.9 starts each in a session of its own): they go on and finish their run
        unless ``runs`` (then they get ``sig`` too, like a crash of the whole machine)."""
        below = descendants(self.pid) if runs else set()
        self.group.kill(sig)
        for pid in below:
            with contextlib.suppress(OSError):
                os.kill(pid, sig)

    def run_pids(self) -> set[int]:
        """The processes below the worker now (its flow runs and what they started)."""
        return descendants(self.pid)

    def stop(self) -> None:
        self.group.stop()

    def pids(self) -> set[int]:
        return self.group.pids()

    def log_text(self) -> str:
        return self.group.log_text()


def _value(status: object) -> object:
    return getattr(status, "value", status)
