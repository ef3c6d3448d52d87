/**
 * The most characters of a value the API gave (an email, a name, an
 * organization) that the panel and the status bar show; the whole value is
 * in the element's title.
 */
export const MAX_SHOWN_CHARS = 64;

/**
 * `value` as shown in a line of the panel or the status bar: cut to
 * `MAX_SHOWN_CHARS` characters (whole code points), with `…` when cut.
 */
export function shown(value: string): string {
  const chars = Array.from(value.slice(0, MAX_SHOWN_CHARS * 2));
  return chars.length > MAX_SHOWN_CHARS
    ? chars.slice(0, MAX_SHOWN_CHARS).join('') + '…'
    : value;
}
