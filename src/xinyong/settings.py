"""The one settings object, read from XINYONG_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./xinyong.db"
    data_dir: Path = Path("./data")
    # A drop file at least this large, into an empty table, loads with secondary indexes
    # dropped and rebuilt at the end.
    bulk_load_bytes: int = 8 * 1024 * 1024
    # SQLite page cache per connection, in MB.
    sqlite_cache_mb: int = 128
    # Seconds between checkpoints of a SQLite file's WAL made by a thread of a server process
    # (db.WalCheckpoints), instead of by whichever commit crosses SQLite's threshold — that
    # commit then wrote ~40 MB back into the file and waited for its fsync while every other
    # writer waited for it (bench/RESULTS.md, load). 0 = SQLite's own; `serve` sets 1. Only
    # for processes that run the thread: elsewhere the WAL would grow until the last close.
    sqlite_checkpoint_seconds: float = 0
    # Upstream sources (sources.yaml); None = the built-in file-drop sources under data_dir.
    sources_file: Path | None = None
    # Event rules (alerts); None = the rules shipped in xinyong/alerts/rules.yaml.
    rules_file: Path | None = None
    # Three-step verification rules; None = xinyong/verification/rules.yaml.
    verification_rules_file: Path | None = None
    # The sync lease is renewed every third of this while a sync runs; a killed sync's
    # lease expires after it.
    sync_lease_seconds: int = 90
    # One server process of a deployment leads the scheduler: it holds this lease, renewing it
    # every third of its length; when it dies another takes over within this many seconds.
    scheduler_lease_seconds: int = 30
    # Run the daily syncs inside the server (`xinyong serve` turns this on).
    run_scheduler: bool = False
    # Default division of this deployment (信用连云港 = 320700).
    division_code: str = "320700"
    # Divisions the registry uses beside GB/T 2260's counties (development zones, 开发区), with
    # their Chinese and English names: offered with the counties in the portal's filters.
    division_zones: dict[str, tuple[str, str]] = {
        "320771": (
            "连云港经济技术开发区",
            "Lianyungang Economic and Technological Development Zone",
        )
    }
    site_name: str = "信用连云港"
    site_name_en: str = "Credit Lianyungang"
    # Public reads (search, profile) are cached per data generation (api/cache.py): this many MB
    # per server process in memory, or in Redis when XINYONG_REDIS_URL is set; 0 = off.
    cache_mb: int = 64
    # Redis entries of a superseded generation are never read again; they expire after this.
    cache_ttl_seconds: int = 3600
    # Without Redis, the processes of one machine share answers through this directory (a
    # disk cache behind each process's memory); `serve --workers N` makes a fresh one for each
    # run under data_dir/cache. None = each process keeps its own.
    shared_cache_dir: Path | None = None
    shared_cache_mb: int = 256
    # SQLAlchemy pool of a server process (PostgreSQL, and SQLite files). Sync routes run on
    # as many threads as the pool keeps connections, so each request thread finds a kept one;
    # the overflow serves what runs beside them (scheduler jobs, the cache's generation reads).
    # Kept, not overflow: an overflow connection is closed when returned, and a fresh SQLite
    # connection re-reads the schema and starts with a cold page cache (bench/load).
    pool_size: int = 20
    pool_overflow: int = 10
    # A PostgreSQL connection idle in the pool longer than this is pinged before it is used,
    # and replaced if the server has dropped it (a restart, a firewall's idle timeout). A
    # ping on every checkout was a round trip of every request's few (bench/RESULTS.md, load).
    pool_ping_after_idle_seconds: float = 10.0
    # Threads that run sync routes in a server process (0 = by engine). SQLite work is CPU in
    # this process, and threads beyond a few only contend for the GIL and the write turn:
    # 4 served more verifications, searches and profiles than 6 or 20 (bench/RESULTS.md, load).
    # PostgreSQL work waits on the network: one thread per kept connection.
    threads: int = 0
    # How long a thread computing Python keeps the GIL from one that waits for it, in ms, in a
    # server process (0 = Python's own, 5 ms). A thread back from the database waits up to
    # this at each of its statements while another thread computes: at 1 ms a batch of records
    # beside busy threads took 0.15-0.19 of its time at 5 ms, and the mix's p99 was lower in
    # four paired runs of five, for a few per cent fewer uncached searches (bench/RESULTS.md).
    switch_interval_ms: float = 1.0
    # A request that waited longer than this for a worker thread is refused with 503 and
    # Retry-After instead of computed for a caller that has likely gone (0 = never refuse).
    queue_seconds: float = 5.0
    # Whether the app's PostgreSQL connections receive notifications: direct connections and
    # session pooling do, a transaction-pooling proxy (PgBouncer's transaction mode) drops them.
    # With them, a kept data generation is read again only when a change is announced, and a
    # commit of the process's own moved one only if its connection heard its notification;
    # without (false), every commit of the process counts as a change and a kept generation
    # serves at most a second (api/cache.GenerationReader, decision 0046).
    database_notifies: bool = True
    # An optional read-only replica for public reads (see docs/deploy.md); None = the primary.
    read_database_url: str | None = None
    # FastAPI's native OpenTelemetry, for a deployment that installs and configures an
    # OpenTelemetry SDK (none ships with the site). Off by default: FastAPI checks the global
    # trace, metric and log providers on every request (bench/RESULTS.md, load).
    opentelemetry: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()
