import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  graphqlOperations: Counter<'operation' | 'outcome'>;
  sqlStatements: Counter;
}

/** One registry per server instance, so several servers in one process (tests) do not collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hnp_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'hnp_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'hnp_graphql_operations_total',
      help: 'GraphQL operations by type and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    sqlStatements: new Counter({ name: 'hnp_sql_statements_total', help: 'SQL statements sent to the database', registers: [registry] }),
  };
}

export function httpMetricsMiddleware(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const pathname = req.originalUrl.split('?')[0];
      const route = ['/graphql', '/healthz', '/readyz', '/metrics'].includes(pathname) ? pathname : 'other';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          metrics.graphqlOperations.inc({ operation: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}
