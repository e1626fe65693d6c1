/**
 * The minimal baseline the read-path benchmark compares with: a plain graphql-js schema for the same queries
 * (resources page, fabrics with resourceCounts, updateResource), a node:http handler and hand-written SQL through
 * `pg`, on the same database, answering the same JSON. It does what any server must: checks the Bearer token
 * (one indexed lookup), parses and validates each document once (cached), and runs the same statements the
 * answer needs. It does nothing else: no ORM, no validation of specs, no history, no audit. GET /metrics reports the
 * statements it sent (hnp_sql_statements_total) and its RSS (hnp_process_resident_memory_bytes), named as ours.
 * Run: DATABASE_URL=… PORT=0 node dist/bench/baseline-server.js   (prints {"msg":"baseline listening","url":…})
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, validate, type DocumentNode, type GraphQLError } from 'graphql';
import { Pool } from 'pg';

const schema = buildSchema(`
  scalar JSONObject
  enum ConflictStatus { NONE DETECTED RESOLVING RESOLVED }
  type ResourceCount { count: Int! kind: String! }
  type HedgehogFabric { id: ID! name: String! resourceCounts: [ResourceCount!]! }
  type HedgehogResource { id: ID! kind: String! name: String! spec: JSONObject! conflictStatus: ConflictStatus! fabric: HedgehogFabric! version: Int! }
  type HedgehogResourceEdge { cursor: String! node: HedgehogResource! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type HedgehogResourceConnection { totalCount: Int! edges: [HedgehogResourceEdge!]! pageInfo: PageInfo! }
  type HedgehogFabricEdge { node: HedgehogFabric! }
  type HedgehogFabricConnection { totalCount: Int! edges: [HedgehogFabricEdge!]! }
  type Query {
    resources(fabricId: ID!, first: Int, after: String): HedgehogResourceConnection!
    fabrics(first: Int): HedgehogFabricConnection!
  }
  input UpdateResourceInput { spec: JSONObject }
  type UserError { code: String! message: String! }
  type HedgehogResourcePayload { resource: HedgehogResource userErrors: [UserError!]! }
  type Mutation { updateResource(id: ID!, input: UpdateResourceInput!): HedgehogResourcePayload! }
`);

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });

/** Statements sent to PostgreSQL (every pool.query goes through a client's query), reported on GET /metrics. */
let sqlStatements = 0;
pool.on('connect', (client) => {
  const query = client.query as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    sqlStatements++;
    return query.apply(client, args);
  };
});

function globalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

function uuidOf(id: string): string {
  return Buffer.from(id, 'base64url').toString('utf8').split(':')[1] ?? '';
}

interface ResourceRow {
  id: string;
  kind: string;
  name: string;
  spec: Record<string, unknown>;
  conflict_status: string;
  version: number;
  fabric_id: string;
}

function resourceObject(row: ResourceRow, fabric: () => Promise<{ name: string }> | { name: string }) {
  return { id: globalId('HedgehogResource', row.id), kind: row.kind, name: row.name, spec: row.spec, conflictStatus: row.conflict_status.toUpperCase(), version: row.version, fabric };
}

