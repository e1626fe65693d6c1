import assert from 'node:assert/strict';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/config';
import { generateToken, hashToken, tokenDisplayPrefix } from '../../src/auth/tokens';
import { ApiToken, HedgehogFabric, HedgehogResource, User } from '../../src/entities';
import { Role } from '../../src/entities/enums';
import { findKind } from '../../src/hedgehog/kinds';
import type { GraphQLResponse } from './graphql-client';
import type { TestServer } from './test-server';

/**
 * Server settings for the read-side suites: no sync workers and no background polling, so that seeded
 * operations stay as seeded and every SQL statement counted comes from the request being measured.
 */
export const READ_ONLY_SERVER: Partial<Config> = { syncWorkers: 0, syncPollIntervalMs: 3_600_000 };

/** Writable fields of an entity (for seeding rows straight through the ORM). */
export type Init<T> = { [K in keyof T]?: T[K] };

/**
 * Seeds rows through one forked EntityManager of the server's own ORM (fast, no mutations): `add` queues an
 * entity, `flush` writes everything queued. Entities added through one Seed can reference each other.
 */
export class Seed {
  readonly em: EntityManager;

  constructor(server: TestServer | MikroORM) {
    const orm = 'server' in server ? server.server.database.orm : server;
    this.em = orm.em.fork();
  }

  add<T extends object>(entity: new () => T, data: Init<T>): T {
    const instance = Object.assign(new entity(), data);
    this.em.persist(instance);
    return instance;
  }

  /** A reference to a row that exists already (e.g. one seeded by another Seed). */
  ref<T extends object>(entity: new () => T, id: string): T {
    return this.em.getReference(entity, id as never) as T;
  }

  async flush(): Promise<void> {
    await this.em.flush();
  }

  fabric(name: string, data: Init<HedgehogFabric> = {}): HedgehogFabric {
    return this.add(HedgehogFabric, { name, ...data });
  }

  /** A resource with the kind's real apiVersion. */
  resource(fabric: HedgehogFabric, kind: string, name: string, data: Init<HedgehogResource> = {}): HedgehogResource {
    const info = findKind(kind);
    if (!info) throw new Error(`unknown kind ${kind}`);
    return this.add(HedgehogResource, { fabric, apiVersion: info.apiVersion, kind, namespace: 'default', name, spec: {}, ...data });
  }

  /** A user with one API token; the token secret is returned for requests as that user. */
  user(username: string, role: Role): { user: User; token: string; apiToken: ApiToken } {
    const user = this.add(User, { username, role });
    const token = generateToken();
    const apiToken = this.add(ApiToken, { user, name: `${username}-token`, tokenHash: hashToken(token), prefix: tokenDisplayPrefix(token) });
    return { user, token, apiToken };
  }
}

/** `offsetMs` milliseconds after `base` (for distinct, ordered timestamps). */
export function at(base: Date, offsetMs: number): Date {
  return new Date(base.getTime() + offsetMs);
}

/** Asserts the request failed with exactly one GraphQL error of `code` (never an HTTP 500 or a masked internal error). */
export function assertErrorCode(response: GraphQLResponse<unknown>, code: string, message?: RegExp): void {
  assert.notEqual(response.status, 500, `HTTP 500: ${JSON.stringify(response.errors)}`);
  assert.equal(response.errors?.length, 1, `expected one error, got ${JSON.stringify(response.errors)}`);
  const error = response.errors?.[0];
  assert.ok(error);
  assert.equal(error.extensions?.code, code, `expected ${code}, got ${JSON.stringify(error)}`);
  if (message) assert.match(error.message, message);
}
