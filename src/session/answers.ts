import {
  AuthError,
  InsufficientCreditsError,
  QbraidApiError
} from '../rules/errors';
import { redactExcerpt } from '../rules/redact';

/*
 * What the API answered: its text (capped), its JSON, and the error of an
 * error status from the API's envelope, every string redacted and cut.
 */

/** How much of a message from the API is shown. */
const EXCERPT = 300;

/**
 * How much of each string of an error's details is kept, and how many
 * entries of each object or list, how deep: an API's error can be megabytes,
 * and redacting or showing all of it would block the tab.
 */
const DETAIL_CHARS = 2000;
const DETAIL_ENTRIES = 100;
const DETAIL_DEPTH = 6;

/**
 * The answer's text, read as a stream and cut off past `cap` bytes with an
 * error that says so (an endless answer must not fill the tab's memory).
 */
export async function readText(
  response: Response,
  cap: number,
  request: { method: string; url: string }
): Promise<string> {
  const tooLarge = () =>
    new QbraidApiError(
      `The qBraid API's answer to ${request.method} ${new URL(request.url).pathname} is larger than ` +
        `${Math.round(cap / 1024 / 1024)} MB; it was not read further.`,
      { status: response.status, code: 'response_too_large' }
    );
  if (Number(response.headers.get('Content-Length')) > cap) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const body = response.body;
  if (!body || typeof body.getReader !== 'function') {
    return response.text();
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

export function parseBody(
  text: string,
  response: Response,
  secrets: string[]
): unknown {
  if (!text.trim()) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new QbraidApiError(
      `The qBraid API answered ${response.status} with a body that is not JSON: ${excerpt(text, secrets)}`,
      { status: response.status, code: 'invalid_json', secrets }
    );
  }
}

/**
 * The start of `text` for a message, on one line, with no part of a secret
 * (see `redactExcerpt`).
 */
function excerpt(text: string, secrets: string[]): string {
  return redactExcerpt(text, secrets, EXCERPT).replace(/\s+/g, ' ').trim();
}

/**
 * The error for an error status, from the API's envelope when it has one
 * (v1 `{success, message, error: {code, message, ...details}}`, legacy
 * `{error: {message, code}}`), else the body's text.
 */
export function responseError(
  request: { method: string; url: string },
  response: Response,
  text: string,
  attempts: number,
  secrets: string[]
): QbraidApiError {
  let message: string | null = null;
  let code: string | null = null;
  let details: Record<string, unknown> | null = null;
  try {
    const data = JSON.parse(text);
    const error = data?.error;
    if (error && typeof error === 'object') {
      message = typeof error.message === 'string' ? error.message : null;
      code =
        error.code !== undefined && error.code !== null
          ? String(error.code)
          : null;
      const rest = Object.entries(error).filter(
        ([key]) => !['message', 'code', 'success'].includes(key)
      );
      details = rest.length
        ? (redactDeep(Object.fromEntries(rest), secrets) as Record<
            string,
            unknown
          >)
        : null;
    } else if (typeof error === 'string') {
      message = error;
    }
    if (!message && typeof data?.message === 'string') {
      message = data.message;
    }
  } catch {
    // Not JSON: the body text is the message.
  }
  const detail =
    excerpt(message ?? text, secrets) || response.statusText || 'no details';
  code = code === null ? null : excerpt(code, secrets);
  const path = new URL(request.url).pathname;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const full = `${request.method} ${path} failed with ${response.status}${tries}: ${detail}${code ? ` (${code})` : ''}`;
  const options = {
    status: response.status,
    code,
    attempts,
    secrets,
    details
  };
  if (code === 'INSUFFICIENT_CREDITS') {
    return new InsufficientCreditsError(full, options);
  }
  if (response.status === 401 || response.status === 403) {
    return new AuthError(`Invalid qBraid API credentials. ${full}`, options);
  }
  return new QbraidApiError(full, options);
}

/**
 * `value` with every string in it redacted, cut to the first
 * `DETAIL_CHARS` characters, `DETAIL_ENTRIES` entries and `DETAIL_DEPTH`
 * levels.
 */
function redactDeep(value: unknown, secrets: string[], depth = 0): unknown {
  if (typeof value === 'string') {
    return redactExcerpt(value, secrets, DETAIL_CHARS);
  }
  if (value && typeof value === 'object' && depth >= DETAIL_DEPTH) {
    return '…';
  }
  if (Array.isArray(value)) {
    return value
      .slice(0, DETAIL_ENTRIES)
      .map(item => redactDeep(item, secrets, depth + 1));
  }
  if (value && typeof value === 'object') {
    const entries: Array<[string, unknown]> = [];
    for (const key in value) {
      if (entries.length >= DETAIL_ENTRIES) {
        break;
      }
      if (Object.prototype.hasOwnProperty.call(value, key)) {
        entries.push([
          redactExcerpt(key, secrets, DETAIL_CHARS),
          redactDeep(
            (value as Record<string, unknown>)[key],
            secrets,
            depth + 1
          )
        ]);
      }
    }
    return Object.fromEntries(entries);
  }
  return value;
}
