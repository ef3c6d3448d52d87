import type { TranslationBundle } from '@jupyterlab/translation';
import { originOf } from '../api/url';
import { ServerErrorCode, ServerHalfError } from '../api/serverhalf';
import {
  AuthError,
  ConfigError,
  QbraidApiError,
  QbraidNetworkError
} from '../api/errors';

/**
 * Where a request went and came from, for messages about it.
 */
export interface IErrorContext {
  /** The API base URL the request went to. */
  baseUrl: string;
  /** The origin of the lab page (what the API's CORS rules must allow). */
  pageOrigin: string;
}

/**
 * A message a person can act on for an error of the session: what happened
 * and what to do. Errors of the session never contain a credential, and no
 * other text is added here.
 */
export function describeError(
  error: unknown,
  context: IErrorContext,
  trans: TranslationBundle
): string {
  const api = safeOrigin(context.baseUrl);
  if (error instanceof AuthError) {
    if (error.code === 'credential_mismatch') {
      return trans.__(
        '%1 Enter the email of the account the key belongs to, or leave the email empty.',
        error.message
      );
    }
    if (error.code === 'no_credentials') {
      return trans.__('Enter an API key first.');
    }
    return trans.__(
      'qBraid refused these credentials (%1). Check the API key: copy it again from your qBraid account.',
      String(error.status)
    );
  }
  if (error instanceof QbraidNetworkError) {
    if (error.kind === 'timeout') {
      return trans.__(
        'The qBraid API at %1 did not answer in time (%2 attempts). Try again, or raise the timeout in the settings.',
        api,
        String(error.attempts)
      );
    }
    if (error.via === 'server') {
      return trans.__(
        'The Jupyter server could not reach the qBraid API at %1 (%2 attempts): %3',
        api,
        String(error.attempts),
        error.message.replace(/^.*?\): /, '')
      );
    }
    return trans.__(
      "The qBraid API at %1 did not answer the browser (%2 attempts). It may be down or unreachable, or it did not answer the browser's CORS preflight for requests from this page (%3): check the base URL, or ask its administrators to allow this origin.",
      api,
      String(error.attempts),
      context.pageOrigin
    );
  }
  if (error instanceof QbraidApiError && error.status >= 500) {
    return trans.__(
      'The qBraid API at %1 had a server error (%2) after %3 attempts. Try again later.',
      api,
      String(error.status),
      String(error.attempts)
    );
  }
  if (error instanceof ConfigError || error instanceof QbraidApiError) {
    return shorten(error.message);
  }
  if (error instanceof ServerHalfError) {
    return describeServerError(error, trans);
  }
  return trans.__('Unexpected error: %1', shorten(String(error)));
}

/**
 * What a refusal or failure of the Jupyter server's qBraid extension means
 * and what to do: the server's own words (which never hold a secret), then
 * the step to take for its code.
 */
export function describeServerError(
  error: ServerHalfError,
  trans: TranslationBundle
): string {
  const upstream = trans.__(
    "Check the base URL, and the Jupyter server's network and proxy settings (HTTPS_PROXY), then try again."
  );
  const file = trans.__(
    'Fix the qbraidrc file on the Jupyter server (the message names the line), or ask your administrator, then try again.'
  );
  const noExtension = trans.__(
    'This Jupyter server has no qBraid server extension (jupyterlab_qbraid_session), or an older one: install it with pip and restart the server, or set the key storage to "settings".'
  );
  const again = trans.__('Reload this page, then try again.');
  const steps: Record<ServerErrorCode, string> = {
    credentials_refused: trans.__(
      'Copy the API key again from your qBraid account page.'
    ),
    credential_mismatch: trans.__(
      'Enter the email of the account the key belongs to, or leave the email empty.'
    ),
    credentials_unchecked: trans.__('Nothing was saved; try again later.'),
    origin_refused: trans.__(
      'Check the base URL, or ask the administrator to allow it (c.QbraidProxy.allowed_origins).'
    ),
    not_from_the_lab: again,
    forbidden: trans.__('Reload the page and log in to Jupyter again.'),
    invalid_body: trans.__('Check the values entered.'),
    invalid_request: trans.__('Check the request (its URL and headers).'),
    http_error: again,
    request_too_large: trans.__('Send a smaller request body.'),
    response_too_large: trans.__(
      'Ask for less at once, or ask the administrator to raise c.QbraidProxy.max_response_bytes.'
    ),
    redirect_refused: upstream,
    too_many_redirects: upstream,
    upstream_connect: upstream,
    upstream_timeout: upstream,
    upstream_read: upstream,
    upstream_protocol: upstream,
    upstream_encoding: upstream,
    qbraidrc_missing: file,
    qbraidrc_conflict: trans.__('Try again: the file is read afresh.'),
    qbraidrc_precondition_required: file,
    qbraidrc_invalid: file,
    qbraidrc_too_large: file,
    qbraidrc_not_a_file: file,
    qbraidrc_not_utf8: file,
    qbraidrc_permission: file,
    qbraidrc_disk_full: file,
    qbraidrc_io: file,
    qbraidrc_busy: trans.__('Nothing was written; try again in a moment.'),
    not_found: noExtension,
    method_not_allowed: noExtension,
    server_error: noExtension,
    server_unreachable: trans.__(
      'Check that the Jupyter server is still running, then reload this page.'
    ),
    internal: trans.__(
      "The server's log has the details; try again, or tell your administrator."
    )
  };
  return `${shorten(error.message.trim())} ${steps[error.code]}`;
}

/**
 * What a person reads of a message: its start. The session's messages are
 * redacted before anything is cut.
 */
function shorten(message: string): string {
  return message.length > MAX_SHOWN
    ? message.slice(0, MAX_SHOWN) + '…'
    : message;
}

const MAX_SHOWN = 600;

function safeOrigin(url: string): string {
  return originOf(url) ?? url;
}
