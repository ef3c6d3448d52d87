import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { SignInModel } from './signinmodel';
import { describeError } from './errormessages';

/** The command ids of the extension. */
export namespace CommandIDs {
  export const signIn = 'qbraid:sign-in';
  export const signOut = 'qbraid:sign-out';
  export const checkConnection = 'qbraid:check-connection';
  export const openSettings = 'qbraid:open-settings';
}

/** What `qbraid:check-connection` resolves with (also for scripts and tests). */
export interface ICheckConnectionResult {
  ok: boolean;
  email: string | null;
  baseUrl: string;
  error: string | null;
}

/** What the commands act on. */
export interface ICommandsOptions {
  status: SignInModel;
  trans: TranslationBundle;
  /** Opens the login panel with the focus on its first field. */
  openPanel: () => void;
  /** The origin of the lab page, for CORS advice. */
  pageOrigin: string;
}

/**
 * Add the palette commands: sign in (opens the panel), sign out, check the
 * connection (with a notification), open the settings.
 */
export function addCommands(
  commands: CommandRegistry,
  options: ICommandsOptions
): void {
  const { status, trans } = options;
  commands.addCommand(CommandIDs.signIn, {
    label: trans.__('Sign in to qBraid'),
    caption: trans.__('Open the qBraid panel to sign in'),
    execute: () => options.openPanel()
  });
  commands.addCommand(CommandIDs.signOut, {
    label: trans.__('Sign out of qBraid'),
    caption: trans.__(
      'Clear the qBraid credentials from the settings and ~/.qbraid/qbraidrc'
    ),
    isEnabled: () => status.hasCredentials,
    execute: async () => {
      await status.signOut();
      Notification.info(trans.__('Signed out of qBraid.'), { autoClose: 5000 });
    }
  });
  commands.addCommand(CommandIDs.checkConnection, {
    label: trans.__('Check qBraid Connection'),
    caption: trans.__('Check the qBraid credentials with the API'),
    execute: async (): Promise<ICheckConnectionResult> => {
      const baseUrl = status.session.baseUrl;
      try {
        const identity = await status.check();
        if (!identity) {
          const message = trans.__('Not signed in to qBraid.');
          Notification.warning(message, { autoClose: 5000 });
          return { ok: false, email: null, baseUrl, error: message };
        }
        Notification.success(
          trans.__('Connected to %1 as %2', baseUrl, identity.email),
          { autoClose: 5000 }
        );
        return { ok: true, email: identity.email, baseUrl, error: null };
      } catch (error) {
        const message = describeError(
          error,
          { baseUrl, pageOrigin: options.pageOrigin },
          trans
        );
        Notification.error(trans.__('qBraid connection failed: %1', message));
        return { ok: false, email: null, baseUrl, error: message };
      }
    }
  });
  commands.addCommand(CommandIDs.openSettings, {
    label: trans.__('qBraid Settings'),
    caption: trans.__('Open the qBraid session settings'),
    execute: () =>
      commands.execute('settingeditor:open', { query: 'qBraid session' })
  });
}
