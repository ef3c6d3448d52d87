import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { IQbraidSessionOwner } from '../plugins/owner';
import type { IQbraidCredentialsSync, IQbraidSyncStatus } from '../tokens';

describe('the sync plugin', () => {
  afterEach(() => {
    jest.dontMock('../plugins/syncsetup');
    jest.resetModules();
  });

  it('says to reload the page when the sync code does not load, and its actions fail with the cause', async () => {
    jest.doMock('../plugins/syncsetup', () => {
      throw new Error('Loading chunk 50 failed');
    });
    const { syncPlugin } = await import('../plugins/sync');
    const app = { restored: Promise.resolve() } as unknown as JupyterFrontEnd;
    const sync = syncPlugin.activate(
      app,
      {} as IQbraidSessionOwner,
      {} as ISettingRegistry,
      null
    ) as IQbraidCredentialsSync;
    expect(sync.status.state).not.toBe('error');
    const failed = new Promise<IQbraidSyncStatus>(resolve =>
      sync.statusChanged.connect((_, status) => resolve(status))
    );
    const status = await failed;
    expect(status.state).toBe('error');
    expect(status.message).toContain('Loading chunk 50 failed');
    expect(status.message).toContain('reload the page');
    expect(sync.status).toEqual(status);
    await expect(sync.syncNow()).rejects.toThrow('Loading chunk 50 failed');
  });
});
