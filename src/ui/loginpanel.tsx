import { PageConfig } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { IAccount, SignInModel } from './signinmodel';
import { DIALECTS } from '../rules/dialects';
import { describeError } from './errormessages';
import type { ApiVersionOption } from '../tokens';
import { MaskedInput } from './maskedinput';
import { shown } from './shown';

/**
 * The qBraid sidebar's panel: sign in (the key is checked with the API before
 * it is saved), who is signed in, sign out. It renders the connection status.
 */
export class LoginPanel extends ReactWidget {
  /**
   * Create the panel.
   */
  constructor(
    private readonly _status: SignInModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-qbraid-LoginPanel-view');
  }

  /** Put the keyboard focus on the first field or button of the panel. */
  focusFirst(): void {
    this.node.querySelector<HTMLElement>('input, button')?.focus();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._status.changed}>
        {() => <LoginView status={this._status} trans={this._trans} />}
      </UseSignal>
    );
  }
}

interface IViewProps {
  status: SignInModel;
  trans: TranslationBundle;
}

/**
 * Where a qBraid API key is obtained (the account page of qBraid's site).
 */
const API_KEY_PAGE = 'https://account.qbraid.com';

function LoginView({ status, trans }: IViewProps): JSX.Element {
  const signedIn = status.hasCredentials && !status.signingIn;
  const body = React.useRef<HTMLElement>(null);
  const wasSignedIn = React.useRef(signedIn);
  // Whether the keyboard focus is in the panel: a control that had it may be
  // disabled or replaced while a sign-in or check runs, and the focus must
  // come back to the panel, not the page's body.
  const focusInside = React.useRef(false);
  React.useEffect(() => {
    const active = document.activeElement;
    if (
      !focusInside.current ||
      (active && active !== document.body) ||
      // Signed in or out meanwhile: the effect below moves the focus.
      wasSignedIn.current !== signedIn
    ) {
      return;
    }
    const targets = status.busy
      ? ['.jp-qbraid-LoginPanel-cancel']
      : signedIn
        ? ['.jp-qbraid-LoginPanel-checkAgain', '.jp-qbraid-LoginPanel-state']
        : ['#jp-qbraid-api-key'];
    for (const target of targets) {
      const element = body.current?.querySelector<HTMLElement>(target);
      if (element) {
        element.focus();
        return;
      }
    }
  }, [status.busy]);
  React.useEffect(() => {
    const before = wasSignedIn.current;
    wasSignedIn.current = signedIn;
    const active = document.activeElement;
    // The form that had the focus is gone: the focus goes to what replaced it,
    // not to the page's body.
    if (before !== signedIn && (!active || active === document.body)) {
      body.current
        ?.querySelector<HTMLElement>(
          signedIn ? '.jp-qbraid-LoginPanel-state' : 'input, button'
        )
        ?.focus();
    }
  }, [signedIn]);
  return (
    <section
      ref={body}
      className="jp-qbraid-LoginPanel-body"
      aria-label={trans.__('qBraid account')}
      onFocus={() => (focusInside.current = true)}
      onBlur={event => {
        // A control that is disabled or removed loses the focus to nothing
        // (no related target): the focus is still the panel's to give back.
        if (event.relatedTarget) {
          focusInside.current = !!body.current?.contains(
            event.relatedTarget as Node
          );
        }
      }}
    >
      <h2 className="jp-qbraid-LoginPanel-title">{trans.__('qBraid')}</h2>
      {status.settingsError && (
        <div className="jp-qbraid-LoginPanel-error" role="alert">
          {status.settingsError}
        </div>
      )}
      {signedIn ? (
        <SignedIn status={status} trans={trans} />
      ) : (
        <SignInForm status={status} trans={trans} />
      )}
    </section>
  );
}

