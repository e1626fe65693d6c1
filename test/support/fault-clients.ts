/**
 * Clients for fault and load tests: every request has a deadline (a hang is an error of its own), every outcome
 * is counted by code, and every acknowledged resource edit is remembered so that the test can check none is lost.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { FaultsResourceDocument, FaultsSyncDocument, FaultsUpdateResourceDocument, type SyncDirection } from '../generated/operations';

export const REQUEST_DEADLINE_MS = 30_000;

/** Outcome counts by code: OK, a userErrors code, a GraphQL error code, HTTP_<status>, HANG, TRANSPORT. */
export class Tally {
  /** `deadlineMs`: a request without an answer by then counts as HANG. */
  constructor(readonly deadlineMs = REQUEST_DEADLINE_MS) {}

  readonly counts = new Map<string, number>();
  /** One message per code, to show what a code looked like. */
  readonly samples = new Map<string, string>();
  /** Response times in ms by operation name. */
  readonly durations = new Map<string, number[]>();

  time(operation: string, ms: number): void {
    let list = this.durations.get(operation);
    if (!list) this.durations.set(operation, (list = []));
    list.push(ms);
  }

  /** p50 / p95 / max response time (ms) per operation. */
  latencies(): Record<string, { n: number; p50: number; p95: number; max: number }> {
    const out: Record<string, { n: number; p50: number; p95: number; max: number }> = {};
    for (const [operation, list] of this.durations) {
      const sorted = [...list].sort((a, b) => a - b);
      const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
      out[operation] = { n: sorted.length, p50: at(0.5), p95: at(0.95), max: Math.round(sorted[sorted.length - 1]) };
    }
    return out;
  }

  add(code: string, message = ''): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    if (!this.samples.has(code) && message) this.samples.set(code, message);
  }

  get(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  /** Codes outside `allowed` with their counts. */
  unexpected(allowed: readonly string[]): Record<string, number> {
    return Object.fromEntries([...this.counts].filter(([code]) => code !== 'OK' && !allowed.includes(code)));
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

export interface Outcome<T> {
  code: string;
  message: string;
  data?: T | null;
}

/** POSTs one operation with a deadline; never throws. */
export async function send<T, V>(url: string, token: string, document: TypedDocumentNode<T, V>, variables: V, tally: Tally): Promise<Outcome<T>> {
  let outcome: Outcome<T>;
  const started = performance.now();
  const operation = (document.definitions[0] as { name?: { value: string } }).name?.value ?? 'anonymous';
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(document), variables }),
      signal: AbortSignal.timeout(tally.deadlineMs),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      outcome = { code: `HTTP_${response.status}`, message: text.slice(0, 200) };
      tally.add(outcome.code, outcome.message);
      return outcome;
    }
    if (body.errors?.length) {
      const first = body.errors[0];
      outcome = { code: first.extensions?.code ?? `HTTP_${response.status}`, message: first.message, data: body.data };
    } else {
      const payload = body.data ? (Object.values(body.data)[0] as { userErrors?: Array<{ code: string; message: string }> } | null) : null;
      const userError = payload?.userErrors?.[0];
      outcome = userError ? { code: userError.code, message: userError.message, data: body.data } : { code: 'OK', message: '', data: body.data };
    }
  } catch (error) {
    const name = (error as Error).name;
    outcome = { code: name === 'TimeoutError' ? 'HANG' : 'TRANSPORT', message: String((error as Error).message) };
  }
  tally.add(outcome.code, outcome.message);
  tally.time(operation, performance.now() - started);
  return outcome;
}

/** One resource edited by one client: what the server acknowledged last, and edits whose outcome is unknown. */
export interface TrackedResource {
  id: string;
  name: string;
  /** The version the client will pass as expectedVersion. */
  version: number;
  /** Spec of the last acknowledged edit (or the spec read at the start). */
  acknowledged: Record<string, unknown>;
  acknowledgedVersion: number;
  acknowledgedEdits: number;
  /** Edits sent after the last acknowledgement whose response was lost (they may or may not have been committed). */
  uncertain: Array<Record<string, unknown>>;
}

/** Re-reads version (and, when nothing is uncertain, checks the acknowledged spec is still there). */
export async function refresh(url: string, token: string, tracked: TrackedResource, tally: Tally): Promise<void> {
  const read = await send(url, token, FaultsResourceDocument, { id: tracked.id }, tally);
  if (read.code === 'OK' && read.data?.resource) tracked.version = read.data.resource.version;
}

/** Sends one edit with optimistic concurrency and updates the tracking by its outcome. */
export async function edit(url: string, token: string, tracked: TrackedResource, spec: Record<string, unknown>, tally: Tally): Promise<Outcome<unknown>> {
  const outcome = await send(url, token, FaultsUpdateResourceDocument, { id: tracked.id, spec, expectedVersion: tracked.version }, tally);
  if (outcome.code === 'OK') {
    const resource = (outcome.data as { updateResource: { resource: { version: number; spec: Record<string, unknown> } } }).updateResource.resource;
    tracked.version = resource.version;
    tracked.acknowledged = spec;
    tracked.acknowledgedVersion = resource.version;
    tracked.acknowledgedEdits += 1;
    tracked.uncertain = [];
  } else if (outcome.code === 'STALE_VERSION') {
    await refresh(url, token, tracked, tally);
  } else if (outcome.code !== 'VALIDATION' && outcome.code !== 'CONFLICT') {
    tracked.uncertain.push(spec);
    await refresh(url, token, tracked, tally);
  }
  return outcome;
}

export async function queueSync(url: string, token: string, fabricId: string, direction: SyncDirection, tally: Tally): Promise<string | undefined> {
  const outcome = await send(url, token, FaultsSyncDocument, { fabricId, direction }, tally);
  return outcome.data?.syncFabric.syncOperation?.id;
}

/** Empty when the stored spec is the acknowledged one (or one of the edits whose response was lost). */
export function lostEditProblem(tracked: TrackedResource, stored: { spec: Record<string, unknown>; version: number } | null | undefined): string | null {
  if (!stored) return `${tracked.name}: the resource is gone`;
  if (stored.version < tracked.acknowledgedVersion) return `${tracked.name}: version ${stored.version} is older than the acknowledged ${tracked.acknowledgedVersion}`;
  const candidates = [tracked.acknowledged, ...tracked.uncertain];
  if (!candidates.some((spec) => isDeepStrictEqual(spec, stored.spec))) {
    return `${tracked.name}: stored spec ${JSON.stringify(stored.spec)} is not the acknowledged ${JSON.stringify(tracked.acknowledged)}`;
  }
  return null;
}
