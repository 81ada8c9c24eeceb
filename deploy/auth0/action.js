/**
 * mailroom as Auth0's Custom Email Provider.
 *
 * Trigger: custom-email-provider, version v1 (runtime node22). No npm dependencies: it uses
 * the runtime's global fetch and AbortController.
 *
 * Secrets (Action editor > key icon, or `secrets` blocks in deploy/terraform/main.tf):
 *   MAILROOM_URL           https://mailroom.example.com  (a trailing slash is fine)
 *   MAILROOM_INGEST_TOKEN  the same value as mailroom's MAILROOM_INGEST_TOKEN
 *   MAILROOM_TIMEOUT_MS    optional, default 10000
 *
 * It POSTs a copy of `event` (only notification, user, client, organization, request and
 * tenant; never `secrets`) to MAILROOM_URL + /v1/auth0/custom-email-provider and tells Auth0
 * what to do with the notification:
 *
 *   2xx                          sent: return normally
 *   3xx                          drop: MAILROOM_URL points at a redirect; fix the secret
 *   408, 429                     retry: mailroom or a proxy in front of it asks to come back
 *   other 4xx                    drop: resending the same notification cannot succeed
 *                                (400 malformed, 401 unauthorized, 413 too_large,
 *                                415, 422 unroutable)
 *   5xx, timeout, network error  retry: mailroom is down, overloaded or its broker is
 *   missing or unusable secrets  drop (see below)
 *
 * Missing secrets drop rather than retry: like a wrong token (401), a missing MAILROOM_URL or
 * MAILROOM_INGEST_TOKEN is a configuration error that no retry of this notification repairs,
 * and dropping puts one clear error in the tenant logs now instead of a string of retries
 * that fail the same way. The user can ask again (resend the verification, request another
 * reset) once the secret is set and the Action redeployed.
 *
 * The reason given to drop/retry holds the status and mailroom's error kind and message; it
 * never holds the token (any copy of the token in an answer is replaced by [redacted]). The
 * Action's console.log lines hold only the status, the error kind and the event id.
 */

"use strict";

const PATH = "/v1/auth0/custom-email-provider";
const DEFAULT_TIMEOUT_MS = 10000;
/** The event's keys mailroom reads. Everything else (secrets, connection, transaction, …) stays. */
const FORWARDED_KEYS = ["notification", "user", "client", "organization", "request", "tenant"];
/** How much of an answer is read, and how much of mailroom's message goes into a reason. */
const MAX_ANSWER_BYTES = 16 * 1024;
const MAX_MESSAGE_CHARS = 300;

/**
 * @param {Event} event - the notification and who it is for.
 * @param {CustomEmailProviderAPI} api - api.notification.drop / api.notification.retry.
 */
exports.onExecuteCustomEmailProvider = async (event, api) => {
  const outcome = await deliver(event);
  if (outcome.log) console.log(outcome.log);
  if (outcome.outcome === "drop") api.notification.drop(outcome.reason);
  else if (outcome.outcome === "retry") api.notification.retry(outcome.reason);
};

/**
 * What to do with one notification: `{outcome: "sent"|"drop"|"retry", reason, log}`.
 * Never throws.
 */
async function deliver(event) {
  const secrets = (event && event.secrets) || {};
  const token = typeof secrets.MAILROOM_INGEST_TOKEN === "string" ? secrets.MAILROOM_INGEST_TOKEN.trim() : "";
  try {
    const target = endpoint(secrets.MAILROOM_URL);
    if (target.error) return drop(target.error, "mailroom: not sent kind=config");
    if (!token) {
      return drop(
        "mailroom: the Action secret MAILROOM_INGEST_TOKEN is not set (it must equal mailroom's MAILROOM_INGEST_TOKEN)",
        "mailroom: not sent kind=config"
      );
    }
    const timeoutMs = timeout(secrets.MAILROOM_TIMEOUT_MS);
    const answer = await _post(target.url, body(event), token, timeoutMs);
    return judge(answer, token, timeoutMs);
  } catch (e) {
    // Not expected (every failure of the request is an answer); a bug should not lose mail.
    return retry(redact(`mailroom: unexpected error in the Action (${errorName(e)})`, token), "mailroom: retry kind=action_error");
  }
}

