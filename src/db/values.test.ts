import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTimestamptz } from './values.ts';

test('parseTimestamptz reads PostgreSQL ISO output with any offset', () => {
  const iso = (text: string) => parseTimestamptz(text).toISOString();
  assert.equal(iso('2024-05-01 08:30:00+08'), '2024-05-01T00:30:00.000Z');
  assert.equal(iso('2024-05-01 08:30:00.123456+00'), '2024-05-01T08:30:00.123Z');
  assert.equal(iso('2024-05-01 08:30:00.5-03:30'), '2024-05-01T12:00:00.500Z');
  // Local mean time before 1901 has offsets with seconds (Asia/Shanghai: +08:05:43).
  assert.equal(iso('1900-01-01 08:05:43+08:05:43'), '1900-01-01T00:00:00.000Z');
  assert.equal(iso('0099-01-01 00:00:00+00'), '0099-01-01T00:00:00.000Z');
  assert.equal(iso('12345-01-01 00:00:00+00'), '+012345-01-01T00:00:00.000Z');
  assert.equal(iso('0001-01-01 00:00:00+00 BC'), '0000-01-01T00:00:00.000Z');
  assert.equal(parseTimestamptz('infinity').getTime(), 8.64e15);
  assert.equal(parseTimestamptz('-infinity').getTime(), -8.64e15);
});
