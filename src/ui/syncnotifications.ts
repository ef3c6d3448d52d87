import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISyncConflict } from '../qbraidrc/sync';
import type { IQbraidSyncStatus } from '../tokens';

/**
 * Ask which side of a qbraidrc conflict wins, in a notification with "Keep
 * mine" and "Use file". Dismissing it keeps the file: nothing is overwritten
 * without a choice.
 */
export function askWhichWins(
  trans: TranslationBundle
): (conflict: ISyncConflict) => Promise<'mine' | 'file'> {
  return conflict =>
    new Promise(resolve => {
      let settled = false;
      const settle = (choice: 'mine' | 'file') => {
        if (!settled) {
          settled = true;
          Notification.manager.changed.disconnect(onChange);
          resolve(choice);
        }
      };
      const id = Notification.warning(
        trans.__(
          '%1 changed both in the lab settings and in ~/%2. Which should win?',
          conflict.settings.join(', '),
          conflict.path
        ),
        {
          autoClose: false,
          actions: [
            { label: trans.__('Keep mine'), callback: () => settle('mine') },
            {
              label: trans.__('Use file'),
              callback: () => settle('file'),
              displayType: 'accent'
            }
          ]
        }
      );
      const onChange = (_: unknown, change: Notification.IChange) => {
        if (change.type === 'removed' && change.notification.id === id) {
          settle('file');
        }
      };
      Notification.manager.changed.connect(onChange);
    });
}

/**
 * Tell the user when the sync fails: one notification for the problem,
 * updated in place when it changes, dismissed once a sync succeeds. A problem
 * that persists never piles up notifications.
 */
export function notifySyncErrors(
  trans: TranslationBundle
): (sender: unknown, status: IQbraidSyncStatus) => void {
  let shown: { id: string; message: string } | null = null;
  return (_, status) => {
    if (status.state === 'error') {
      const message = trans.__('qBraid credentials sync: %1', status.message);
      if (!shown || !Notification.manager.has(shown.id)) {
        shown = {
          id: Notification.error(message, { autoClose: false }),
          message
        };
      } else if (shown.message !== message) {
        Notification.update({
          id: shown.id,
          message,
          type: 'error',
          autoClose: false
        });
        shown.message = message;
      }
    } else if (
      shown &&
      (status.state === 'ok' || status.state === 'disabled')
    ) {
      Notification.dismiss(shown.id);
      shown = null;
    }
  };
}
