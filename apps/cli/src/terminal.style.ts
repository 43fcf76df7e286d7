/** Text styles for a terminal; every one is the identity when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const sgr = (on: number, off: number) => (text: string) => `\u001b[${on}m${text}\u001b[${off}m`;
const plain = (text: string) => text;

export const NO_STYLE: Style = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };
const ANSI: Style = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };

/**
 * Colour only for a person at a terminal: never when the output is piped or redirected, and never
 * when NO_COLOR is set to anything (https://no-color.org).
 */
export function styleFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): Style {
  return stream.isTTY === true && !env.NO_COLOR ? ANSI : NO_STYLE;
}

/** How sure a report was, at a glance: confirmed green, denied red, anything weaker yellow. */
export function confirmationStyle(style: Style, confirmation: string): (text: string) => string {
  if (confirmation === 'confirmed') return style.green;
  if (confirmation === 'denied') return style.red;
  return style.yellow;
}
