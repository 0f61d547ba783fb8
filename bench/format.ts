/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (value >= 100) {
    return `${value.toFixed(0)} ms`;
  }

  if (value >= 1) {
    return `${value.toFixed(2)} ms`;
  }

  return `${(value * 1000).toFixed(0)} µs`;
}

/** A difference in milliseconds with its sign. */
export function signedMs(value: number): string {
  return `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;
}

/** Bytes as KB (1,024 bytes) with the exact count beside them. */
export function bytes(value: number): string {
  return `${(value / 1024).toFixed(1)} KB (${value.toLocaleString('en-US')} B)`;
}

/** A ratio such as "1.23x". */
export function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}

/** A whole number with thousands separators. */
export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** A Markdown table from a header row and body rows. */
export function table(head: string[], rows: string[][]): string[] {
  const line = (cells: string[]) =>
    `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;

  return [line(head), line(head.map(() => '---')), ...rows.map(line)];
}
