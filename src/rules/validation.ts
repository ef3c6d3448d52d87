import { ConfigError } from './errors';
import {
  CREDENTIAL_FIELDS,
  CredentialProperty,
  fieldOf,
  ICredentialField
} from './fields';
import RULES from './rules.json';

/*
 * The one check of credential values, used by the session, the login panel
 * and (through the same patterns in schema/plugin.json, compared by a test)
 * the settings registry in the browser and jupyterlab_server in Python. The
 * patterns are the rule book's (`src/rules/rules.json`), which the server
 * half applies too.
 */

/** Printable ASCII without space: what a key or token may hold. */
export const CREDENTIAL_PATTERN = RULES.values.credentialPattern;

/** An email of printable ASCII: a header value must be ASCII. */
export const EMAIL_PATTERN = RULES.values.emailPattern;

/** The longest key or token accepted (real ones are far shorter). */
export const MAX_CREDENTIAL_LENGTH = RULES.values.maxCredentialLength;

/** The longest email accepted. */
export const MAX_EMAIL_LENGTH = RULES.values.maxEmailLength;

/** The schema rules of a field: `pattern` and `maxLength`. */
export function fieldRules(field: ICredentialField): {
  pattern: string;
  maxLength: number;
} {
  return field.property === 'userEmail'
    ? { pattern: EMAIL_PATTERN, maxLength: MAX_EMAIL_LENGTH }
    : { pattern: CREDENTIAL_PATTERN, maxLength: MAX_CREDENTIAL_LENGTH };
}

/**
 * Why `value` cannot be `field`'s, naming the field and never showing the
 * value; `null` when it can. An empty value is always accepted (unset).
 */
export function credentialProblem(
  field: ICredentialField,
  value: unknown
): string | null {
  const name = field.label[0].toUpperCase() + field.label.slice(1);
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value !== 'string') {
    return `${name} must be text.`;
  }
  const { pattern, maxLength } = fieldRules(field);
  if (value.length > maxLength) {
    return `${name} is ${value.length} characters long; at most ${maxLength} are accepted.`;
  }
  // Control characters would split a header (or a qbraidrc line) in two.
  if (Private.UNSAFE.test(value) || value !== value.trim()) {
    return `${name} contains a line break, a control character or surrounding spaces.`;
  }
  if (!new RegExp(pattern, 'u').test(value)) {
    return field.property === 'userEmail'
      ? `${name} must be an address like name@example.com, in plain ASCII characters.`
      : `${name} may hold only printable ASCII characters, without spaces: check that it was copied whole.`;
  }
  return null;
}

/**
 * `value` when it can be `property`'s value, else a `ConfigError` naming the
 * field (never the value).
 */
export function checkCredential(
  property: CredentialProperty,
  value: string | null | undefined
): string | null | undefined {
  const problem = credentialProblem(fieldOf(property), value);
  if (problem) {
    throw new ConfigError(problem, { code: 'invalid_credential' });
  }
  return value;
}

/**
 * The problems of values keyed by setting name (a sign-in, a settings save),
 * one message per refused field.
 */
export function settingsProblems(values: Record<string, unknown>): string[] {
  return CREDENTIAL_FIELDS.filter(field => field.setting in values)
    .map(field => credentialProblem(field, values[field.setting]))
    .filter((problem): problem is string => problem !== null);
}

namespace Private {
  // eslint-disable-next-line no-control-regex
  export const UNSAFE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
}
