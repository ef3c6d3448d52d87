import type { TranslationBundle } from '@jupyterlab/translation';
import { originOf } from '../api/url';
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
  return trans.__('Unexpected error: %1', shorten(String(error)));
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
