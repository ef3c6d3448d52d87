import * as fs from 'fs';
import * as path from 'path';

/*
 * The documents name files of the repository in backticks; a file that moved
 * or went must not be named where it was.
 */
const ROOT = path.join(__dirname, '..', '..');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  'CHANGELOG.md',
  'RELEASE.md'
];

/**
 * The repository paths a text names in backticks: those under a folder of
 * the repository (wildcards left out).
 */
function namedPaths(text: string): string[] {
  return [...text.matchAll(/`([\w.-]+)\/([^`\s*]*)`/g)]
    .filter(([, top]) =>
      fs
        .statSync(path.join(ROOT, top), { throwIfNoEntry: false })
        ?.isDirectory()
    )
    .map(([, top, rest]) => `${top}/${rest}`);
}

describe('the documents', () => {
  it('find the paths they name in backticks', () => {
    expect(namedPaths('see `src/a.ts`, `tests/*.py` and `not/this`')).toEqual([
      'src/a.ts'
    ]);
  });

  it('name no file that is not there', () => {
    const named = DOCS.flatMap(doc =>
      namedPaths(fs.readFileSync(path.join(ROOT, doc), 'utf-8')).map(name => ({
        doc,
        name
      }))
    );
    expect(named.length).toBeGreaterThan(20);
    expect(
      named.filter(({ name }) => !fs.existsSync(path.join(ROOT, name)))
    ).toEqual([]);
  });
});
