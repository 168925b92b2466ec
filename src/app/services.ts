/**
 * Wiring in one place: every service is built once here and passed on explicitly. A service
 * receives only what it uses.
 */
import { createReferenceCache } from '../modules/reference/reference.cache.ts';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import type { Database } from '../db/database.port.ts';
import type { Actor } from '../modules/access/access.policy.ts';
import type { BlobStore } from '../modules/blobs/blobs.port.ts';
import { createFsBlobStore } from '../modules/blobs/fs-blob-store.ts';
import { classifyConfig } from '../modules/classify/classify.config.ts';
import { classifyJob, trainJob, type ClassifyDeps } from '../modules/classify/classify.job.ts';
import { createModelCache } from '../modules/classify/classify.versions.ts';
import type { Keyring } from '../modules/keys/keyring.ts';
import { openKeyring } from '../modules/keys/keys.setup.ts';
import { createKeyedBlobStore } from '../modules/keys/keyed-blob-store.ts';
import { extractTextJob } from '../modules/ingest/extract-text.job.ts';
import type { IngestDeps } from '../modules/ingest/ingest.usecases.ts';
import { releaseDead } from '../modules/jobs/jobs.queue.ts';
import { ocrJob } from '../modules/ocr/ocr.job.ts';
import type { OcrPool } from '../modules/ocr/ocr.pool.ts';
import { startWorkers, type JobHandler, type Workers } from '../modules/jobs/jobs.worker.ts';
import { loadOrCreateSigningKey } from '../modules/ledger/ledger.keys.ts';
import { createLedger, type Ledger } from '../modules/ledger/ledger.usecases.ts';
import { createTotpSecrets, sealPlainTotpSecrets } from '../modules/users/totp-seal.ts';
import { createWitness } from '../modules/ledger/ledger.witness.ts';
import { isDeadOwner, processOwner, recoverIntents } from '../modules/storage/intents.ts';
import { searchSyncJob } from '../modules/search/search.job.ts';
import { lazySearchIndex, type SearchIndexHandle } from '../modules/search/search.service.ts';
import type { SearchDeps } from '../modules/search/search.usecases.ts';
import { createRebuilder, type Rebuilder } from '../modules/search/search.rebuild.ts';
import { bootstrap, localActor, type BootstrapResult } from './bootstrap.ts';
import type { Config } from './config.ts';

export interface Services {
  config: Config;
  db: Database;
  blobs: BlobStore;
  /** the key hierarchy (always open: sealed blobs stay readable when encryption is turned off) */
  keyring: Keyring;
  log: Logger;
  owner: string;
  tmpDir: string;
  /** the operator at this machine's command line */
  local: Actor;
  firstStart: BootstrapResult;
  ingestDeps: IngestDeps;
  jobHandlers: Record<string, JobHandler>;
  /** the search index (opened on first use) */
  search: SearchIndexHandle;
  searchDeps: SearchDeps;
  /** the server's own rebuild of the search index, in the background (POST /api/v1/search/rebuild) */
  searchRebuilder: Rebuilder;
  /** field extraction and classification (job steps and review) */
  classifyDeps: ClassifyDeps;
  /** started by startJobWorkers(); undefined until then */
  workers: Workers | undefined;
  startJobWorkers(concurrency?: number): Workers;
  /** the tamper-evident ledger; serve starts its sequencer (ledger.start()) */
  ledger: Ledger;
  close(): Promise<void>;
}

