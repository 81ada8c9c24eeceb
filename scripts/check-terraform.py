#!/usr/bin/env python3
"""Checks deploy/terraform against deploy/auth0 without Terraform providers or a tenant.

    pip install -r scripts/requirements-deploy.txt   # python-hcl2==8.1.4, the version tested
    python3 scripts/check-terraform.py [--root REPO]

Parses every .tf under deploy/terraform (python-hcl2) and checks that:

- one auth0_action supports the custom-email-provider trigger, version v1, on a runtime the
  provider documents (node18 or node22), is deployed, and its code is a file() that exists
  and defines exports.onExecuteCustomEmailProvider;
- the action has the secrets MAILROOM_URL and MAILROOM_INGEST_TOKEN, and the variable the
  token comes from is `sensitive = true`;
- an auth0_trigger_actions (or auth0_trigger_action) binds that action to
  custom-email-provider;
- the auth0_email_provider is `name = "custom"`, enabled, with a `credentials {}` block, and
  depends on the trigger binding;
- every auth0_email_template (for_each over a local map, or one per resource) names a known
  Auth0 template, uses Liquid, and reads a stub that exists; every
  deploy/auth0/templates/*.html is used by one;
- every stub holds exactly one `mailroom-url: {{ url }}` or `mailroom-code: {{ code }}`
  marker as its template needs, or, for a template with nothing to carry, no marker and the
  line `mailroom: <template>`.

Then runs `terraform fmt -check -recursive deploy/terraform` when terraform is on PATH
(says so and skips it when it is not). Prints `check-terraform: ok (N resources)`, N counting
each for_each instance, or each failure; exits 1 on any failure, 2 on misuse.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import hcl2  # python-hcl2; tested with python-hcl2==8.1.4 (scripts/requirements-deploy.txt)
except ImportError:  # pragma: no cover - depends on the environment
    print(
        "check-terraform: python-hcl2 is not installed; run "
        "`pip install -r scripts/requirements-deploy.txt`",
        file=sys.stderr,
    )
    sys.exit(2)

TRIGGER = "custom-email-provider"
TRIGGER_VERSION = "v1"
RUNTIMES = {"node18", "node22"}
REQUIRED_SECRETS = ("MAILROOM_URL", "MAILROOM_INGEST_TOKEN")

URL, CODE, NOTHING = "url", "code", "nothing"
# Auth0 email template (Management API / auth0_email_template.template) -> what its stub
# carries. Legacy and unrelated names are known but have no stub here.
TEMPLATES = {
    "verify_email": URL,
    "verify_email_by_code": CODE,
    "reset_email": URL,
    "reset_email_by_code": CODE,
    "welcome_email": NOTHING,
    "mfa_oob_code": CODE,
    "enrollment_email": URL,
    "blocked_account": URL,
    "stolen_credentials": NOTHING,
    "user_invitation": URL,
}
KNOWN_WITHOUT_STUB = {"change_password", "password_reset", "async_approval", "auth_email_by_code"}
MARKERS = {URL: "mailroom-url:", CODE: "mailroom-code:"}
MARKER_LINE = {
    URL: re.compile(r"mailroom-url:[ \t]*\{\{-?\s*url\s*-?\}\}"),
    CODE: re.compile(r"mailroom-code:[ \t]*\{\{-?\s*code\s*-?\}\}"),
}

FILE_CALL = re.compile(r'^\$\{file\("(?P<path>[^"]+)"\)\}$')
REF = re.compile(r"^\$\{(?P<ref>[A-Za-z0-9_.\[\]\"-]+)\}$")


class Check:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def expect(self, condition: bool, message: str) -> bool:
        if not condition:
            self.fail(message)
        return condition


# --------------------------------------------------------------------- HCL as plain data


def unquote(value):
    """python-hcl2 >= 7 keeps string literals and labels quoted (`"\\"custom\\""`)."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        try:
            return json.loads(value)
        except ValueError:
            return value[1:-1]
    return value


def plain(node):
    """Strips python-hcl2's markers (`__is_block__`, comments) and literal quotes."""
    if isinstance(node, dict):
        return {unquote(k): plain(v) for k, v in node.items() if not (isinstance(k, str) and k.startswith("__"))}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return unquote(node)


