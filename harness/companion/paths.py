"""Where the companion writes: plots/ in the folder it is run from (the
repository's own plots/ when make runs it there; any folder when the lab is
installed)."""
from pathlib import Path

PLOTS_DIR = Path("plots")
WALKTHROUGH_MD = PLOTS_DIR / "walkthrough.md"
