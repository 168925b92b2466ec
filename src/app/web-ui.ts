/**
 * Serves the built web UI (web/dist, see scripts/build-web.ts): files with hashed names under
 * /assets/ are cached for a year, index.html is revalidated on every load; pre-compressed .br/.gz
 * copies are sent when the browser accepts them. Client-side routes (/search, /records/…) get
 * index.html; /api/… never does, so an unknown endpoint stays a JSON 404.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homePage } from './home-page.ts';

export const WEB_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

// Ant Design writes its styles at run time (CSS-in-JS), hence 'unsafe-inline' for styles only;
// blob: is for the in-browser viewer of downloaded files (a blob: frame inherits this policy, and
// the browser's PDF viewer inside it counts as an object, hence object-src blob:).
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "frame-src 'self' blob:; object-src blob:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Paths that belong to the server, never to the single-page app. */
function isServerPath(url: string): boolean {
  return /^\/(api|assets)(\/|$)|^\/(healthz|readyz)$/.test(url.split('?')[0]!);
}

export interface WebUi {
  /** answers a GET for a client-side route with index.html; false when the path is not one */
  fallback: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

export async function registerWebUi(app: FastifyInstance, dist = WEB_DIST): Promise<WebUi> {
  const indexFile = join(dist, 'index.html');
  if (!existsSync(indexFile)) {
    // Not built (a checkout without `npm run build:web`): say so instead of a blank page.
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(homePage()),
    );
    return { fallback: () => false };
  }
  const index = readFileSync(indexFile);
  const sendIndex = (reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .headers(PAGE_HEADERS)
      .send(index);
  await app.register(async (scope) => {
    // The UI's files hold no archive data: reachable before signing in.
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true };
    });
    await scope.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      globIgnore: ['**/*.br', '**/*.gz', 'build-info.json', 'index.html'],
      setHeaders(reply, path) {
        reply.header(
          'cache-control',
          path.includes(`${join('dist', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    scope.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  });
  return {
    fallback(request, reply) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      if (isServerPath(request.url)) return false;
      void sendIndex(reply);
      return true;
    },
  };
}
