/**
 * The placeholder that replaces a secret in any text the session produces.
 */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not searched for: a one- or two-character
 * "key" would blank out ordinary words of a message.
 */
const MIN_SECRET_LENGTH = 3;

/**
 * Replace every occurrence of each secret in `text` with `[redacted]`, also
 * in its URL-encoded form (a key can reach a message through a URL).
 */
export function redact(
  text: string,
  secrets: Iterable<string | null | undefined>
): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) {
      needles.add(secret);
      needles.add(encodeURIComponent(secret));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  let result = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    result = result.split(needle).join(REDACTED);
  }
  return result;
}
