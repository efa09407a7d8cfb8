"""`make audit`: pip-audit --strict on requirements.lock, saying so plainly when no database answers.

Usage: python scripts/audit.py [--service pypi|osv] [--lock PATH] [--timeout SECONDS]

Exit status: 0 every locked package was checked and none has a known vulnerability; 1 known
vulnerabilities (listed); 2 the audit could not be done: no vulnerability database could be reached,
or one answered for some packages and not others. A 2 is never a pass.

Why a wrapper: pip-audit exits 1 both for "vulnerabilities found" and for "could not connect", and
without --strict it passes ("No known vulnerabilities found", exit 0) when PyPI answers 404 for every
package, having audited nothing. So each service is first asked about one locked package, the way
pip-audit will ask; only a service that answers is used, tried in order (PyPI's JSON API, then OSV).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVICES = ("pypi", "osv")
CLEAN, VULNERABLE, NOT_AUDITED = 0, 1, 2


def say(message: str) -> None:
    print(f"audit: {message}", file=sys.stderr, flush=True)


def first_pin(lock: Path) -> tuple[str, str]:
    """One locked (name, version), to ask each service about before trusting it with the whole lock."""
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and "==" in line:
            name, _, rest = line.partition("==")
            return name.strip(), rest.split()[0].rstrip("\\").strip()
    raise SystemExit(f"audit: no pinned requirement in {lock}")


def probe(service: str, name: str, version: str, timeout: float) -> str | None:
    """None when the service answers a query as pip-audit makes it; else why not, in a few words."""
    if service == "pypi":
        request = urllib.request.Request(f"https://pypi.org/pypi/{name}/{version}/json")
    else:
        query = {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}
        request = urllib.request.Request(
            "https://api.osv.dev/v1/query",
            data=json.dumps(query).encode(),
            headers={"Content-Type": "application/json"},
        )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as e:
        # PyPI's per-version JSON is where its vulnerability data lives; a 404 for a locked package
        # means this "PyPI" (a mirror or proxy) serves no vulnerability data, not that the package is safe.
        return f"HTTP {e.code} for {name} {version}"
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        return f"unreachable ({reason})"
    except ValueError:
        return "answered, but not with JSON"
    if not isinstance(answer, dict):
        return "answered, but not with a JSON object"
    if service == "pypi" and "vulnerabilities" not in answer:
        return "answered without vulnerability data"
    return None


def run_pip_audit(pip_audit: str, service: str, lock: Path, timeout: float) -> int:
    """pip-audit --strict on the lock (hashed, so no venv is built), reporting in our three outcomes."""
    with tempfile.TemporaryDirectory(prefix="otr-audit-") as tmp:
        report = Path(tmp) / "report.json"
        command = [
            pip_audit, "--strict", "--disable-pip", "--progress-spinner", "off",
            "--requirement", str(lock), "--vulnerability-service", service,
            "--timeout", str(int(timeout)), "--format", "json", "--output", str(report),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    if data is None:
        # --strict stopped on a package the service could not answer for, or the service failed midway.
        detail = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        say(f"NOT AUDITED: pip-audit could not finish against {service}: {detail}")
        return NOT_AUDITED
    dependencies = data.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if done.returncode == 0 and not vulnerable:
        say(f"ok: {len(dependencies)} locked packages checked against {service}; no known vulnerabilities")
        return CLEAN
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    count = sum(len(d["vulns"]) for d in vulnerable)
    say(f"VULNERABLE: {count} known vulnerabilities in {len(vulnerable)} locked packages ({service})")
    return VULNERABLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=SERVICES, action="append", help="try only this one (repeatable)")
    parser.add_argument("--lock", type=Path, default=REPO / "requirements.lock")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    args = parser.parse_args(argv)

    pip_audit = shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or shutil.which("pip-audit")
    if pip_audit is None:
        say("NOT AUDITED: pip-audit is not installed (it is in the dev extra: make install)")
        return NOT_AUDITED
    name, version = first_pin(args.lock)
    reasons = []
    for service in args.service or SERVICES:
        reason = probe(service, name, version, args.timeout)
        if reason is None:
            return run_pip_audit(pip_audit, service, args.lock, args.timeout)
        reasons.append(f"{service}: {reason}")
    say("NOT AUDITED: no vulnerability database could be reached (" + "; ".join(reasons) + ")")
    return NOT_AUDITED


if __name__ == "__main__":
    sys.exit(main())
