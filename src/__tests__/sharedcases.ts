import * as fs from 'fs';
import * as path from 'path';

/**
 * A table of `tests/cases/`, which pytest runs through the server half too:
 * both languages must give the same answers.
 */
export function sharedCases<T>(name: string): T {
  return JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', '..', 'tests', 'cases', name),
      'utf-8'
    )
  );
}
