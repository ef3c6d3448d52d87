import { Notification } from '@jupyterlab/apputils';
import { ITranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { IQbraidSession } from './tokens';

/**
 * The command ids of the extension.
 */
export namespace CommandIDs {
  export const checkConnection = 'qbraid:check-connection';
}

/**
 * What `qbraid:check-connection` resolves with (also for scripts and tests).
 */
export interface ICheckConnectionResult {
  ok: boolean;
  email: string | null;
  baseUrl: string;
  error: string | null;
}

/**
 * Add `qbraid:check-connection`: verify the credentials with `GET /identity`
 * and tell the user the result in a notification.
 */
export function addCheckConnectionCommand(
  commands: CommandRegistry,
  session: IQbraidSession,
  translator: ITranslator
): void {
  const trans = translator.load('jupyterlab_qbraid_session');
  commands.addCommand(CommandIDs.checkConnection, {
    label: trans.__('Check qBraid Connection'),
    caption: trans.__('Check the qBraid credentials with the API'),
    execute: async (): Promise<ICheckConnectionResult> => {
      try {
        const identity = await session.verify();
        Notification.success(
          trans.__('Connected to %1 as %2', session.baseUrl, identity.email),
          { autoClose: 5000 }
        );
        return {
          ok: true,
          email: identity.email,
          baseUrl: session.baseUrl,
          error: null
        };
      } catch (error) {
        const message = (error as Error).message;
        Notification.error(trans.__('qBraid connection failed: %1', message));
        return {
          ok: false,
          email: null,
          baseUrl: session.baseUrl,
          error: message
        };
      }
    }
  });
}
