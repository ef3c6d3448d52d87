import { PageConfig } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { DIALECTS } from '../rules/dialects';
import { describeError } from './errormessages';
import type { SignInModel } from './signinmodel';

/** What every view of the panel is given. */
export interface IViewProps {
  status: SignInModel;
  trans: TranslationBundle;
}

/** The last failure, said with what to do. */
export function ErrorMessage({
  status,
  trans
}: IViewProps): JSX.Element | null {
  if (!status.error || status.busy) {
    return null;
  }
  return (
    <div className="jp-qbraid-LoginPanel-error" role="alert">
      {describeError(
        status.error,
        {
          baseUrl: status.session.baseUrl,
          pageOrigin: window.location.origin || PageConfig.getBaseUrl()
        },
        trans
      )}
    </div>
  );
}

/** Stops the sign-in or check that is running. */
export function CancelButton({ status, trans }: IViewProps): JSX.Element {
  return (
    <button
      type="button"
      className="jp-mod-styled jp-qbraid-LoginPanel-cancel"
      onClick={() => status.cancel()}
    >
      {trans.__('Cancel')}
    </button>
  );
}

/** The API in use, how requests reach it and where the key is kept. */
export function ApiInUse({ status, trans }: IViewProps): JSX.Element {
  return (
    <>
      <p className="jp-qbraid-LoginPanel-api">
        {trans.__(
          'API: %1 (%2)',
          DIALECTS[status.session.apiVersion].title,
          status.session.baseUrl
        )}
      </p>
      <ConnectionInUse status={status} trans={trans} />
      <KeyLocation status={status} trans={trans} />
    </>
  );
}

/**
 * Where the key is kept, when it is not plainly the settings: the Jupyter
 * server, this page only, or (JupyterLite) the browser's storage.
 */
export function KeyLocation({ status }: IViewProps): JSX.Element | null {
  const location = status.keyLocation;
  return location ? (
    <p className="jp-qbraid-LoginPanel-api jp-qbraid-LoginPanel-keyLocation">
      {location}
    </p>
  ) : null;
}

/** How requests go, and why when it is not the obvious way. */
export function connectionText(status: SignInModel, trans: TranslationBundle) {
  const { via, reason } = status.session.connection;
  let text: string;
  switch (via) {
    case 'server':
      text = trans.__('through the Jupyter server');
      break;
    case 'direct':
      text = trans.__('directly from the browser');
      break;
    default:
      text = trans.__('not decided yet');
  }
  return reason ? `${text} ${reason}` : text;
}

function ConnectionInUse({ status, trans }: IViewProps): JSX.Element {
  return (
    <p className="jp-qbraid-LoginPanel-api jp-qbraid-LoginPanel-connection">
      {trans.__('Connection: %1', connectionText(status, trans))}
    </p>
  );
}
