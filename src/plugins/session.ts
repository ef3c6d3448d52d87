import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { QbraidSession } from '../session/session';
import { QbraidSessionView } from '../session/sessionview';
import { lazy } from '../lazy';
import { IQbraidKeyStore, IQbraidSession } from '../tokens';
import { DOMAIN, PLUGIN_ID } from './ids';
import { IQbraidSessionOwner, QbraidSessionOwner } from './owner';

/**
 * Owns the shared qBraid session: connects it to the key store the settings
 * ask for (or the `IQbraidKeyStore` another extension provides), and routes
 * its requests through the Jupyter server's proxy when it can. Activation
 * makes no network call: requests wait for the store through `session.ready`.
 */
export const sessionOwnerPlugin: JupyterFrontEndPlugin<IQbraidSessionOwner> = {
  id: PLUGIN_ID,
  description: 'Owns the qBraid API session and applies the settings to it.',
  autoStart: true,
  provides: QbraidSessionOwner,
  optional: [ISettingRegistry, ITranslator, IQbraidKeyStore],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    translator: ITranslator | null,
    provided: IQbraidKeyStore | null
  ): IQbraidSessionOwner => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const configured = new PromiseDelegate<IQbraidKeyStore>();
    const session = new QbraidSession({ ready: configured.promise });
    void app.restored
      .then(() => Private.setup())
      .then(({ configureSession }) =>
        configureSession(app, session, registry, trans, provided)
      )
      .then(
        store => configured.resolve(store),
        error => {
          console.error('The qBraid session could not be configured.', error);
          configured.reject(error);
        }
      );
    return { session, keyStore: configured.promise };
  }
};

/**
 * Provides the shared session to every plugin as `IQbraidSession`: a view
 * with requests, read-only state, `changed` and `ready`, and none of the
 * owner's powers (no `update`, `close` or config store), at runtime too.
 */
export const sessionPlugin: JupyterFrontEndPlugin<IQbraidSession> = {
  id: 'jupyterlab-qbraid-session:session',
  description: 'Provides one authenticated qBraid API session to every plugin.',
  autoStart: true,
  requires: [QbraidSessionOwner],
  provides: IQbraidSession,
  activate: (
    app: JupyterFrontEnd,
    owner: IQbraidSessionOwner
  ): IQbraidSession => new QbraidSessionView(owner.session)
};

namespace Private {
  /** The session's setup, loaded after restore. */
  export const setup = lazy(
    () => import(/* webpackChunkName: "setup" */ './sessionsetup')
  );
}
