#!/usr/bin/env node
// Self-test of deploy/auth0/action.js and run-action.mjs, with no network beyond 127.0.0.1:
//
//   node deploy/auth0/test/selftest.mjs
//
// A local HTTP server plays mailroom; each scenario points MAILROOM_URL at a path that tells
// the server how to answer (/s/<scenario>/v1/auth0/custom-email-provider). Every scenario
// checks the outcome Auth0 would see (sent, drop, retry), and for every request the server
// received: the method and path, the Authorization and Content-Type headers, and that the
// body is exactly the whitelisted keys of the event. Across all scenarios the token must
// never appear in a reason or a log line. Prints `selftest: N passed` (or the failures, then
// `selftest: N passed, M failed`) and exits nonzero on any failure.

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const action = require(join(here, "..", "action.js"));
const baseEvent = JSON.parse(readFileSync(join(here, "event.json"), "utf8"));

const TOKEN = "selftest-token-3f9c1a7e5b2d4c6e8a0f";
const PATH = "/v1/auth0/custom-email-provider";
const WHITELIST = ["notification", "user", "client", "organization", "request", "tenant"];
const SCENARIO_LIMIT_MS = 5000;
const WATCHDOG_MS = 60000;

// ---------------------------------------------------------------- the fake mailroom

const requests = new Map(); // scenario -> [{method, url, headers, body}]
const sockets = new Set();

function reply(res, status, body, headers = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers });
  res.end(text);
}

function refusal(kind, message) {
  return { error: { kind, message } };
}

const ANSWERS = {
  accepted: (res) => reply(res, 202, { id: "auth0-abc123", status: "queued", template: "verify_email" }),
  written: (res) => reply(res, 202, { id: "auth0-def456", status: "written", template: "verify_email" }),
  ok_text: (res) => reply(res, 200, "OK"),
  malformed: (res) =>
    reply(res, 400, refusal("malformed", "notification.html: no `mailroom-url:` value; set the body of Auth0's `verify_email` email template to the stub")),
  unauthorized: (res) => reply(res, 401, refusal("unauthorized", "wrong token")),
  too_large: (res) => reply(res, 413, refusal("too_large", "the body is over 64 KiB")),
  unsupported: (res) => reply(res, 415, refusal("unsupported_media_type", "expected Content-Type: application/json")),
  unroutable: (res) => reply(res, 422, refusal("unroutable", "type: no route for `user.password_reset_requested`")),
  timeout408: (res) => reply(res, 408, refusal("timeout", "the body did not arrive in time")),
  rate_limited: (res) => reply(res, 429, "Too Many Requests"),
  unavailable: (res) => reply(res, 503, refusal("unavailable", "the broker is unreachable: events cannot be queued")),
  render: (res) => reply(res, 500, refusal("render", "template verify_email failed to render")),
  html500: (res) => reply(res, 502, "<html><body>Bad Gateway</body></html>"),
  echo_token: (res, req) =>
    reply(res, 400, refusal("malformed", `you sent ${req.headers.authorization} and ${TOKEN.slice(0)} again`)),
  redirect: (res) => reply(res, 301, "", { location: "https://elsewhere.example/v1/auth0/custom-email-provider" }),
  hang: () => {
    // Never answer: the Action's own timeout must end the call.
  },
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const match = /^\/s\/([a-z0-9_]+)(\/.*)?$/.exec(req.url);
    const scenario = match ? match[1] : "?";
    const record = { method: req.method, url: req.url, rest: match ? match[2] : null, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    if (!requests.has(scenario)) requests.set(scenario, []);
    requests.get(scenario).push(record);
    const answer = ANSWERS[scenario];
    if (!answer || record.rest !== PATH || req.method !== "POST") {
      reply(res, 404, refusal("not_found", `no such endpoint: ${req.method} ${req.url}`));
      return;
    }
    answer(res, req);
  });
});
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});

