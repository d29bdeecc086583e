/**
 * CSV columns → the items of `POST /api/contacts` and `POST /api/events`, so an import validates exactly like the
 * JSON API (the same zod schemas run on the result). Pure; table-tested in csv-records.spec.ts.
 *
 * Contacts: `externalId`, `timezone`, `consent.email|push|sms|webhook` (true/false/yes/no/1/0), every other column is an
 *   attribute (`attributes.` prefix optional); numbers and true/false become JSON numbers and booleans, an empty cell
 *   is left out (a cell `null` removes the attribute, as null does in JSON).
 * Events: `externalId`, `name`, `occurredAt` (optional), `properties` (a JSON object, optional); every other column is
 *   a property (`properties.` prefix optional), typed the same way.
 */
export type CsvRecord = Record<string, string>;

/** A header cell, trimmed. `__proto__` (bare or after a prefix) cannot be a key of a JavaScript object: the import stops. */
export function csvColumn(cell: string): string {
  const column = cell.trim();
  if (column.split('.').includes('__proto__')) throw new Error(`CSV header: the column "${column}" is not allowed`);
  return column;
}

const truthy = new Set(['true', 'yes', '1', 'y']);
const falsy = new Set(['false', 'no', '0', 'n']);

/** '2' → 2, 'true' → true, 'null' → null, anything else stays text. */
export function typedCell(cell: string): unknown {
  if (cell === 'null') return null;
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(cell)) return Number(cell);
  return cell;
}

function consentCell(cell: string): unknown {
  const v = cell.trim().toLowerCase();
  if (truthy.has(v)) return true;
  if (falsy.has(v)) return false;
  return cell; // left for the schema to reject, naming the field
}

export function contactFromCsv(record: CsvRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  const consent: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '' || cell === undefined) continue;
    if (column === 'externalId' || column === 'timezone') item[column] = cell;
    else if (column.startsWith('consent.')) consent[column.slice(8)] = consentCell(cell);
    else attributes[column.startsWith('attributes.') ? column.slice(11) : column] = typedCell(cell);
  }
  if (Object.keys(consent).length) item.consent = consent;
  if (Object.keys(attributes).length) item.attributes = attributes;
  return item;
}

export function eventFromCsv(record: CsvRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  let properties: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '' || cell === undefined) continue;
    if (column === 'externalId' || column === 'name' || column === 'occurredAt') item[column] = cell;
    else if (column === 'properties') {
      try {
        const parsed: unknown = JSON.parse(cell);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ...item, properties: cell };
        properties = { ...(parsed as Record<string, unknown>), ...properties };
      } catch {
        return { ...item, properties: cell }; // not JSON: the schema names the field
      }
    } else properties[column.startsWith('properties.') ? column.slice(11) : column] = typedCell(cell);
  }
  if (Object.keys(properties).length) item.properties = properties;
  return item;
}