def blocks(value) -> list[dict]:
    """A nested block's bodies (python-hcl2 gives a list of dicts; tolerate one dict)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [b for b in value if isinstance(b, dict)]
    return []


def ref(value) -> str | None:
    """`${auth0_action.mailroom.id}` -> `auth0_action.mailroom.id`."""
    if isinstance(value, str):
        m = REF.match(value)
        if m:
            return m.group("ref")
    return None


class Config:
    def __init__(self) -> None:
        self.resources: list[tuple[str, str, dict, Path]] = []
        self.variables: dict[str, dict] = {}
        self.locals: dict[str, object] = {}


def load(tf_dir: Path, check: Check) -> Config:
    config = Config()
    files = sorted(tf_dir.rglob("*.tf"))
    check.expect(bool(files), f"no .tf file under {tf_dir}")
    for path in files:
        if ".terraform" in path.parts:
            continue
        try:
            with path.open(encoding="utf-8") as fh:
                data = plain(hcl2.load(fh))
        except Exception as e:  # noqa: BLE001 - any parse error is a failure to report
            check.fail(f"{path}: does not parse as HCL2: {e}")
            continue
        for group in data.get("resource", []):
            for rtype, named in group.items():
                for name, body in named.items():
                    config.resources.append((rtype, name, body, path))
        for group in data.get("variable", []):
            for name, body in group.items():
                config.variables[name] = body
        for group in data.get("locals", []):
            config.locals.update(group)
    return config


def file_path(expr, module_dir: Path, each_value: dict | None = None) -> Path | None:
    """The path of `file("${path.module}/…")`, with `${each.value.X}` filled in."""
    if not isinstance(expr, str):
        return None
    m = FILE_CALL.match(expr)
    if not m:
        return None
    raw = m.group("path").replace("${path.module}", str(module_dir))

    def each(match: re.Match) -> str:
        key = match.group(1)
        if each_value is None or key not in each_value:
            return match.group(0)
        return str(each_value[key])

    raw = re.sub(r"\$\{each\.value\.([A-Za-z0-9_]+)\}", each, raw)
    if "${" in raw:
        return None
    return Path(raw).resolve()


# --------------------------------------------------------------------- the checks


def check_action(config: Config, module_dir: Path, check: Check) -> str | None:
    actions = []
    for rtype, name, body, path in config.resources:
        if rtype != "auth0_action":
            continue
        triggers = blocks(body.get("supported_triggers"))
        if any(t.get("id") == TRIGGER for t in triggers):
            actions.append((name, body, triggers, path))
    if not check.expect(len(actions) == 1, f"expected exactly one auth0_action with supported_triggers id = \"{TRIGGER}\", found {len(actions)}"):
        return None
    name, body, triggers, path = actions[0]
    where = f"auth0_action.{name} ({path.name})"
    check.expect(
        len(triggers) == 1 and triggers[0].get("version") == TRIGGER_VERSION,
        f"{where}: supported_triggers must be id = \"{TRIGGER}\", version = \"{TRIGGER_VERSION}\"",
    )
    check.expect(body.get("runtime") in RUNTIMES, f"{where}: runtime must be one of {sorted(RUNTIMES)}, found {body.get('runtime')!r}")
    check.expect(body.get("deploy") is True, f"{where}: deploy = true is needed to bind the action to a trigger")
    code = file_path(body.get("code"), module_dir)
    if check.expect(code is not None, f"{where}: code must be file(\"${{path.module}}/…\"), found {body.get('code')!r}"):
        if check.expect(code.is_file(), f"{where}: code file {code} does not exist"):
            check.expect(
                "exports.onExecuteCustomEmailProvider" in code.read_text(encoding="utf-8"),
                f"{where}: {code} does not define exports.onExecuteCustomEmailProvider",
            )
    secrets = {s.get("name"): s.get("value") for s in blocks(body.get("secrets"))}
    for secret in REQUIRED_SECRETS:
        check.expect(secret in secrets, f"{where}: no secrets block named {secret}")
    token = ref(secrets.get("MAILROOM_INGEST_TOKEN"))
    if token and token.startswith("var."):
        var = token.split(".")[1]
        if check.expect(var in config.variables, f"{where}: MAILROOM_INGEST_TOKEN comes from var.{var}, which is not declared"):
            check.expect(config.variables[var].get("sensitive") is True, f"variable {var}: must be sensitive = true (it holds MAILROOM_INGEST_TOKEN)")
    elif "MAILROOM_INGEST_TOKEN" in secrets:
        check.fail(f"{where}: MAILROOM_INGEST_TOKEN must come from a sensitive variable, not {secrets['MAILROOM_INGEST_TOKEN']!r}")
    return name


def check_binding(config: Config, action: str | None, check: Check) -> str | None:
    found = None
    for rtype, name, body, _ in config.resources:
        if rtype == "auth0_trigger_actions" and body.get("trigger") == TRIGGER:
            ids = [ref(a.get("id")) for a in blocks(body.get("actions"))]
        elif rtype == "auth0_trigger_action" and body.get("trigger") == TRIGGER:
            ids = [ref(body.get("action_id"))]
        else:
            continue
        if action and f"auth0_action.{action}.id" in ids:
            found = f"{rtype}.{name}"
        else:
            check.fail(f"{rtype}.{name}: binds {TRIGGER} but not auth0_action.{action}.id (found {ids})")
    if found is None and action:
        check.fail(f"no auth0_trigger_actions binds auth0_action.{action} to {TRIGGER}")
    return found


def check_provider(config: Config, binding: str | None, check: Check) -> None:
    providers = [(n, b) for t, n, b, _ in config.resources if t == "auth0_email_provider"]
    if not check.expect(len(providers) == 1, f"expected exactly one auth0_email_provider, found {len(providers)}"):
        return
    name, body = providers[0]
    where = f"auth0_email_provider.{name}"
    check.expect(body.get("name") == "custom", f"{where}: name must be \"custom\", found {body.get('name')!r}")
    check.expect(body.get("enabled") is True, f"{where}: enabled must be true")
    check.expect(bool(body.get("default_from_address")), f"{where}: default_from_address is required")
    creds = body.get("credentials")
    check.expect(isinstance(creds, list) and len(creds) == 1, f"{where}: needs one (empty) credentials {{}} block")
    if binding:
        deps = [ref(d) or d for d in (body.get("depends_on") or [])]
        check.expect(binding in deps, f"{where}: depends_on must include {binding} (the action must be bound first)")


def template_instances(config: Config, module_dir: Path, check: Check) -> list[tuple[str, Path | None, str]]:
    """(Auth0 template name, stub path, where) for every auth0_email_template instance."""
    out = []
    for rtype, name, body, _ in config.resources:
        if rtype != "auth0_email_template":
            continue
        where = f"auth0_email_template.{name}"
        check.expect(body.get("syntax") == "liquid", f"{where}: syntax must be \"liquid\"")
        check.expect(body.get("enabled") is True, f"{where}: enabled must be true")
        check.expect(bool(body.get("from")), f"{where}: from is required")
        for_each = ref(body.get("for_each"))
        if body.get("for_each") is None:
            template = body.get("template")
            out.append((template, file_path(body.get("body"), module_dir), where))
            continue
        if not check.expect(bool(for_each) and for_each.startswith("local.") and for_each.count(".") == 1,
                            f"{where}: for_each must be a local map, found {body.get('for_each')!r}"):
            continue
        local = for_each.split(".", 1)[1]
        entries = config.locals.get(local)
        if not check.expect(isinstance(entries, dict) and entries, f"{where}: local.{local} is not a map of templates"):
            continue
        check.expect(body.get("template") == "${each.key}", f"{where}: template must be each.key")
        subject = body.get("subject")
        for key, value in entries.items():
            if not check.expect(isinstance(value, dict), f"local.{local}.{key}: must be an object with file and subject"):
                continue
            check.expect(bool(value.get("subject")) or (subject and "each.value" not in str(subject)),
                         f"local.{local}.{key}: subject is required")
            stub = file_path(body.get("body"), module_dir, value)
            out.append((key, stub, f"{where}[\"{key}\"]"))
    return out


def check_templates(config: Config, module_dir: Path, stubs_dir: Path, check: Check) -> int:
    instances = template_instances(config, module_dir, check)
    seen: dict[str, str] = {}
    used: set[Path] = set()
    for template, stub, where in instances:
        if template in seen:
            check.fail(f"{where}: template {template} is also set by {seen[template]}")
        seen[template] = where
        if template not in TEMPLATES:
            hint = " (it has no stub: see deploy/auth0/templates/README.md)" if template in KNOWN_WITHOUT_STUB else ""
            check.fail(f"{where}: {template!r} is not an Auth0 email template mailroom has a stub for{hint}")
        if not check.expect(stub is not None, f"{where}: body must be file(\"${{path.module}}/../auth0/templates/…\")"):
            continue
        if check.expect(stub.is_file(), f"{where}: stub {stub} does not exist"):
            used.add(stub)
            check.expect(stub.stem == template, f"{where}: stub {stub.name} is not named after the template {template}")
    for stub in sorted(stubs_dir.glob("*.html")):
        check.expect(stub.resolve() in used, f"{stub}: not used by any auth0_email_template")
        check_stub(stub, check)
    return len(instances)


def check_stub(stub: Path, check: Check) -> None:
    text = stub.read_text(encoding="utf-8")
    needs = TEMPLATES.get(stub.stem)
    counts = {kind: text.count(marker) for kind, marker in MARKERS.items()}
    total = sum(counts.values())
    if needs is None:
        check.fail(f"{stub}: {stub.stem!r} is not an Auth0 email template with a stub")
        return
    if needs == NOTHING:
        check.expect(total == 0, f"{stub}: {stub.stem} carries nothing, so it must have no mailroom-url:/mailroom-code: marker (found {total})")
        check.expect(f"mailroom: {stub.stem}" in text, f"{stub}: should say `mailroom: {stub.stem}`")
        return
    if not check.expect(total == 1, f"{stub}: must hold exactly one mailroom-url:/mailroom-code: marker, found {total}"):
        return
    check.expect(counts[needs] == 1, f"{stub}: {stub.stem} needs `{MARKERS[needs]} {{{{ {needs} }}}}`, not the other marker")
    check.expect(bool(MARKER_LINE[needs].search(text)), f"{stub}: the marker must be followed by {{{{ {needs} }}}}")


def run_fmt(tf_dir: Path, check: Check) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        print("check-terraform: terraform is not on PATH; skipping `terraform fmt -check`")
        return
    proc = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-no-color", str(tf_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode == 0:
        return
    files = " ".join(proc.stdout.split())
    if files:
        check.fail(f"terraform fmt -check: not formatted: {files} (run `terraform fmt -recursive {tf_dir}`)")
        return
    # An error, not a style difference; leave out the CLI's warnings about its own config.
    errors = [l for l in proc.stderr.splitlines() if l.strip("│╷╵ ").startswith(("Error", "on "))]
    check.fail(f"terraform fmt -check failed (exit {proc.returncode}): {' / '.join(l.strip('│╷╵ ') for l in errors) or proc.stderr.strip()}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="the repository (default: this script's parent folder)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    tf_dir = root / "deploy" / "terraform"
    stubs_dir = root / "deploy" / "auth0" / "templates"
    if not tf_dir.is_dir():
        print(f"check-terraform: {tf_dir} is not a folder", file=sys.stderr)
        return 2

    check = Check()
    config = load(tf_dir, check)
    action = check_action(config, tf_dir, check)
    binding = check_binding(config, action, check)
    check_provider(config, binding, check)
    templates = check_templates(config, tf_dir, stubs_dir, check)
    run_fmt(tf_dir, check)

    resources = sum(1 for t, *_ in config.resources if t != "auth0_email_template") + templates
    if check.failures:
        for f in check.failures:
            print(f"check-terraform: FAIL: {f}")
        print(f"check-terraform: {len(check.failures)} failure(s)")
        return 1
    print(f"check-terraform: ok ({resources} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