await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const PORT = server.address().port;
const BASE = `http://127.0.0.1:${PORT}`;

// A port that was just free: nothing listens on it.
const closedPort = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

// ---------------------------------------------------------------- helpers

function freshEvent(extra = {}) {
  return { ...structuredClone(baseEvent), ...extra };
}

function secretsFor(scenario, overrides = {}) {
  return { MAILROOM_URL: `${BASE}/s/${scenario}`, MAILROOM_INGEST_TOKEN: TOKEN, ...overrides };
}

/** Runs the Action's entrypoint as Auth0 would, capturing console.log. */
async function runAction(event) {
  const calls = [];
  const api = {
    notification: {
      drop: (reason) => calls.push({ outcome: "drop", reason }),
      retry: (reason) => calls.push({ outcome: "retry", reason }),
    },
  };
  const logs = [];
  const saved = console.log;
  console.log = (...parts) => logs.push(parts.map(String).join(" "));
  try {
    await action.onExecuteCustomEmailProvider(event, api);
  } finally {
    console.log = saved;
  }
  assert.ok(calls.length <= 1, `the Action called drop/retry ${calls.length} times`);
  const last = calls[calls.length - 1];
  return { outcome: last ? last.outcome : "sent", reason: last ? last.reason : null, logs };
}

/** Runs run-action.mjs in a child process. */
function runHarness(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "run-action.mjs"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), SCENARIO_LIMIT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const seen = { reasons: [], logs: [] };

function remember(result) {
  if (result.reason !== null && result.reason !== undefined) seen.reasons.push(String(result.reason));
  seen.logs.push(...result.logs);
  return result;
}

