import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { QbraidSession } from '../api/session';
import { QbraidSessionView } from '../api/sessionview';
import { IQbraidSession } from '../tokens';
import { DOMAIN, PLUGIN_ID } from './ids';
import {
  IQbraidSessionOwner,
  IQbraidSessionServer,
  QbraidSessionOwner
} from './owner';

/**
 * Owns the shared qBraid session: configures it from the user settings and
 * on every settings change, and routes its requests through the Jupyter
 * server's proxy when it can. With `keyStorage: server` the Jupyter server
 * holds the credentials and the session holds none. Activation makes no
 * network call: requests wait for the settings through `session.ready`.
 */
export const sessionOwnerPlugin: JupyterFrontEndPlugin<IQbraidSessionOwner> = {
  id: PLUGIN_ID,
  description: 'Owns the qBraid API session and applies the settings to it.',
  autoStart: true,
  provides: QbraidSessionOwner,
  optional: [ISettingRegistry, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IQbraidSessionOwner => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    const settingsApplied = new PromiseDelegate<void>();
    const session = new QbraidSession({ ready: settingsApplied.promise });
    const server = new PromiseDelegate<IQbraidSessionServer>();
    void app.restored
      .then(() => import(/* webpackChunkName: "setup" */ './sessionsetup'))
      .then(({ configureSession }) =>
        server.resolve(
          configureSession(app, session, registry, trans, settingsApplied)
        )
      )
      .catch(error => {
        console.error('The qBraid session could not be configured.', error);
        server.reject(error);
        settingsApplied.reject(error);
      });
    return { session, server: server.promise };
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
