import { QbraidrcFile } from '../qbraidrc/file';
import { QbraidrcConflictError, QbraidrcStore } from '../qbraidrc/store';
import { FakeContents } from './fakecontents';
import { rejection } from './fakeapi';

const PATH = '.qbraid/qbraidrc';

describe('QbraidrcStore', () => {
  let contents: FakeContents;
  let store: QbraidrcStore;
  beforeEach(() => {
    contents = new FakeContents();
    store = new QbraidrcStore({ contents: contents.manager });
  });

  it('finds ~/.qbraid/qbraidrc when the server root is the home directory', async () => {
    contents.folders.add('.local');
    contents.edit('.bashrc', '');
    await expect(
      QbraidrcStore.locate(contents.manager, '/home/me')
    ).resolves.toBe(PATH);
    await expect(QbraidrcStore.locate(contents.manager, '~')).resolves.toBe(
      PATH
    );
    await expect(
      QbraidrcStore.locate(contents.manager, '/srv', 'config/qbraidrc')
    ).resolves.toBe('config/qbraidrc');
  });

  it('says where the file would be when the home is outside the server root', async () => {
    await expect(
      QbraidrcStore.locate(contents.manager, '~/work')
    ).rejects.toThrow(
      /root is ~\/work, inside your home directory.*--ServerApp.root_dir=~/
    );
    contents.edit('notebook.ipynb', '{}');
    await expect(
      QbraidrcStore.locate(contents.manager, '/srv/notebooks')
    ).rejects.toThrow(
      /\(\/srv\/notebooks\) does not look like your home directory.*"qbraidrc path"/
    );
  });

  it('reads a missing file as empty and creates .qbraid/ before the first write', async () => {
    const snapshot = await store.read();
    expect(snapshot).toMatchObject({ exists: false, text: '' });
    const file = QbraidrcFile.parse('');
    file.update({ 'api-key': 'k-1' });
    await store.write(file, snapshot);
    expect(contents.folders.has('.qbraid')).toBe(true);
    expect(contents.read(PATH)).toBe('[default]\napi-key = k-1\n');
    expect(store.get('api-key')).toBe('k-1');
  });

  it('refuses to write over a file changed since it was read', async () => {
    contents.folders.add('.qbraid');
    contents.edit(PATH, '[default]\napi-key = a\n');
    const snapshot = await store.read();
    contents.edit(PATH, '[default]\napi-key = edited-in-terminal\n');
    const file = QbraidrcFile.parse(snapshot.text);
    file.update({ email: 'me@example.com' });
    await expect(store.write(file, snapshot)).rejects.toBeInstanceOf(
      QbraidrcConflictError
    );
    expect(contents.read(PATH)).toBe(
      '[default]\napi-key = edited-in-terminal\n'
    );
  });

  it('save() merges into the newest file and keeps what it does not own', async () => {
    contents.folders.add('.qbraid');
    contents.edit(PATH, '# mine\n[default]\norganization = acme\n');
    await store.save({ 'api-key': 'k-1', url: null });
    expect(contents.read(PATH)).toBe(
      '# mine\n[default]\norganization = acme\napi-key = k-1\n'
    );
  });

  it('save() is one read and one write: an edit landing in between is a conflict, not overwritten', async () => {
    contents.folders.add('.qbraid');
    contents.edit(PATH, '[default]\napi-key = a\n');
    const read = contents.get.bind(contents);
    let reads = 0;
    contents.get = async (path, options) => {
      const model = await read(path, options);
      if (options?.content !== false && ++reads === 1) {
        contents.edit(PATH, '[default]\napi-key = from-terminal\n');
      }
      return model;
    };
    await expect(
      store.save({ email: 'me@example.com' })
    ).rejects.toBeInstanceOf(QbraidrcConflictError);
    expect(contents.read(PATH)).toBe('[default]\napi-key = from-terminal\n');
    expect(contents.puts).toBe(0);
  });

  it('never writes over a file configparser would refuse', async () => {
    contents.folders.add('.qbraid');
    contents.edit(PATH, '[default]\napi-key = a\n[default]\n');
    const error = await rejection(store.save({ 'api-key': 'k-1' }));
    expect(error.message).toMatch(
      /qbraidrc line 3: section \[default\] appears twice/
    );
    expect(contents.puts).toBe(0);
  });

  it('names the server setting when hidden files are not allowed', async () => {
    const hidden = new QbraidrcStore({
      contents: contents.manager,
      allowHidden: false
    });
    await expect(hidden.read()).rejects.toThrow(
      /--ContentsManager.allow_hidden=True/
    );
    contents.refuse = {
      status: 400,
      message: 'Cannot create file or directory .qbraid'
    };
    await expect(store.save({ 'api-key': 'k' })).rejects.toMatchObject({
      code: 'qbraidrc_hidden'
    });
  });

  it('explains a permission refusal', async () => {
    contents.refuse = {
      status: 403,
      message: 'Permission denied: .qbraid/qbraidrc'
    };
    await expect(store.read()).rejects.toMatchObject({
      code: 'qbraidrc_permission',
      message: expect.stringContaining('Permission denied')
    });
  });
});
