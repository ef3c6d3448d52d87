import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISyncConflict } from '../sync';
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
 * Tell the user when a sync fails (once per distinct message).
 */
export function notifySyncErrors(
  trans: TranslationBundle
): (sender: unknown, status: IQbraidSyncStatus) => void {
  let last = '';
  return (_, status) => {
    if (status.state === 'error' && status.message !== last) {
      Notification.error(
        trans.__('qBraid credentials sync: %1', status.message),
        {
          autoClose: false
        }
      );
    }
    last = status.state === 'error' ? status.message : '';
  };
}
