"""hypothesis settings profiles for the fuzzer.

quick     deterministic, a few hundred programs, no example database: what
          `make test` runs, the same programs on every machine.
campaign  `make fuzz`: FUZZ_EXAMPLES programs (default 10000), random, with
          the example database in .hypothesis/ (gitignored) so a failure found
          once is tried first next time.
"""
import os
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

QUICK_EXAMPLES = 300
CAMPAIGN_EXAMPLES = 10000
DATABASE_DIR = Path(__file__).resolve().parents[2] / ".hypothesis" / "fuzz"

# Programs are built step by step and some backends start a Lua state: a slow
# draw is expected, and an example is never timed out.
_COMMON = dict(deadline=None, print_blob=False,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def campaign_examples():
    """FUZZ_EXAMPLES from the environment, a positive integer."""
    raw = os.environ.get("FUZZ_EXAMPLES", str(CAMPAIGN_EXAMPLES))
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"FUZZ_EXAMPLES={raw!r}: expected a positive integer")
    return n


def quick(max_examples=QUICK_EXAMPLES):
    return settings(max_examples=max_examples, derandomize=True, database=None, **_COMMON)


def campaign(max_examples=None, database_dir=DATABASE_DIR):
    return settings(max_examples=max_examples or campaign_examples(),
                    database=DirectoryBasedExampleDatabase(str(database_dir)), **_COMMON)


@contextmanager
def same_programs_everywhere(profile):
    """For a derandomized profile: hypothesis also draws numbers from constants
    it mines in the project's loaded modules, cached at first use, so the
    programs would depend on which modules (and tests) ran first.  Inside
    this block it mines none.  (hypothesis < 7 keeps these names; without
    them the block does nothing.)"""
    try:
        from hypothesis.internal.conjecture import providers
        saved = providers._get_local_constants, providers.CONSTANTS_CACHE
    except (ImportError, AttributeError):
        saved = None
    if not profile.derandomize or saved is None:
        yield
        return
    none = type(providers._local_constants)(
        **{name: type(found)(key=getattr(found, "key", None))
           for name, found in vars(providers._local_constants).items()})
    providers._get_local_constants, providers.CONSTANTS_CACHE = (lambda: none), {}
    try:
        yield
    finally:
        providers._get_local_constants, providers.CONSTANTS_CACHE = saved


settings.register_profile("quick", quick())
settings.register_profile("campaign", campaign(max_examples=CAMPAIGN_EXAMPLES))
