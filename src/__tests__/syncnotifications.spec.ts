import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import type { IQbraidSyncStatus } from '../tokens';
import { notifySyncErrors } from '../ui/syncnotifications';

const trans = nullTranslator.load('test');

function status(
  state: IQbraidSyncStatus['state'],
  message: string
): IQbraidSyncStatus {
  return { state, message, time: new Date(), path: 'qbraidrc', writes: 0 };
}

const ours = () =>
  Notification.manager.notifications.filter(n =>
    n.message.startsWith('qBraid credentials sync')
  );

describe('notifySyncErrors', () => {
  afterEach(() => Notification.dismiss());

  it('shows one notification for a problem that persists, whatever comes between', () => {
    const notify = notifySyncErrors(trans);
    for (let i = 0; i < 16; i++) {
      notify(null, status('syncing', 'Writing…'));
      notify(null, status('error', 'qbraidrc is a folder.'));
    }
    expect(ours()).toHaveLength(1);
    expect(ours()[0].type).toBe('error');
  });

  it('updates it in place when the problem changes, and dismisses it once fixed', () => {
    const notify = notifySyncErrors(trans);
    notify(null, status('error', 'first problem'));
    notify(null, status('error', 'second problem'));
    expect(ours().map(n => n.message)).toEqual([
      'qBraid credentials sync: second problem'
    ]);
    notify(null, status('ok', 'Wrote apiKey.'));
    expect(ours()).toEqual([]);
  });

  it('shows the problem again after the person dismissed it and it comes back', () => {
    const notify = notifySyncErrors(trans);
    notify(null, status('error', 'a problem'));
    Notification.dismiss(ours()[0].id);
    notify(null, status('error', 'a problem'));
    expect(ours()).toHaveLength(1);
  });
});