const root = {
  async resources({ fabricId, first, after }: { fabricId: string; first?: number; after?: string }) {
    const id = uuidOf(fabricId);
    const size = Math.min(first ?? 50, 500);
    const cursor = after ? (JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as string[]) : null;
    const [fabric, page, count] = await Promise.all([
      pool.query<{ name: string }>('select name from hedgehog_fabric where id = $1', [id]),
      pool.query<ResourceRow>(
        `select id, kind, name, spec, conflict_status, version, fabric_id from hedgehog_resource
          where fabric_id = $1 ${cursor ? 'and (kind, namespace, name, id) > ($3::text, $4::text, $5::text, $6::uuid)' : ''}
          order by kind, namespace, name, id limit $2`,
        cursor ? [id, size + 1, cursor[1], cursor[2], cursor[3], cursor[4]] : [id, size + 1],
      ),
      pool.query<{ count: string }>('select count(*) as count from hedgehog_resource where fabric_id = $1', [id]),
    ]);
    if (fabric.rows.length === 0) throw new Error(`no HedgehogFabric with id "${fabricId}"`);
    const owner = { name: fabric.rows[0].name };
    const edges = page.rows.slice(0, size).map((row) => ({
      cursor: Buffer.from(JSON.stringify(['res', row.kind, 'default', row.name, row.id])).toString('base64url'),
      node: resourceObject(row, () => owner),
    }));
    return {
      totalCount: Number(count.rows[0].count),
      edges,
      pageInfo: { hasNextPage: page.rows.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    };
  },

  async fabrics({ first }: { first?: number }) {
    const size = Math.min(first ?? 50, 500);
    const [page, total] = await Promise.all([
      pool.query<{ id: string; name: string }>('select id, name from hedgehog_fabric order by name, id limit $1', [size + 1]),
      pool.query<{ count: string }>('select count(*) as count from hedgehog_fabric'),
    ]);
    const ids = page.rows.slice(0, size).map((row) => row.id);
    const counts = await pool.query<{ fabric_id: string; kind: string; count: string }>(
      'select fabric_id, kind, count(*) as count from hedgehog_resource where fabric_id = any($1) group by fabric_id, kind order by kind',
      [ids],
    );
    return {
      totalCount: Number(total.rows[0].count),
      edges: page.rows.slice(0, size).map((row) => ({
        node: {
          id: globalId('HedgehogFabric', row.id),
          name: row.name,
          resourceCounts: counts.rows.filter((c) => c.fabric_id === row.id).map((c) => ({ kind: c.kind, count: Number(c.count) })),
        },
      })),
    };
  },

  async updateResource({ id, input }: { id: string; input: { spec?: Record<string, unknown> } }) {
    const result = await pool.query<ResourceRow>(
      `update hedgehog_resource set spec = coalesce($2::jsonb, spec), version = version + 1, resource_state = 'draft', last_updated = now()
        where id = $1 returning id, kind, name, spec, conflict_status, version, fabric_id`,
      [uuidOf(id), input.spec === undefined ? null : JSON.stringify(input.spec)],
    );
    const row = result.rows[0];
    if (!row) return { resource: null, userErrors: [{ code: 'NOT_FOUND', message: 'resource not found' }] };
    const fabric = async () => (await pool.query<{ name: string }>('select name from hedgehog_fabric where id = $1', [row.fabric_id])).rows[0];
    return { resource: resourceObject(row, fabric), userErrors: [] };
  },
};

const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();

function compile(query: string): DocumentNode | readonly GraphQLError[] {
  let document = documents.get(query);
  if (!document) {
    const parsed = parse(query);
    const errors = validate(schema, parsed);
    document = errors.length > 0 ? errors : parsed;
    documents.set(query, document);
  }
  return document;
}

async function authenticated(header: string | undefined): Promise<boolean> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) return false;
  const result = await pool.query(
    `select 1 from api_token t join app_user u on u.id = t.user_id
      where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > now()) and u.is_active`,
    [createHash('sha256').update(token).digest('hex')],
  );
  return result.rows.length === 1;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'GET' && request.url === '/metrics') {
    const text = `hnp_sql_statements_total ${sqlStatements}\nhnp_process_resident_memory_bytes ${process.memoryUsage().rss}\n`;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    return void response.end(text);
  }
  if (request.method !== 'POST' || request.url !== '/graphql') return send(response, 404, { errors: [{ message: 'not found' }] });
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown> };
  if (!(await authenticated(request.headers.authorization))) return send(response, 401, { errors: [{ message: 'Invalid API token' }] });
  const document = compile(query);
  if (Array.isArray(document)) return send(response, 400, { errors: document });
  const result = await execute({ schema, document: document as DocumentNode, rootValue: root, variableValues: variables });
  send(response, 200, result);
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => send(response, 500, { errors: [{ message: String(error) }] }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'baseline listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