/** MAILROOM_URL (an http(s) URL, trailing slashes tolerated) + the endpoint's path. */
function endpoint(value) {
  if (typeof value !== "string" || value.trim() === "") {
    return { error: "mailroom: the Action secret MAILROOM_URL is not set (e.g. https://mailroom.example.com)" };
  }
  let url;
  try {
    url = new URL(value.trim());
  } catch (_) {
    return { error: "mailroom: the Action secret MAILROOM_URL is not a URL (e.g. https://mailroom.example.com)" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { error: `mailroom: the Action secret MAILROOM_URL must be an https:// URL, not ${url.protocol}` };
  }
  if (url.username || url.password || url.search || url.hash) {
    return { error: "mailroom: the Action secret MAILROOM_URL must be the server's URL only, without credentials, query or fragment" };
  }
  const base = url.pathname.replace(/\/+$/, "");
  return { url: `${url.origin}${base}${PATH}` };
}

/** MAILROOM_TIMEOUT_MS as a positive whole number of milliseconds, else the default. */
function timeout(value) {
  if (value === undefined || value === null || String(value).trim() === "") return DEFAULT_TIMEOUT_MS;
  const n = Number(String(value).trim());
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

/** The JSON body: the forwarded keys that are present, nothing else. */
function body(event) {
  const out = {};
  for (const key of FORWARDED_KEYS) {
    if (event && Object.prototype.hasOwnProperty.call(event, key) && event[key] !== undefined) {
      out[key] = event[key];
    }
  }
  return JSON.stringify(out);
}

/**
 * POSTs `json` to `url`. Resolves to `{status, text}` for any HTTP answer, or
 * `{failure: "timeout"|"network", detail}` when there is none; never rejects.
 * Redirects are not followed (the token must go to MAILROOM_URL and nowhere else).
 */
async function _post(url, json, token, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json",
      },
      body: json,
      redirect: "manual",
      signal: controller.signal,
    });
    let text = "";
    try {
      text = await readSome(response);
    } catch (_) {
      // The status is the answer; a body cut short (or timed out) only loses the details.
    }
    return { status: response.status, text };
  } catch (e) {
    if (controller.signal.aborted) return { failure: "timeout", detail: `no answer within ${timeoutMs} ms` };
    return { failure: "network", detail: networkDetail(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Up to MAX_ANSWER_BYTES of the answer's body, as text. */
async function readSome(response) {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  while (size < MAX_ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  reader.cancel().catch(() => {});
  return Buffer.concat(chunks.map((c) => Buffer.from(c))).subarray(0, MAX_ANSWER_BYTES).toString("utf8");
}

/** The answer (or its absence) → an outcome. */
function judge(answer, token, timeoutMs) {
  if (answer.failure === "timeout") {
    return retry(`mailroom: ${answer.detail} (MAILROOM_TIMEOUT_MS=${timeoutMs})`, "mailroom: retry kind=timeout");
  }
  if (answer.failure === "network") {
    return retry(redact(`mailroom: unreachable (${answer.detail})`, token), "mailroom: retry kind=network");
  }
  const status = answer.status;
  const parsed = parse(answer.text);
  if (status >= 200 && status < 300) {
    const id = parsed && typeof parsed.id === "string" ? parsed.id : null;
    const state = parsed && typeof parsed.status === "string" ? parsed.status : null;
    let log = `mailroom: accepted status=${status}`;
    if (state) log += ` ${safeWord(state)}`;
    if (id) log += ` id=${safeWord(id)}`;
    return { outcome: "sent", reason: null, log: redact(log, token) };
  }
  const error = parsed && parsed.error && typeof parsed.error === "object" ? parsed.error : null;
  const kind = error && typeof error.kind === "string" ? safeWord(error.kind) : null;
  const message = error && typeof error.message === "string" ? clip(error.message) : null;
  let reason = `mailroom answered ${status}`;
  if (kind) reason += ` ${kind}`;
  if (message) reason += `: ${message}`;
  else if (!error && answer.text.trim()) reason += `: ${clip(answer.text.trim())}`;
  if (status >= 300 && status < 400) reason += " (a redirect: set MAILROOM_URL to the final https URL of mailroom)";
  reason = redact(reason, token);
  const again = status === 408 || status === 429 || status >= 500 || status < 200;
  const log = redact(`mailroom: ${again ? "retry" : "dropped"} status=${status}${kind ? ` kind=${kind}` : ""}`, token);
  return again ? retry(reason, log) : drop(reason, log);
}

function drop(reason, log) {
  return { outcome: "drop", reason, log };
}

function retry(reason, log) {
  return { outcome: "retry", reason, log };
}

function parse(text) {
  if (!text) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch (_) {
    return null;
  }
}

/** A short, single-line excerpt of untrusted text. */
function clip(text) {
  const flat = String(text).replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}

/** An identifier-like value (a kind, an id, a status word) for a log line. */
function safeWord(value) {
  return String(value).replace(/[^A-Za-z0-9_.:|@+-]/g, "?").slice(0, 120);
}

/** `text` with every copy of the token replaced. */
function redact(text, token) {
  if (!token || typeof text !== "string") return text;
  return text.split(token).join("[redacted]");
}

function errorName(e) {
  return (e && (e.code || e.name)) || "error";
}

/** What fetch says went wrong, from the error and its cause (ECONNREFUSED, ENOTFOUND, …). */
function networkDetail(e) {
  const cause = e && e.cause;
  const code = (cause && (cause.code || cause.name)) || (e && (e.code || e.name)) || "error";
  const message = (cause && cause.message) || (e && e.message) || "";
  return clip(message ? `${code}: ${message}` : String(code));
}

// For deploy/auth0/test/: not part of Auth0's contract with the Action.
module.exports._post = _post;
module.exports._deliver = deliver;
module.exports._endpoint = endpoint;
module.exports._body = body;
module.exports._timeout = timeout;
module.exports._judge = judge;
module.exports.FORWARDED_KEYS = FORWARDED_KEYS;
module.exports.PATH = PATH;
module.exports.DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_MS;
