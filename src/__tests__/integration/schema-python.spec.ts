/**
 * The settings schema means the same in the browser (ajv) and on the server
 * (jupyterlab_server validates with Python's jsonschema): a value the lab
 * accepts is never refused by the server, which would log it whole.
 */
import { execFileSync } from 'child_process';
import schema from '../../../schema/plugin.json';

const TRICKY = [
  'abc',
  'qbr_0123456789abcdef',
  'abc\u00a0def',
  'abc\u0085def',
  '\ufeffabc',
  'abc\u180edef',
  'abc\u2028def',
  'clé',
  'a b',
  'a\tb',
  'abc\n',
  '',
  'me@example.com',
  'josé@example.com',
  'a@b',
  'https://api-v2.qbraid.com/api/v1',
  'https://api.example.com:65535/api',
  'https://api.example.com:65536/api',
  'https://api.example.com:0/api',
  'http://127.0.0.1:00/api',
  'https://api.example.com:1/api',
  'https://api.example.com:99999/api/v1',
  'https://evil.test\\.api.qbraid.com/api',
  'http://127.0.0.1:8766/api/v1',
  'http://evil.test/api',
  'https://api.example.com/api?x=1',
  'https://api.example.com/api\n'
];

const PROPERTIES = Object.entries(
  (schema as { properties: Record<string, { pattern?: string }> }).properties
).filter(([, property]) => property.pattern);

function pythonVerdicts(): Record<string, boolean[]> {
  const code = [
    'import json, re, sys',
    'data = json.load(sys.stdin)',
    'from jsonschema import Draft7Validator',
    'out = {}',
    'for name, prop in data["properties"]:',
    '    v = Draft7Validator({"type": "string", "pattern": prop["pattern"]})',
    '    out[name] = [v.is_valid(value) for value in data["values"]]',
    'print(json.dumps(out))'
  ].join('\n');
  return JSON.parse(
    execFileSync(process.env.PYTHON ?? 'python3', ['-c', code], {
      input: JSON.stringify({ properties: PROPERTIES, values: TRICKY }),
      encoding: 'utf8'
    })
  );
}

it('every pattern of the schema gives the same verdicts in ajv and Python jsonschema', () => {
  const python = pythonVerdicts();
  for (const [name, property] of PROPERTIES) {
    // What ajv (the settings registry's validator) does with a pattern.
    const pattern = new RegExp(property.pattern!, 'u');
    const browser = TRICKY.map(value => pattern.test(value));
    expect([name, browser]).toEqual([name, python[name]]);
  }
  // The list is not trivially all-accepted or all-refused.
  expect(Object.values(python).flat()).toContain(true);
  expect(Object.values(python).flat()).toContain(false);
});
