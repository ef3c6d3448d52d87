import { ISignal, Signal } from '@lumino/signaling';
import { ConfigError } from '../rules/errors';
import type { QbraidSession } from './session';
import { SessionVerbs } from './verbs';
import type {
  IQbraidCredentials,
  IQbraidIdentity,
  IQbraidRequestInit,
  IQbraidRetryOptions,
  IQbraidSession,
  QbraidConfigKey
} from '../tokens';

/**
 * What other extensions receive as `IQbraidSession`: the shared session's
 * requests and read-only state, and nothing of its owner's powers. It is not
 * the session object: it has no `update`, `close`, `setConfigStore`,
 * `useTransport` or transport, at runtime as in the types, and its `changed`
 * is sent by this view, never by the owner's object. The owner is kept in a
 * private class field, which no script outside this class can read.
 */
export class QbraidSessionView extends SessionVerbs implements IQbraidSession {
  /** A view of `owner`; it follows the owner until the owner is closed. */
  constructor(owner: QbraidSession) {
    super();
    this.#owner = owner;
    owner.changed.connect((_, args) => this.#changed.emit(args));
    Object.freeze(this);
  }

  get userEmail(): string | null {
    return this.#owner.userEmail;
  }
  get apiKey(): string | null {
    return this.#owner.apiKey;
  }
  get accessToken(): string | null {
    return this.#owner.accessToken;
  }
  get refreshToken(): string | null {
    return this.#owner.refreshToken;
  }
  get idToken(): string | null {
    return this.#owner.idToken;
  }
  get hasCredentials(): boolean {
    return this.#owner.hasCredentials;
  }
  get baseUrl(): string {
    return this.#owner.baseUrl;
  }
  get apiVersion(): IQbraidSession['apiVersion'] {
    return this.#owner.apiVersion;
  }
  get connection(): IQbraidSession['connection'] {
    return this.#owner.connection;
  }
  get headers(): Readonly<Record<string, string>> {
    return this.#owner.headers;
  }
  get ready(): Promise<void> {
    return this.#owner.ready;
  }
  get isClosed(): boolean {
    return this.#owner.isClosed;
  }
  get retryOptions(): Required<IQbraidRetryOptions> {
    return this.#owner.retryOptions;
  }
  get changed(): ISignal<IQbraidSession, IQbraidSession.IChangedArgs> {
    return this.#changed;
  }

  request<T = unknown>(
    method: string,
    path: string,
    init?: IQbraidRequestInit
  ): Promise<T> {
    return this.#owner.request<T>(method, path, init);
  }
  verify(init?: IQbraidRequestInit): Promise<IQbraidIdentity> {
    return this.#owner.verify(init);
  }
  refreshAccessToken(
    init?: IQbraidRequestInit
  ): Promise<Record<string, unknown>> {
    return this.#owner.refreshAccessToken(init);
  }
  getConfigVariable(name: QbraidConfigKey): string | null {
    return this.#owner.getConfigVariable(name);
  }
  /**
   * Refused: the shared session is configured by the person (the qBraid
   * panel, the settings), never by another extension, whatever the values:
   * a base URL or a key given here would redirect every extension's
   * requests and the key to another host.
   */
  saveConfig(values?: IQbraidCredentials): Promise<void> {
    void values;
    return Promise.reject(
      new ConfigError(
        "Other extensions cannot change the shared qBraid session's configuration: " +
          'ask the user to sign in from the qBraid panel (or to change the settings).',
        { code: 'read_only_session' }
      )
    );
  }

  readonly #owner: QbraidSession;
  readonly #changed = new Signal<IQbraidSession, IQbraidSession.IChangedArgs>(
    this
  );
}
