import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function specSources(): string {
  const dirs = ['src/__tests__', 'src/__tests__/integration', 'ui-tests/tests'];
  return dirs
    .flatMap(dir =>
      fs
        .readdirSync(path.join(ROOT, dir))
        .filter(name => name.endsWith('.spec.ts'))
        .map(name => fs.readFileSync(path.join(ROOT, dir, name), 'utf8'))
    )
    .join('\n');
}

/** The pytest tests of the server half, as their function names. */
function pythonTestNames(): string {
  const dir = path.join(ROOT, 'tests');
  return fs
    .readdirSync(dir)
    .filter(name => name.startsWith('test_') && name.endsWith('.py'))
    .map(name => fs.readFileSync(path.join(dir, name), 'utf8'))
    .join('\n')
    .toLowerCase();
}

describe('parity table (CONTRIBUTING.md)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
  const section = readme
    .split('## Parity with the Python')[1]
    .split('\n## ')[0];
  const rows = section
    .split('\n')
    .filter(line => /^\|[^-]/.test(line))
    .slice(1);

  it('has a row for each part of the seed surface', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  it('names only tests that exist', () => {
    const sources = specSources();
    const python = pythonTestNames();
    const missing: string[] = [];
    for (const row of rows) {
      const testColumn = row.split('|').slice(-2)[0];
      for (const match of testColumn.matchAll(/`([^`]+)`/g)) {
        const name = match[1];
        const pytestName = `def test_${name.replace(/[^A-Za-z0-9]+/g, '_')}(`;
        if (
          !sources.includes(`'${name}'`) &&
          !sources.includes(`"${name}"`) &&
          !python.includes(pytestName.toLowerCase())
        ) {
          missing.push(name);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