/** Opens the database (migrating it), the blob store, and finishes what a crash left behind. */
export async function buildServices(
  config: Config,
  log: Logger,
  options: { db?: Database } = {},
): Promise<Services> {
  const db =
    options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') }));
  try {
    const { applied } = await migrate(db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    const firstStart = await bootstrap(db, config);
    // The keyring is always open, so blobs sealed while encryption was on stay readable after it is
    // turned off; `sealing` (encryption.enabled) decides whether new blobs are sealed.
    const keyring = await openKeyring(config, log);
    // TOTP secrets stored in the clear before migration 0008 are sealed once, here.
    const totpSealed = await sealPlainTotpSecrets(db, createTotpSecrets(keyring.store));
    if (totpSealed > 0) log.info({ users: totpSealed }, 'TOTP secrets sealed by the key store');
    const sealing = config.encryption.enabled ? keyring : undefined;
    const blobs = createKeyedBlobStore(createFsBlobStore({ volumes: config.volumes }), keyring, db);
    const owner = processOwner();
    const exclusive = db.kind === 'pglite';
    const recovered = await recoverIntents({ db, blobs, owner }, exclusive);
    const staging = await blobs.cleanStaging();
    const released = await releaseDead(db, (o) => exclusive || isDeadOwner(o, owner));
    if (recovered + staging + released > 0)
      log.warn({ recovered, staging, released }, 'recovered from an interrupted run');

    const ledger = await createLedger({
      db,
      key: (algorithm) => loadOrCreateSigningKey(join(config.dataDir, 'keys'), algorithm),
      hashAlgorithm: config.ledger.hash,
      signatureAlgorithm: config.ledger.signature,
      log: log.child({ part: 'ledger' }),
      witness: config.ledger.witness
        ? createWitness(config.ledger.witness, { log: log.child({ part: 'ledger-witness' }) })
        : undefined,
    });

    const tmpDir = join(config.dataDir, 'tmp');
    const maxRank = Math.max(...config.secrecyLevels.map((l) => l.rank));
    const search = lazySearchIndex(config.dataDir);
    const searchDeps: SearchDeps = {
      db,
      blobs,
      index: () => search.get(),
      synonyms: () => search.synonyms(),
      dataDir: config.dataDir,
      owner,
    };
    const classifyDeps: ClassifyDeps = {
      db,
      blobs,
      config: classifyConfig(config.dataDir),
      models: createModelCache(classifyConfig(config.dataDir).modelsDir),
    };
    let ocrPool: Promise<OcrPool> | undefined;
    const services: Services = {
      config,
      db,
      blobs,
      keyring,
      log,
      owner,
      tmpDir,
      local: localActor(maxRank),
      firstStart,
      ingestDeps: {
        db,
        blobs,
        config,
        owner,
        keyring: sealing,
        reference: createReferenceCache(db),
        notify: () => services.workers?.notify(),
      },
      jobHandlers: {
        extract_text: extractTextJob({ db, blobs, owner, tmpDir, keyring: sealing }),
        // The OCR worker pool (onnxruntime, sharp) starts with the first scan, not at start-up.
        ocr: ocrJob({
          db,
          blobs,
          owner,
          tmpDir,
          keyring: sealing,
          pool: () =>
            (ocrPool ??= import('../modules/ocr/ocr.pool.ts').then(({ createOcrPool }) =>
              createOcrPool({
                ...(config.jobs.ocrWorkers > 0 ? { workers: config.jobs.ocrWorkers } : {}),
                pageTimeoutMs: config.jobs.ocrPageTimeoutSeconds * 1000,
              }),
            )),
        }),
        search_sync: searchSyncJob(searchDeps),
        classify: classifyJob(classifyDeps),
        classify_train: trainJob({ ...classifyDeps, system: localActor(maxRank) }),
      },
      classifyDeps,
      search,
      searchDeps,
      searchRebuilder: createRebuilder(searchDeps, log.child({ part: 'search' })),
      workers: undefined,
      startJobWorkers(concurrency = config.jobs.workers) {
        services.workers ??= startWorkers({
          db,
          owner,
          handlers: services.jobHandlers,
          concurrency,
          pollMs: config.jobs.pollMs,
          leaseSeconds: config.jobs.leaseSeconds,
          log: log.child({ part: 'jobs' }),
        });
        return services.workers;
      },
      ledger,
      async close() {
        if (services.workers) {
          const { released } = await services.workers.stop(config.server.shutdownGraceMs);
          if (released > 0) log.info({ released }, 'jobs put back in the queue');
        }
        await ledger.stop();
        if (ocrPool) await (await ocrPool.catch(() => undefined))?.close();
        await search.close();
        await keyring.close();
        await db.close();
      },
    };
    return services;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
