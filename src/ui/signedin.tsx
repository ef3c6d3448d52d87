import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { IAccount } from './account';
import { DIALECTS } from '../rules/dialects';
import {
  CancelButton,
  connectionText,
  ErrorMessage,
  IViewProps,
  KeyLocation
} from './panelparts';
import { shown } from './shown';

/** Name, organization and credits, when the API gave them. */
function AccountRows({ status, trans }: IViewProps): JSX.Element | null {
  const account = status.account;
  if (!account) {
    return null;
  }
  return (
    <>
      {account.name && (
        <>
          <dt>{trans.__('Name')}</dt>
          <dd className="jp-qbraid-LoginPanel-name" title={account.name}>
            {shown(account.name)}
          </dd>
        </>
      )}
      {account.organization && (
        <>
          <dt>{trans.__('Organization')}</dt>
          <dd
            className="jp-qbraid-LoginPanel-organization"
            title={account.organization}
          >
            {shown(account.organization)}
          </dd>
        </>
      )}
      {account.credits && (
        <>
          <dt>{trans.__('Credits')}</dt>
          <dd className="jp-qbraid-LoginPanel-credits">
            {creditsText(account.credits, trans)}
          </dd>
        </>
      )}
    </>
  );
}

/** The balance, as people read it. */
export function creditsText(
  credits: NonNullable<IAccount['credits']>,
  trans: TranslationBundle
): string {
  const parts = [trans.__('%1 qBraid credits', credits.qbraidCredits)];
  if (credits.awsCredits) {
    parts.push(trans.__('%1 AWS credits', credits.awsCredits));
  }
  if (credits.autoRecharge) {
    parts.push(trans.__('auto-recharge %1', credits.autoRecharge));
  }
  return parts.join(', ');
}

/** Who is signed in, the account, and sign-out. */
export function SignedIn({ status, trans }: IViewProps): JSX.Element {
  const checked = status.lastCheck
    ? status.lastCheck.toLocaleTimeString()
    : trans.__('not yet');
  let state: string;
  switch (status.state) {
    case 'signed-in':
      state = trans.__(
        'Signed in as %1',
        status.email ? shown(status.email) : trans.__('(unknown email)')
      );
      break;
    case 'checking':
      state = trans.__('Checking the credentials…');
      break;
    case 'error':
      state = trans.__('The last check failed');
      break;
    default:
      state = trans.__(
        'Credentials set for %1 (not checked yet)',
        status.email ? shown(status.email) : trans.__('(no email)')
      );
  }
  return (
    <div className="jp-qbraid-LoginPanel-signedIn" aria-busy={status.busy}>
      <p
        className="jp-qbraid-LoginPanel-state"
        aria-live="polite"
        tabIndex={-1}
        title={status.email ?? undefined}
      >
        {state}
      </p>
      <dl className="jp-qbraid-LoginPanel-details">
        <dt>{trans.__('API')}</dt>
        <dd>
          {DIALECTS[status.session.apiVersion].title}: {status.session.baseUrl}
        </dd>
        <dt>{trans.__('Connection')}</dt>
        <dd className="jp-qbraid-LoginPanel-connection">
          {connectionText(status, trans)}
        </dd>
        <AccountRows status={status} trans={trans} />
        <dt>{trans.__('Last check')}</dt>
        <dd>{checked}</dd>
      </dl>
      <KeyLocation status={status} trans={trans} />
      <ErrorMessage status={status} trans={trans} />
      <div className="jp-qbraid-LoginPanel-buttons">
        {status.busy ? (
          <CancelButton status={status} trans={trans} />
        ) : (
          <button
            type="button"
            className="jp-mod-styled jp-qbraid-LoginPanel-checkAgain"
            onClick={() => status.check().catch(() => undefined)}
          >
            {trans.__('Check again')}
          </button>
        )}
        <button
          type="button"
          className="jp-mod-styled jp-mod-warn jp-qbraid-LoginPanel-signOut"
          disabled={status.busy}
          onClick={() => void status.signOut()}
        >
          {trans.__('Sign out')}
        </button>
      </div>
    </div>
  );
}
