/**
 * The web UI as the server delivers it: the built app at /, long-cached hashed assets sent
 * pre-compressed, client-side routes answered with the app, and /api never answered with HTML.
 * Needs web/dist (npm test builds it in pretest).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WEB_DIST } from '../src/app/web-ui.ts';
import { createTestContext, signIn, type TestContext } from './helpers.ts';

describe('web UI delivery', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  it('serves the single-page app at / without signing in, revalidated on every load', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.body, /<div id="root"><\/div>/);
    assert.match(res.body, /src="\/assets\/index-[\w-]+\.js"/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
  });

  it('sends hashed assets compressed, cached for a year', async () => {
    const script = readdirSync(join(WEB_DIST, 'assets')).find((f) => /^react-[\w-]+\.js$/.test(f));
    assert.ok(script, 'the React chunk is built');
    const br = await ctx.app.inject({
      method: 'GET',
      url: `/assets/${script}`,
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(br.headers['content-type'] as string, /javascript/);
    const plain = await ctx.app.inject({ method: 'GET', url: `/assets/${script}` });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(Number(br.headers['content-length']) < plain.rawPayload.length / 2);
  });

  it('answers client-side routes with the app, but a missing asset with 404', async () => {
    for (const url of ['/search?q=许可证', '/records/A001-WS·2024-Y-BGS-0001', '/admin']) {
      const res = await ctx.app.inject({ method: 'GET', url: encodeURI(url) });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<div id="root">/, url);
    }
    const missing = await ctx.app.inject({ method: 'GET', url: '/assets/missing-abc123.js' });
    assert.equal(missing.statusCode, 404);
    assert.doesNotMatch(missing.body, /<div id="root">/);
  });

  it('never answers an API path with the app', async () => {
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/no-such-endpoint' });
    assert.equal(anonymous.statusCode, 401);
    const { authorization } = await signIn(ctx.app, 'admin', ctx.adminPassword);
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/no-such-endpoint',
      headers: { authorization },
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'request.not_found');
    const post = await ctx.app.inject({ method: 'POST', url: '/search', headers: { authorization } });
    assert.equal(post.statusCode, 404);
    assert.match(post.headers['content-type'] as string, /json/);
  });
});
