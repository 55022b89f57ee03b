"""Where the companion writes: plots/ at the top of the repository."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PLOTS_DIR = REPO_ROOT / "plots"
WALKTHROUGH_MD = PLOTS_DIR / "walkthrough.md"
