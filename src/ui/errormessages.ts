import type { TranslationBundle } from '@jupyterlab/translation';
import { originOf } from '../rules/url';
import { ServerHalfError } from '../transport/serverhalf';
import {
  AuthError,
  QbraidApiError,
  QbraidErrorCode,
  QbraidNetworkError
} from '../rules/errors';

/** Where a request went and came from, for messages about it. */
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
  if (!(error instanceof QbraidApiError)) {
    return trans.__('Unexpected error: %1', shorten(String(error)));
  }
  const said = shorten(error.message.trim());
  // The API's own codes are any text: only this package's have a step.
  const step =
    error.code && Object.prototype.hasOwnProperty.call(STEPS, error.code)
      ? STEPS[error.code as QbraidErrorCode](trans)
      : undefined;
  if (error instanceof ServerHalfError) {
    return `${said} ${step}`;
  }
  return (
    Private.apiFailure(error, safeOrigin(context.baseUrl), context, trans) ??
    (step && !said.includes(step) ? `${said} ${step}` : said)
  );
}

/**
 * What to do, for each code of the package's errors and of the Jupyter
 * server's qBraid extension: one step a person can take.
 */
export function errorSteps(
  trans: TranslationBundle
): Record<QbraidErrorCode, string> {
  return Object.fromEntries(
    Object.entries(STEPS).map(([code, step]) => [code, step(trans)])
  ) as Record<QbraidErrorCode, string>;
}

/** One step to take, in the person's language. */
type Step = (trans: TranslationBundle) => string;

const upstream: Step = trans =>
  trans.__(
    "Check the base URL, and the Jupyter server's network and proxy settings (HTTPS_PROXY), then try again."
  );
const file: Step = trans =>
  trans.__(
    'Fix the qbraidrc file on the Jupyter server (the message names the line), or ask your administrator, then try again.'
  );
const noExtension: Step = trans =>
  trans.__(
    'This Jupyter server has no qBraid server extension (jupyterlab_qbraid_session), or an older one: install it with pip and restart the server, or set the key storage to "settings".'
  );
const again: Step = trans => trans.__('Reload this page, then try again.');
const setting: Step = trans =>
  trans.__('Fix that value in Settings → Settings Editor → qBraid session.');
const url: Step = trans =>
  trans.__(
    'Check the base URL in the qBraid settings (https, and the path the API expects), or leave it empty.'
  );
const mismatch: Step = trans =>
  trans.__(
    'Enter the email of the account the key belongs to, or leave the email empty.'
  );
const network: Step = trans =>
  trans.__('Check the base URL and the network, then try again.');
const retry: Step = trans => trans.__('Try again: the file is read afresh.');

/** The step of each code. */
const STEPS: Record<QbraidErrorCode, Step> = {
  aborted: trans =>
    trans.__('Nothing more was sent; try again when you are ready.'),
  closed: again,
  connect: network,
  read: network,
  timeout: trans =>
    trans.__('Try again, or raise the timeout in the settings.'),
  invalid_base_url: url,
  invalid_credential: trans =>
    trans.__(
      'Copy the key again from your qBraid account page, whole and with nothing around it.'
    ),
  invalid_setting: setting,
  invalid_option: trans =>
    trans.__(
      'Check the options the extension gave the session (the message names the one).'
    ),
  invalid_request: trans =>
    trans.__('Check the request (its URL and headers).'),
  invalid_method: trans =>
    trans.__('Use GET, HEAD, OPTIONS, POST, PUT, PATCH or DELETE.'),
  invalid_json: url,
  invalid_identity: url,
  unsupported_dialect: trans =>
    trans.__("Set the API version to v1 (today's API) in the qBraid settings."),
  foreign_url: trans =>
    trans.__('Give a path under the base URL, or a URL on its origin.'),
  redirect_hidden: url,
  redirect_refused: upstream,
  too_many_redirects: url,
  response_too_large: trans =>
    trans.__(
      'Ask for less at once, or ask the administrator to raise c.QbraidProxy.max_response_bytes.'
    ),
  no_credentials: trans => trans.__('Enter an API key first.'),
  credentials_on_server: trans =>
    trans.__(
      'The Jupyter server holds the key: sign in from the qBraid panel.'
    ),
  no_config_store: trans =>
    trans.__(
      'Save the credentials from the qBraid panel or the Settings Editor.'
    ),
  no_server_route: trans =>
    trans.__(
      'Install the qBraid server extension with pip and restart Jupyter, or set the connection setting to "auto".'
    ),
  read_only_session: trans =>
    trans.__(
      'Change the credentials from the qBraid panel or the Settings Editor; other extensions may not.'
    ),
  credentials_refused: trans =>
    trans.__('Copy the API key again from your qBraid account page.'),
  credential_mismatch: mismatch,
  credentials_unchecked: trans =>
    trans.__('Nothing was saved; try again later.'),
  origin_refused: trans =>
    trans.__(
      'Check the base URL, or ask the administrator to allow it (c.QbraidProxy.allowed_origins).'
    ),
  not_from_the_lab: again,
  forbidden: trans => trans.__('Reload the page and log in to Jupyter again.'),
  invalid_body: trans => trans.__('Check the values entered.'),
  http_error: again,
  request_too_large: trans => trans.__('Send a smaller request body.'),
  upstream_connect: upstream,
  upstream_timeout: upstream,
  upstream_read: upstream,
  upstream_protocol: upstream,
  upstream_encoding: upstream,
  qbraidrc_missing: file,
  qbraidrc_conflict: retry,
  qbraidrc_precondition_required: file,
  qbraidrc_invalid: file,
  qbraidrc_too_large: file,
  qbraidrc_not_a_file: file,
  qbraidrc_not_utf8: file,
  qbraidrc_permission: file,
  qbraidrc_disk_full: file,
  qbraidrc_io: file,
  qbraidrc_busy: trans =>
    trans.__('Nothing was written; try again in a moment.'),
  qbraidrc_hidden: file,
  qbraidrc_interpolation: file,
  qbraidrc_outside_root: trans =>
    trans.__(
      'Or set "qbraidrc path" in the qBraid settings to the file\'s path under the server root.'
    ),
  qbraidrc_syntax: file,
  qbraidrc_value: file,
  not_found: noExtension,
  method_not_allowed: noExtension,
  server_error: noExtension,
  server_unreachable: trans =>
    trans.__(
      'Check that the Jupyter server is still running, then reload this page.'
    ),
  internal: trans =>
    trans.__(
      "The server's log has the details; try again, or tell your administrator."
    )
};

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

namespace Private {
  /**
   * The message of a refusal or failure of the API itself (credentials,
   * network, a server error), or `null` for the others.
   */
  export function apiFailure(
    error: QbraidApiError,
    api: string,
    context: IErrorContext,
    trans: TranslationBundle
  ): string | null {
    if (error instanceof AuthError) {
      if (error.code === 'credential_mismatch') {
        // What the API said, then the code's step (the table's).
        return null;
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
    if (error.status >= 500) {
      return trans.__(
        'The qBraid API at %1 had a server error (%2) after %3 attempts. Try again later.',
        api,
        String(error.status),
        String(error.attempts)
      );
    }
    return null;
  }
}
