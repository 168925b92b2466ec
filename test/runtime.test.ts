import assert from 'node:assert/strict';
import { it } from 'node:test';

it('runs on the pinned Node.js 24 LTS', () => {
  assert.match(process.version, /^v24\./);
});
