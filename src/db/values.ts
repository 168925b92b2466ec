/**
 * The value conventions of the Database port, in one place for both adapters: PGlite and node-postgres
 * each parse PostgreSQL's text output their own way (PGlite turns int8 into bigint and date into a
 * UTC Date, node-postgres turns date into a local Date, numeric[] into floats and interval into an
 * object), so both are given the parsers below and agree.
 */

/** PostgreSQL type OIDs (pg_type.oid) whose parsing the adapters override. */
export const OID = {
  int8: 20,
  point: 600,
  circle: 718,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  int8Array: 1016,
  pointArray: 1017,
  timestampArray: 1115,
  dateArray: 1182,
  timestamptzArray: 1185,
  intervalArray: 1187,
  numericArray: 1231,
} as const;

/** The largest and smallest instants a Date holds; PostgreSQL's ±infinity map to them. */
const MAX_DATE_MS = 8.64e15;

const TIMESTAMPTZ =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?( BC)?$/;

/**
 * Parses a timestamptz as PostgreSQL prints it with DateStyle ISO ('2024-05-01 08:30:00.123456+08',
 * offsets with minutes or seconds, years past 9999, BC years) into a Date. Microseconds are cut to
 * milliseconds (a Date holds no more). 'infinity' and '-infinity' become the last and first Date.
 */
export function parseTimestamptz(text: string): Date {
  if (text === 'infinity') return new Date(MAX_DATE_MS);
  if (text === '-infinity') return new Date(-MAX_DATE_MS);
  const m = TIMESTAMPTZ.exec(text);
  if (!m) return new Date(text);
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = m;
  // Year 1 BC is year 0 in the proleptic calendar Date uses.
  const year = bc ? 1 - Number(y) : Number(y);
  const millis = frac ? Math.floor(Number(frac.padEnd(6, '0')) / 1000) : 0;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), millis);
  const offsetSeconds = Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0);
  return new Date(date.getTime() - (sign === '-' ? -1 : 1) * offsetSeconds * 1000);
}

const identity = (text: string): string => text;

/**
 * The element parsers both adapters install. PGlite derives each array type's parser from its
 * element's, so these cover int8[], date[] and the rest there; node-postgres needs the array OIDs
 * too (see ARRAY_ELEMENT).
 */
export const ELEMENT_PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  [OID.int8]: identity,
  [OID.numeric]: identity,
  [OID.date]: identity,
  [OID.timestamp]: identity,
  [OID.timestamptz]: parseTimestamptz,
  [OID.interval]: identity,
  [OID.point]: identity,
  [OID.circle]: identity,
};

/** Array OID → element OID, for the arrays whose elements ELEMENT_PARSERS changes. */
export const ARRAY_ELEMENT: Readonly<Record<number, number>> = {
  [OID.int8Array]: OID.int8,
  [OID.numericArray]: OID.numeric,
  [OID.dateArray]: OID.date,
  [OID.timestampArray]: OID.timestamp,
  [OID.timestamptzArray]: OID.timestamptz,
  [OID.intervalArray]: OID.interval,
  [OID.pointArray]: OID.point,
};
