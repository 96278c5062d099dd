"""scripts/system-deps.sh (run by `make install` and `make test`) waits for apt's lock when
another apt or dpkg holds it, and says so, rather than failing at once.

apt-get, ldconfig, id and sleep are stand-ins on PATH: the stand-in apt-get refuses like the
real one while "another process" holds a lock — the lists lock for its first two `update`
calls, the dpkg lock whenever `install` is not told to wait for it."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_APT_GET = r"""#!/usr/bin/env bash
echo "$*" >> "$FAKES/apt-get.log"
case " $* " in
  *" update "*)
    tries=$(( $(cat "$FAKES/update-tries" 2>/dev/null || echo 0) + 1 ))
    echo "$tries" > "$FAKES/update-tries"
    if [ "$tries" -le 2 ]; then
      echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
      echo "E: Unable to lock directory /var/lib/apt/lists/" >&2
      exit 100
    fi ;;
  *" install "*)
    case "$*" in
      *DPkg::Lock::Timeout=*) ;;
      *) echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242" >&2
         exit 100 ;;
    esac ;;
esac
exit 0
"""


def _fake(bin_dir: Path, name: str, script: str) -> None:
    path = bin_dir / name
    path.write_text(script)
    path.chmod(0o755)


def test_apt_lock_held_by_another_process_is_waited_for(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "apt-get", FAKE_APT_GET)
    _fake(bin_dir, "ldconfig", "#!/bin/sh\nexit 0\n")  # no Pango: both packages are needed
    _fake(bin_dir, "id", "#!/bin/sh\necho 0\n")  # as root
    _fake(bin_dir, "sleep", "#!/bin/sh\nexit 0\n")  # waiting takes no time here

    result = subprocess.run(
        [str(ROOT / "scripts" / "system-deps.sh"), "weasyprint"],
        env={"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKES": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    said = f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, said
    calls = (tmp_path / "apt-get.log").read_text().splitlines()
    assert [c for c in calls if " update" in c] and len([c for c in calls if "update" in c]) == 3
    install = [c for c in calls if " install " in c]
    assert len(install) == 1 and "libpango-1.0-0 libpangoft2-1.0-0" in install[0], calls
    assert all("DPkg::Lock::Timeout=" in call for call in calls), calls
    # It says that it waits, and for what.
    assert "waiting" in said.lower() and "lock" in said.lower(), said
