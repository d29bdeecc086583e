import { badRequest } from './http-errors';

/**
 * Opaque pagination cursors: base64url of the JSON sort key of the last item (`[createdAt, id]`).
 * Clients pass `nextCursor` back unchanged; anything else is a 400, never a SQL error.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, shape: readonly ('string' | 'number' | 'date')[]): (string | number)[] | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const ok =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((v, i) =>
      shape[i] === 'number'
        ? typeof v === 'number' && Number.isFinite(v)
        : typeof v === 'string' && v.length <= 200 && (shape[i] !== 'date' || !Number.isNaN(Date.parse(v))),
    );
  if (!ok) throw badRequest([{ path: 'query.cursor', message: 'query.cursor: not a cursor this API returned' }]);
  return key as (string | number)[];
}

/**
 * A timestamptz sort key as a cursor carries it: ISO 8601 in UTC to the microsecond, as `cursor_at`. A JavaScript
 * Date holds milliseconds, and a cursor rounded down to one skips every row later in that millisecond.
 */
export const cursorInstantSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Fetch `limit + 1` rows, hand them here: the extra row only tells whether there is a next page. */
export function pageOf<R, T>(rows: R[], limit: number, view: (row: R) => T, keyOf: (row: R) => (string | number)[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(view), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
