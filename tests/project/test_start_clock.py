import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

PROBE = '''
import datetime
def test_probe():
    print("NOW", datetime.datetime.now(datetime.timezone.utc).isoformat())
'''


def test_the_suite_can_run_at_another_day_and_hour(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.start_clock", "--start-at=2026-12-11T23:58:30+00:00",
         "-p", "no:cacheprovider", "-s", "-q", str(tmp_path / "test_probe.py")],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    # A Friday two minutes before midnight, ticking: the run itself takes well under a minute.
    assert "NOW 2026-12-11T23:58:" in run.stdout or "NOW 2026-12-11T23:59:" in run.stdout, run.stdout
