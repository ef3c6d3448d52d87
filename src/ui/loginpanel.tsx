import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { ApiVersionOption } from '../tokens';
import { MaskedInput } from './maskedinput';
import { ApiInUse, CancelButton, ErrorMessage, IViewProps } from './panelparts';
import { SignedIn } from './signedin';
import type { SignInModel } from './signinmodel';

/**
 * The qBraid sidebar's panel: sign in (the key is checked with the API before
 * it is saved), who is signed in, sign out. It renders the connection status.
 */
export class LoginPanel extends ReactWidget {
  /** Create the panel. */
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

/** Where a qBraid API key is obtained (the account page of qBraid's site). */
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
        <PageOnlyCheck
          checked={pageOnly}
          disabled={busy}
          onChange={setPageOnly}
          trans={trans}
        />
      )}
      <ApiKeyLink trans={trans} />
      <AdvancedFields
        baseUrl={baseUrl}
        apiVersion={apiVersion}
        placeholder={status.session.baseUrl}
        disabled={busy}
        onBaseUrl={edited(setBaseUrl)}
        onApiVersion={edited(setApiVersion)}
        trans={trans}
      />
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

/** Keep the key in this page only (JupyterLite), never saved. */
function PageOnlyCheck(props: {
  checked: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <label className="jp-qbraid-LoginPanel-check">
      <input
        id="jp-qbraid-page-only"
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={e => props.onChange(e.target.checked)}
      />
      {props.trans.__(
        'Keep the key for this page only (forgotten on reload, never saved)'
      )}
    </label>
  );
}

/** The API's base URL and dialect, for a sign-in somewhere else than configured. */
function AdvancedFields({
  baseUrl,
  apiVersion,
  placeholder,
  disabled,
  onBaseUrl,
  onApiVersion,
  trans
}: {
  baseUrl: string;
  apiVersion: ApiVersionOption | '';
  placeholder: string;
  disabled: boolean;
  onBaseUrl: (value: string) => void;
  onApiVersion: (value: ApiVersionOption | '') => void;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <details className="jp-qbraid-LoginPanel-advanced">
      <summary>{trans.__('Advanced')}</summary>
      <label htmlFor="jp-qbraid-base-url">{trans.__('API base URL')}</label>
      <input
        id="jp-qbraid-base-url"
        className="jp-mod-styled"
        type="url"
        placeholder={placeholder}
        value={baseUrl}
        disabled={disabled}
        onChange={e => onBaseUrl(e.target.value)}
      />
      <label htmlFor="jp-qbraid-api-version">{trans.__('API')}</label>
      <select
        id="jp-qbraid-api-version"
        className="jp-mod-styled"
        value={apiVersion}
        disabled={disabled}
        onChange={e => onApiVersion(e.target.value as ApiVersionOption | '')}
      >
        <option value="">{trans.__('As configured')}</option>
        <option value="auto">{trans.__('Tell from the base URL')}</option>
        <option value="v1">{trans.__('qBraid API v1 (today)')}</option>
        <option value="legacy">
          {trans.__('qBraid legacy API (api.qbraid.com/api)')}
        </option>
      </select>
    </details>
  );
}

/** Where a person gets an API key. */
function ApiKeyLink({ trans }: { trans: TranslationBundle }): JSX.Element {
  return (
    <a
      className="jp-qbraid-LoginPanel-link"
      href={API_KEY_PAGE}
      target="_blank"
      rel="noopener noreferrer"
    >
      {trans.__('Get your API key from your qBraid account')}
    </a>
  );
}