function checkRequest(scenario, event, { times = 1 } = {}) {
  const got = requests.get(scenario) || [];
  assert.equal(got.length, times, `requests received for ${scenario}`);
  for (const r of got) {
    assert.equal(r.method, "POST");
    assert.equal(r.rest, PATH, `path ${r.url}`);
    assert.equal(r.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(r.headers["content-type"] || "", /^application\/json\b/);
    const body = JSON.parse(r.body);
    assert.ok(body && typeof body === "object" && !Array.isArray(body));
    const expected = WHITELIST.filter((k) => event[k] !== undefined);
    assert.deepEqual(Object.keys(body).sort(), [...expected].sort(), "top-level keys of the body");
    assert.ok(!("secrets" in body), "secrets leaked");
    for (const k of expected) assert.deepEqual(body[k], event[k], `body.${k}`);
    assert.ok(!r.body.includes(TOKEN), "the token is in the body");
  }
}

function expectOutcome(result, outcome, ...fragments) {
  assert.equal(result.outcome, outcome, `outcome (reason: ${result.reason})`);
  if (outcome === "sent") {
    assert.equal(result.reason, null);
  } else {
    assert.equal(typeof result.reason, "string");
    for (const f of fragments) assert.ok(result.reason.includes(f), `reason ${JSON.stringify(result.reason)} lacks ${JSON.stringify(f)}`);
  }
}

// ---------------------------------------------------------------- scenarios

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario("202 queued → sent; body is the whitelist, headers are right", async () => {
  const event = freshEvent({ secrets: secretsFor("accepted") });
  const r = remember(await runAction(event));
  expectOutcome(r, "sent");
  checkRequest("accepted", event);
  assert.deepEqual(r.logs, ["mailroom: accepted status=202 queued id=auth0-abc123"]);
});

scenario("202 written (serve --outbox) and a trailing slash in MAILROOM_URL → sent", async () => {
  const event = freshEvent({ secrets: secretsFor("written", { MAILROOM_URL: `${BASE}/s/written//` }) });
  const r = remember(await runAction(event));
  expectOutcome(r, "sent");
  checkRequest("written", event);
  assert.ok(r.logs.some((l) => l.includes("id=auth0-def456")), r.logs.join("|"));
});

scenario("a 2xx that is not JSON (a proxy's 200 OK) → sent", async () => {
  const event = freshEvent({ secrets: secretsFor("ok_text") });
  expectOutcome(remember(await runAction(event)), "sent");
  checkRequest("ok_text", event);
});

scenario("extra event keys (secrets, connection, transaction, custom_domain) are not forwarded; absent ones are not invented", async () => {
  const event = freshEvent({
    secrets: secretsFor("accepted"),
    connection: { id: "con_1", name: "Username-Password-Authentication", strategy: "auth0" },
    transaction: { id: "tx" },
    custom_domain: { domain: "login.acme.test" },
    organization: { id: "org_1", name: "acme", display_name: "Acme Inc." },
  });
  delete event.request;
  requests.delete("accepted");
  expectOutcome(remember(await runAction(event)), "sent");
  checkRequest("accepted", event);
  const body = JSON.parse(requests.get("accepted")[0].body);
  assert.deepEqual(Object.keys(body).sort(), ["client", "notification", "organization", "tenant", "user"]);
});

for (const [name, status, kind] of [
  ["malformed", 400, "malformed"],
  ["unroutable", 422, "unroutable"],
  ["unauthorized", 401, "unauthorized"],
  ["too_large", 413, "too_large"],
  ["unsupported", 415, "unsupported_media_type"],
]) {
  scenario(`${status} ${kind} → drop, the reason names the status and kind`, async () => {
    const event = freshEvent({ secrets: secretsFor(name) });
    const r = remember(await runAction(event));
    expectOutcome(r, "drop", String(status), kind);
    checkRequest(name, event);
    assert.deepEqual(r.logs, [`mailroom: dropped status=${status} kind=${kind}`]);
  });
}

scenario("400 carries mailroom's message into the reason", async () => {
  const event = freshEvent({ secrets: secretsFor("malformed") });
  const r = remember(await runAction(event));
  expectOutcome(r, "drop", "mailroom answered 400 malformed: notification.html: no `mailroom-url:` value");
});

for (const [name, status, kind] of [
  ["unavailable", 503, "unavailable"],
  ["render", 500, "render"],
  ["html500", 502, "Bad Gateway"],
  ["timeout408", 408, "timeout"],
  ["rate_limited", 429, "Too Many Requests"],
]) {
  scenario(`${status} → retry`, async () => {
    const event = freshEvent({ secrets: secretsFor(name) });
    const r = remember(await runAction(event));
    expectOutcome(r, "retry", String(status), kind);
    checkRequest(name, event);
  });
}

scenario("a server that never answers, MAILROOM_TIMEOUT_MS=200 → retry within the timeout", async () => {
  const event = freshEvent({ secrets: secretsFor("hang", { MAILROOM_TIMEOUT_MS: "200" }) });
  const started = Date.now();
  const r = remember(await runAction(event));
  const took = Date.now() - started;
  expectOutcome(r, "retry", "no answer within 200 ms");
  assert.ok(took >= 150 && took < 2000, `took ${took} ms`);
  checkRequest("hang", event);
  assert.deepEqual(r.logs, ["mailroom: retry kind=timeout"]);
});

scenario("a closed port → retry (network error)", async () => {
  const event = freshEvent({ secrets: secretsFor("x", { MAILROOM_URL: `http://127.0.0.1:${closedPort}` }) });
  const r = remember(await runAction(event));
  expectOutcome(r, "retry", "unreachable", "ECONNREFUSED");
  assert.deepEqual(r.logs, ["mailroom: retry kind=network"]);
});

scenario("a redirect is not followed → drop, the token goes nowhere else", async () => {
  const event = freshEvent({ secrets: secretsFor("redirect") });
  const r = remember(await runAction(event));
  expectOutcome(r, "drop", "301", "redirect");
  checkRequest("redirect", event);
});

scenario("an answer that repeats the token: the reason has [redacted], never the token", async () => {
  const event = freshEvent({ secrets: secretsFor("echo_token") });
  const r = remember(await runAction(event));
  expectOutcome(r, "drop", "400", "[redacted]");
  assert.ok(!r.reason.includes(TOKEN));
});

scenario("missing MAILROOM_URL → drop with a clear reason, nothing is sent", async () => {
  const before = [...requests.values()].reduce((n, l) => n + l.length, 0);
  for (const url of [undefined, "", "   "]) {
    const secrets = secretsFor("accepted");
    if (url === undefined) delete secrets.MAILROOM_URL;
    else secrets.MAILROOM_URL = url;
    const r = remember(await runAction(freshEvent({ secrets })));
    expectOutcome(r, "drop", "MAILROOM_URL is not set");
    assert.deepEqual(r.logs, ["mailroom: not sent kind=config"]);
  }
  const r = remember(await runAction(freshEvent({})));
  expectOutcome(r, "drop", "MAILROOM_URL is not set");
  const after = [...requests.values()].reduce((n, l) => n + l.length, 0);
  assert.equal(after, before, "a request was made without MAILROOM_URL");
});

scenario("missing MAILROOM_INGEST_TOKEN → drop, nothing is sent", async () => {
  const before = [...requests.values()].reduce((n, l) => n + l.length, 0);
  const secrets = secretsFor("accepted");
  delete secrets.MAILROOM_INGEST_TOKEN;
  expectOutcome(remember(await runAction(freshEvent({ secrets }))), "drop", "MAILROOM_INGEST_TOKEN is not set");
  expectOutcome(
    remember(await runAction(freshEvent({ secrets: { ...secrets, MAILROOM_INGEST_TOKEN: "  " } }))),
    "drop",
    "MAILROOM_INGEST_TOKEN is not set"
  );
  const after = [...requests.values()].reduce((n, l) => n + l.length, 0);
  assert.equal(after, before);
});

scenario("an unusable MAILROOM_URL (not a URL, ftp://, credentials) → drop", async () => {
  for (const [url, fragment] of [
    ["mailroom.example.com", "not a URL"],
    ["ftp://mailroom.example.com", "https://"],
    [`http://user:pw@127.0.0.1:${PORT}/s/accepted`, "without credentials"],
  ]) {
    const r = remember(await runAction(freshEvent({ secrets: secretsFor("accepted", { MAILROOM_URL: url }) })));
    expectOutcome(r, "drop", fragment);
  }
});

scenario("helpers: _endpoint, _timeout, _body", async () => {
  assert.deepEqual(action._endpoint("https://m.example.com"), { url: `https://m.example.com${PATH}` });
  assert.deepEqual(action._endpoint("https://m.example.com///"), { url: `https://m.example.com${PATH}` });
  assert.deepEqual(action._endpoint("https://m.example.com/mail/"), { url: `https://m.example.com/mail${PATH}` });
  assert.equal(action._timeout(undefined), 10000);
  assert.equal(action._timeout("250"), 250);
  for (const bad of ["0", "-5", "1.5", "soon"]) assert.equal(action._timeout(bad), 10000, bad);
  assert.deepEqual(JSON.parse(action._body({ secrets: { A: 1 }, user: { user_id: "u" }, x: 1 })), { user: { user_id: "u" } });
  const answer = await action._post(`http://127.0.0.1:${closedPort}${PATH}`, "{}", TOKEN, 1000);
  assert.equal(answer.failure, "network");
});

scenario("run-action.mjs: sent, with one JSON line and exit 0", async () => {
  requests.delete("accepted");
  const h = await runHarness(["--url", `${BASE}/s/accepted`, "--token", TOKEN]);
  assert.equal(h.code, 0, h.stderr);
  const lines = h.stdout.trim().split("\n");
  assert.equal(lines.length, 1, h.stdout);
  const r = remember(JSON.parse(lines[0]));
  assert.deepEqual(Object.keys(r).sort(), ["logs", "outcome", "reason"]);
  expectOutcome(r, "sent");
  checkRequest("accepted", baseEvent);
});

scenario("run-action.mjs: --message-type, --timeout-ms and --event", async () => {
  requests.delete("unroutable");
  let h = await runHarness(["--url", `${BASE}/s/unroutable`, "--token", TOKEN, "--message-type", "reset_email"]);
  assert.equal(h.code, 0, h.stderr);
  let r = remember(JSON.parse(h.stdout));
  expectOutcome(r, "drop", "422", "unroutable");
  assert.equal(JSON.parse(requests.get("unroutable")[0].body).notification.message_type, "reset_email");

  const started = Date.now();
  h = await runHarness(["--url", `${BASE}/s/hang`, "--token", TOKEN, "--timeout-ms", "200", "--event", join(here, "event.json")]);
  assert.equal(h.code, 0, h.stderr);
  r = remember(JSON.parse(h.stdout));
  expectOutcome(r, "retry", "200 ms");
  assert.ok(Date.now() - started < SCENARIO_LIMIT_MS);

  h = await runHarness(["--url", "", "--token", TOKEN]);
  assert.equal(h.code, 0, h.stderr);
  expectOutcome(remember(JSON.parse(h.stdout)), "drop", "MAILROOM_URL is not set");
});

scenario("run-action.mjs: misuse exits 2 with nothing on stdout", async () => {
  for (const args of [
    [],
    ["--url", BASE],
    ["--token", TOKEN],
    ["--url", BASE, "--token", TOKEN, "--bogus", "1"],
    ["--url", BASE, "--token"],
    ["--url", BASE, "--token", TOKEN, "--timeout-ms", "soon"],
    ["--url", BASE, "--token", TOKEN, "--event", join(here, "does-not-exist.json")],
    ["--url", BASE, "--token", TOKEN, "--event", join(here, "selftest.mjs")],
  ]) {
    const h = await runHarness(args);
    assert.equal(h.code, 2, `${args.join(" ")}: ${h.stdout}${h.stderr}`);
    assert.equal(h.stdout, "");
    assert.ok(!h.stderr.includes(TOKEN));
  }
});

scenario("the token is in no reason and no log line of any scenario", async () => {
  assert.ok(seen.reasons.length > 10 && seen.logs.length > 10, `${seen.reasons.length} reasons, ${seen.logs.length} logs`);
  for (const text of [...seen.reasons, ...seen.logs]) {
    assert.ok(!text.includes(TOKEN), `token in ${JSON.stringify(text)}`);
    assert.ok(!text.includes(TOKEN.slice(0, 16)), `part of the token in ${JSON.stringify(text)}`);
  }
  for (const line of seen.logs) {
    assert.match(line, /^mailroom: (accepted status=2\d\d( \w+)?( id=\S+)?|dropped status=\d{3}( kind=\S+)?|retry (status=\d{3}( kind=\S+)?|kind=\w+)|not sent kind=config)$/, line);
  }
});

// ---------------------------------------------------------------- run

const watchdog = setTimeout(() => {
  console.error(`selftest: still running after ${WATCHDOG_MS} ms; giving up`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

let passed = 0;
const failures = [];
for (const s of scenarios) {
  let timer;
  try {
    await Promise.race([
      s.fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`took longer than ${SCENARIO_LIMIT_MS} ms`)), SCENARIO_LIMIT_MS);
      }),
    ]);
    passed++;
    console.log(`ok   ${s.name}`);
  } catch (e) {
    failures.push(s.name);
    console.log(`FAIL ${s.name}\n     ${String((e && e.stack) || e).split("\n").slice(0, 6).join("\n     ")}`);
  } finally {
    clearTimeout(timer);
  }
}

for (const s of sockets) s.destroy();
await new Promise((resolve) => server.close(resolve));
clearTimeout(watchdog);

if (failures.length) {
  console.log(`selftest: ${passed} passed, ${failures.length} failed`);
  process.exit(1);
}
console.log(`selftest: ${passed} passed`);
