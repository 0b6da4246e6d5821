// CSV as RFC 4180 writes it: fields with a comma, quote or line break are quoted, quotes doubled, CRLF between rows.

const field = (value: string | number | bigint | boolean | undefined | null): string => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(header: string[], rows: (string | number | bigint | boolean | undefined | null)[][]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