function ErrorMessage({ status, trans }: IViewProps): JSX.Element | null {
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

function SignInForm({ status, trans }: IViewProps): JSX.Element {
  const [email, setEmail] = React.useState(status.session.userEmail ?? '');
  const [apiKey, setApiKey] = React.useState('');
  const [baseUrl, setBaseUrl] = React.useState('');
  const [apiVersion, setApiVersion] = React.useState<ApiVersionOption | ''>('');
  const [pageOnly, setPageOnly] = React.useState(false);
  const busy = status.signingIn;
  // Editing a field makes the message about the last attempt obsolete.
  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      status.dismissError();
    };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    // The error is shown from the status; nothing else to do here.
    status
      .signIn({ email, apiKey, baseUrl, apiVersion, pageOnly })
      .catch(() => undefined);
  };
  return (
    <form
      className="jp-qbraid-LoginPanel-form"
      onSubmit={submit}
      aria-busy={busy}
      // One check, which names the field: the session's, not the browser's.
      noValidate
    >
      <p className="jp-qbraid-LoginPanel-state">{trans.__('Signed out')}</p>
      <ApiInUse status={status} trans={trans} />
      <label htmlFor="jp-qbraid-email">{trans.__('Email (optional)')}</label>
      <input
        id="jp-qbraid-email"
        className="jp-mod-styled"
        type="email"
        autoComplete="username"
        value={email}
        disabled={busy}
        onChange={e => edited(setEmail)(e.target.value)}
      />
      <label htmlFor="jp-qbraid-api-key">{trans.__('API key')}</label>
      <MaskedInput
        id="jp-qbraid-api-key"
        value={apiKey}
        onChange={edited(setApiKey)}
        trans={trans}
        required
        disabled={busy}
      />
      {status.canKeepForPage && (
        <label className="jp-qbraid-LoginPanel-check">
          <input
            id="jp-qbraid-page-only"
            type="checkbox"
            checked={pageOnly}
            disabled={busy}
            onChange={e => setPageOnly(e.target.checked)}
          />
          {trans.__(
            'Keep the key for this page only (forgotten on reload, never saved)'
          )}
        </label>
      )}
      <a
        className="jp-qbraid-LoginPanel-link"
        href={API_KEY_PAGE}
        target="_blank"
        rel="noopener noreferrer"
      >
        {trans.__('Get your API key from your qBraid account')}
      </a>
      <details className="jp-qbraid-LoginPanel-advanced">
        <summary>{trans.__('Advanced')}</summary>
        <label htmlFor="jp-qbraid-base-url">{trans.__('API base URL')}</label>
        <input
          id="jp-qbraid-base-url"
          className="jp-mod-styled"
          type="url"
          placeholder={status.session.baseUrl}
          value={baseUrl}
          disabled={busy}
          onChange={e => edited(setBaseUrl)(e.target.value)}
        />
        <label htmlFor="jp-qbraid-api-version">{trans.__('API')}</label>
        <select
          id="jp-qbraid-api-version"
          className="jp-mod-styled"
          value={apiVersion}
          disabled={busy}
          onChange={e =>
            edited(setApiVersion)(e.target.value as ApiVersionOption | '')
          }
        >
          <option value="">{trans.__('As configured')}</option>
          <option value="auto">{trans.__('Tell from the base URL')}</option>
          <option value="v1">{trans.__('qBraid API v1 (today)')}</option>
          <option value="legacy">
            {trans.__('qBraid legacy API (api.qbraid.com/api)')}
          </option>
        </select>
      </details>
      <button
        type="submit"
        className="jp-mod-styled jp-mod-accept jp-qbraid-LoginPanel-signIn"
        disabled={busy || !apiKey.trim()}
      >
        {busy ? trans.__('Checking…') : trans.__('Sign in')}
      </button>
      {busy && <CancelButton status={status} trans={trans} />}
      <ErrorMessage status={status} trans={trans} />
    </form>
  );
}

/** Stops the sign-in or check that is running. */
function CancelButton({ status, trans }: IViewProps): JSX.Element {
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

function ApiInUse({ status, trans }: IViewProps): JSX.Element {
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

/**
 * Where the key is kept, when it is not plainly the settings: the Jupyter
 * server, this page only, or (JupyterLite) the browser's storage.
 */
function KeyLocation({ status }: IViewProps): JSX.Element | null {
  const location = status.keyLocation;
  return location ? (
    <p className="jp-qbraid-LoginPanel-api jp-qbraid-LoginPanel-keyLocation">
      {location}
    </p>
  ) : null;
}

/** How requests go, and why when it is not the obvious way. */
function connectionText(status: SignInModel, trans: TranslationBundle) {
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

function SignedIn({ status, trans }: IViewProps): JSX.Element {
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
