/**
 * The HTTP server: REST API under /api/v1, its OpenAPI 3.1 document generated from the same zod
 * schemas that validate requests, health checks, and the web UI (src/app/web-ui.ts).
 */
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { accessRoutes } from '../modules/access/access.routes.ts';
import { auditRoutes, denialRecorder } from '../modules/audit/audit.routes.ts';
import { classifyRoutes } from '../modules/classify/classify.routes.ts';
import { ingestRoutes } from '../modules/ingest/ingest.routes.ts';
import { keysRoutes } from '../modules/keys/keys.routes.ts';
import { ledgerRoutes } from '../modules/ledger/ledger.routes.ts';
import { ocrRoutes } from '../modules/ocr/ocr.routes.ts';
import { dictionariesRoutes } from '../modules/search/dictionaries.routes.ts';
import { searchRoutes } from '../modules/search/search.routes.ts';
import { recordsRoutes } from '../modules/records/records.routes.ts';
import { referenceRoutes } from '../modules/reference/reference.routes.ts';
import { usersRoutes } from '../modules/users/users.routes.ts';
import {
  installAuth,
  installErrorHandler,
  installInputGuards,
  installNotFound,
  rateLimited,
} from './http.ts';
import type { Services } from './services.ts';
import { systemRoutes } from './system.routes.ts';
import { registerWebUi } from './web-ui.ts';

export type App = FastifyInstance;

export async function createApp(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.log.child({ part: 'http' }) as unknown as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, denialRecorder(services.db));
  app.addHook('onRoute', (route) => {
    // The API description and its page hold no archive data.
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config as object), public: true };
  });

  // Security headers (OWASP secure headers) for the API and the web UI alike: no framing, no MIME
  // sniffing, strict referrer, a content security policy that allows only our own scripts (Ant Design
  // writes its styles at run time, hence inline styles); HSTS is left to the TLS proxy.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        // the web UI's viewer shows a downloaded PDF or image from a blob: URL in a frame; the
        // browser's PDF viewer inside that frame counts as an object, hence object-src blob:
        frameSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ['blob:'],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: services.config.security.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => rateLimited({ seconds: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'dangan 电子档案管理系统 API',
        version: '1',
        description:
          '所有接口均须认证：浏览器使用登录会话 Cookie，机器客户端使用 `Authorization: Bearer <token>`。错误统一返回 `{ error: { code, message, details? } }`，code 为稳定的点分代码。',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'dangan_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  await app.register(fastifyMultipart, {
    limits: {
      // Our blob store enforces the size limit while streaming; this is the outer guard.
      fileSize: services.config.ingest.maxFileBytes + 1,
      files: 1,
      fields: 10,
      fieldSize: 256 * 1024,
      parts: 12,
    },
  });
  installAuth(app, services.db, services.config.security);
  installInputGuards(app);

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  const webUi = await registerWebUi(app);
  installNotFound(app, webUi.fallback, denialRecorder(services.db));
  await app.register(systemRoutes(services));
  await app.register(usersRoutes(services), { prefix: '/api/v1' });
  await app.register(accessRoutes(services), { prefix: '/api/v1' });
  await app.register(auditRoutes(services), { prefix: '/api/v1' });
  await app.register(referenceRoutes(services), { prefix: '/api/v1' });
  await app.register(recordsRoutes(services), { prefix: '/api/v1' });
  await app.register(ingestRoutes(services), { prefix: '/api/v1' });
  await app.register(ledgerRoutes(services), { prefix: '/api/v1' });
  await app.register(searchRoutes(services), { prefix: '/api/v1' });
  await app.register(classifyRoutes(services), { prefix: '/api/v1' });
  await app.register(keysRoutes(services), { prefix: '/api/v1' });
  await app.register(ocrRoutes(services), { prefix: '/api/v1' });
  await app.register(dictionariesRoutes(services), { prefix: '/api/v1' });
  return app;
}
