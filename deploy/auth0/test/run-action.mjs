#!/usr/bin/env node
// Runs deploy/auth0/action.js once, as Auth0 would, against a real mailroom.
//
//   node deploy/auth0/test/run-action.mjs --url URL --token TOKEN
//        [--timeout-ms N] [--event FILE] [--message-type T]
//
// `event` is read from FILE (default: event.json beside this script); `event.secrets` is
// {MAILROOM_URL: URL, MAILROOM_INGEST_TOKEN: TOKEN[, MAILROOM_TIMEOUT_MS: N]} (an empty
// --url '' or --token '' leaves that secret empty, as a misconfigured Action would);
// --message-type replaces notification.message_type. `api` is a fake that records
// api.notification.drop/retry (the last call wins, as in Auth0).
//
// Prints exactly one JSON line on stdout and exits 0:
//   {"outcome":"sent"|"drop"|"retry","reason":string|null,"logs":[string,...]}
// Exit 2: harness misuse (bad arguments, unreadable or invalid event file), with the
// problem on stderr. Exit 1: the Action threw (a bug: Auth0 would not know what to do).

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { format } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const USAGE =
  "usage: node deploy/auth0/test/run-action.mjs --url URL --token TOKEN [--timeout-ms N] [--event FILE] [--message-type T]";

function misuse(message) {
  process.stderr.write(`run-action: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const known = new Set(["--url", "--token", "--timeout-ms", "--event", "--message-type"]);
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    let name = argv[i];
    let value;
    if (name === "--help" || name === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const eq = name.indexOf("=");
    if (name.startsWith("--") && eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!known.has(name)) misuse(`unknown argument \`${name}\``);
    if (value === undefined) {
      if (i + 1 >= argv.length) misuse(`${name} needs a value`);
      value = argv[++i];
    }
    if (Object.prototype.hasOwnProperty.call(args, name)) misuse(`${name} given twice`);
    args[name] = value;
  }
  if (args["--url"] === undefined) misuse("--url is required");
  if (args["--token"] === undefined) misuse("--token is required");
  if (args["--timeout-ms"] !== undefined && !/^[1-9][0-9]*$/.test(args["--timeout-ms"])) {
    misuse("--timeout-ms must be a positive whole number of milliseconds");
  }
  if (args["--message-type"] !== undefined && args["--message-type"] === "") {
    misuse("--message-type must not be empty");
  }
  return args;
}

function loadEvent(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    misuse(`cannot read the event file ${path}: ${e.code || e.message}`);
  }
  let event;
  try {
    event = JSON.parse(text);
  } catch (e) {
    misuse(`the event file ${path} is not JSON: ${e.message}`);
  }
  if (!event || typeof event !== "object" || Array.isArray(event)) {
    misuse(`the event file ${path} does not hold a JSON object`);
  }
  return event;
}

function fakeApi() {
  const calls = [];
  const api = {
    notification: {
      drop: (reason) => calls.push({ outcome: "drop", reason }),
      retry: (reason) => calls.push({ outcome: "retry", reason }),
    },
    cache: {
      get: () => undefined,
      set: () => ({ type: "success" }),
      delete: () => ({ type: "success" }),
    },
  };
  return { api, calls };
}

/** Replaces console's printing methods with a recorder while `fn` runs. */
async function capturingConsole(fn) {
  const logs = [];
  const methods = ["log", "info", "warn", "error", "debug", "trace"];
  const saved = {};
  for (const m of methods) {
    saved[m] = console[m];
    console[m] = (...parts) => logs.push(format(...parts));
  }
  try {
    return { value: await fn(), logs };
  } catch (error) {
    return { error, logs };
  } finally {
    for (const m of methods) console[m] = saved[m];
  }
}

function emit(line, code) {
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(code));
}

const args = parseArgs(process.argv.slice(2));
const event = loadEvent(args["--event"] ?? join(here, "event.json"));
if (args["--message-type"] !== undefined) {
  if (!event.notification || typeof event.notification !== "object" || Array.isArray(event.notification)) {
    event.notification = {};
  }
  event.notification.message_type = args["--message-type"];
}
event.secrets = { MAILROOM_URL: args["--url"], MAILROOM_INGEST_TOKEN: args["--token"] };
if (args["--timeout-ms"] !== undefined) event.secrets.MAILROOM_TIMEOUT_MS = args["--timeout-ms"];

const action = require(join(here, "..", "action.js"));
if (typeof action.onExecuteCustomEmailProvider !== "function") {
  misuse("deploy/auth0/action.js does not export onExecuteCustomEmailProvider");
}
const { api, calls } = fakeApi();
const run = await capturingConsole(() => action.onExecuteCustomEmailProvider(event, api));
if (run.error) {
  const message = String((run.error && run.error.message) || run.error).split(args["--token"] || "\u0000").join("[redacted]");
  emit({ outcome: "threw", reason: message, logs: run.logs }, 1);
} else {
  const last = calls[calls.length - 1];
  emit(
    {
      outcome: last ? last.outcome : "sent",
      reason: last ? (typeof last.reason === "string" ? last.reason : String(last.reason ?? "")) : null,
      logs: run.logs,
    },
    0
  );
}
