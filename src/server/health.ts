import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import { pendingMigrations } from '../db/database';
import type { Metrics } from './metrics';

/** /healthz (process up), /readyz (database reachable, migrations applied), /metrics (Prometheus). */
export function opsRouter(orm: MikroORM, metrics: Metrics): Router {
  const router = Router();
  let migrationsApplied = false;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      if (!migrationsApplied) {
        const pending = await pendingMigrations(orm);
        if (pending.length > 0) {
          res.status(503).json({ status: 'unavailable', reason: `pending migrations: ${pending.join(', ')}` });
          return;
        }
        migrationsApplied = true;
      }
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', reason: `database unreachable: ${(error as Error).message}` });
    }
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
