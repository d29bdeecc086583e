/**
 * CSV writing (RFC 4180): fields with a comma, quote, CR or LF are quoted, quotes doubled. Text that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR at the start) is prefixed with an apostrophe (OWASP CSV injection);
 * numbers are written as numbers.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
