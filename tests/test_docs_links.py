"""Every relative link and image in the repository's Markdown leads somewhere (scripts/check_links.py)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_dead_links_in_markdown():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_links.py"), str(ROOT)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"dead links (file:line: target):\n{run.stdout}{run.stderr}"
