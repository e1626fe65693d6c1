import { FlushMode, LockMode } from '@mikro-orm/core';
import { ConflictStatus, ConflictType, FabricSyncStatus, GitAuthenticationType, GitProvider, PushMode, ResourceState, SyncOperationType } from '../../entities/enums';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { HedgehogResource, type JsonObject } from '../../entities/hedgehog-resource';
import { ResourceConflict } from '../../entities/resource-conflict';
import { ResourceTombstone } from '../../entities/resource-tombstone';
import { StateTransition } from '../../entities/state-transition';
import { SyncOperation } from '../../entities/sync-operation';
import { persistNew } from '../../db/persist-new';
import { fetchPushBase, loadFabricRemote, type FabricRemote } from '../../gitops/fabric-remote';
import { GitError, type GitSnapshot } from '../../gitops/git-types';
import type { GitHubProvider } from '../../gitops/providers/github-provider';
import type { PullRequestProvider } from '../../gitops/providers/pull-request-provider';
import { displayRemoteUrl } from '../../gitops/remote-url-display';
import { describePlan, planSync, type PlannedItem, type StoredSide, type SyncPlan, type SyncWay, type TombstoneSide } from '../../gitops/sync-plan';
import { canonicalizeManifest, manifestHash, type Manifest } from '../../hedgehog/manifest';
import { resourceManifest } from '../../hedgehog/resource-manifest';
import type { EventBus } from '../../graphql/pubsub/event-bus';
import { conflictTopics, ConflictEventType, type ConflictEventPayload } from '../../graphql/subscription-events';
import type { OperationContext, OperationExecutor } from '../executor';
import type { GitExecutorDeps } from './git-executor-deps';
import { ingestionExecutor } from './ingestion-executor';
import { recordOperationApply } from '../../services/audit-trail';

/** A push rejected because someone pushed first is retried this many times (fetch, re-plan, push). */
const PUSH_ATTEMPTS = 3;

export interface SyncExecutorDeps extends GitExecutorDeps {
  events: EventBus;
  /** Opens pull requests for repositories whose provider is GITHUB (pull-request mode); absent → that mode fails. */
  github?: GitHubProvider;
}

/** What `syncMetadata.pullRequest` of a `pending` resource holds. */
interface PendingPullRequest {
  url: string;
  branch: string;
  operation: string;
  /** Hash of the canonical manifest the pull request carries. */
  manifestHash: string;
}

/** The pull request this push opened (pull-request mode). */
interface OpenedPullRequestInfo {
  url: string;
  number: number;
  branch: string;
}

/** Everything needed to open a pull request, checked before anything is pushed. */
interface PullRequestTarget {
  provider: PullRequestProvider;
  repository: { owner: string; repo: string };
  token: string;
  branch: string;
}

function pendingPullRequestOf(row: HedgehogResource): PendingPullRequest | null {
  const value = row.syncMetadata?.pullRequest;
  if (!value || typeof value !== 'object') return null;
  const pending = value as Partial<PendingPullRequest>;
  return typeof pending.manifestHash === 'string' && typeof pending.url === 'string' ? (pending as PendingPullRequest) : null;
}

/** Tombstones whose deletion is in a pull request opened by an earlier operation (recorded in its details). */
async function tombstonesInPullRequests(context: OperationContext): Promise<Set<string>> {
  const rows = await context.em.getConnection().execute<Array<{ id: string }>>(
    `select distinct jsonb_array_elements_text(details->'pullRequest'->'tombstoneIds') as id from sync_operation
      where fabric_id = ? and pull_request_url is not null and jsonb_typeof(details->'pullRequest'->'tombstoneIds') = 'array'`,
    [context.operation.fabricId],
  );
  return new Set(rows.map((r) => String(r.id)));
}

function asManifest(value: unknown): Manifest | null {
  return value && typeof value === 'object' ? canonicalizeManifest(value as Manifest) : null;
}

async function loadSides(context: OperationContext): Promise<{ stored: StoredSide[]; tombstones: TombstoneSide[] }> {
  // Afresh: this operation's EntityManager may hold the rows from an earlier stage (the ingestion of a pull) with
  // stale data, and the version read here is what the apply compares with to see edits made in the meantime.
  const rows = await context.em.find(HedgehogResource, { fabric: context.operation.fabricId }, { refresh: true });
  const stored = rows.map((row) => {
    const manifest = resourceManifest(row);
    return {
      id: row.id,
      version: row.version,
      manifest,
      base: asManifest(row.baseManifest),
      managedFilePath: row.managedFilePath,
      blobSha: typeof row.syncMetadata?.blobSha === 'string' ? row.syncMetadata.blobSha : '',
      inConflict: row.conflictStatus === ConflictStatus.DETECTED || row.conflictStatus === ConflictStatus.RESOLVING,
      pendingPullRequest: row.resourceState === ResourceState.PENDING && pendingPullRequestOf(row)?.manifestHash === manifestHash(manifest),
    };
  });
  const tombstoneRows = await context.em.find(ResourceTombstone, { fabric: context.operation.fabricId });
  const inPullRequests = tombstoneRows.length > 0 ? await tombstonesInPullRequests(context) : new Set<string>();
  const tombstones = tombstoneRows.map((t) => ({
    id: t.id,
    base: canonicalizeManifest(t.baseManifest as unknown as Manifest),
    managedFilePath: t.managedFilePath,
    pendingPullRequest: inPullRequests.has(t.id),
  }));
  return { stored, tombstones };
}

function count(plan: SyncPlan, predicate: (item: PlannedItem) => boolean): number {
  return plan.items.filter(predicate).length;
}

/**
 * Applies the database half of a plan in one transaction, after Git accepted the commit (or nothing had to be pushed).
 * With `pullRequest`, the commit went to a pull-request branch: the base branch still holds `theirs`, so pushed
 * resources keep that as their base and become `pending`, and tombstones stay until a pull sees the deletion.
 */
async function applyPlan(
  context: OperationContext,
  plan: SyncPlan,
  way: SyncWay,
  headCommit: string | null,
  pullRequest: OpenedPullRequestInfo | null = null,
  baseBranchHead: string | null = headCommit,
): Promise<string[]> {
  const fabricId = context.operation.fabricId;
  const conflictIds: string[] = [];
  await context.em.transactional(async (tx) => {
    const now = new Date();
    // All rows in one query; no auto-flush before each read (it made 1,000 items take minutes). Read afresh and
    // locked: the planning read is minutes old, and an API edit committed since (or during this apply) must be seen
    // as `changedMeanwhile` — a stale row made the flush fail its optimistic lock after Git had accepted the push.
    const ids = plan.items.flatMap((item) => (item.stored ? [item.stored.id] : []));
    // Fabric first, then its resources: the order API edits lock them in (the reverse deadlocked under load).
    await tx.execute('select id from hedgehog_fabric where id = ? for update', [fabricId]);
    const rows = new Map<string, HedgehogResource>();
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = await tx.find(HedgehogResource, { id: { $in: ids.slice(i, i + 1000) } }, { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE });
      for (const row of batch) rows.set(row.id, row);
    }
    const transition = (resource: HedgehogResource | string, from: ResourceState | null, to: ResourceState, trigger: string, item: PlannedItem) =>
      persistNew(tx, StateTransition, {
        resource: typeof resource === 'string' ? tx.getReference(HedgehogResource, resource) : resource,
        fromState: from,
        toState: to,
        trigger,
        reason: `${item.outcome}: ${item.path}`,
        context: { operation: context.operation.id, commit: headCommit },
      });
    for (const item of plan.items) {
      if (item.awaitingPullRequest) continue; // stays `pending` until its pull request is merged
      let row = item.stored ? rows.get(item.stored.id) ?? null : null;
      if (item.conflict) {
        if (!row && item.tombstone && item.theirs) {
          // Deleted through the API, changed in Git: the resource comes back (Git's version) only to carry the
          // conflict; GUI_WINS deletes it on both sides, GIT_WINS keeps it. The tombstone stays until then.
          const theirs = canonicalizeManifest(item.theirs);
          row = persistNew(tx, HedgehogResource, {
            fabric: tx.getReference(HedgehogFabric, fabricId),
            apiVersion: theirs.apiVersion,
            kind: theirs.kind,
            namespace: theirs.metadata.namespace,
            name: theirs.metadata.name,
            spec: theirs.spec,
            labels: theirs.metadata.labels ?? {},
            annotations: theirs.metadata.annotations ?? {},
            baseManifest: item.tombstone.base as unknown as JsonObject,
            managedFilePath: item.path,
            fileHash: manifestHash(item.tombstone.base),
            resourceState: ResourceState.DRAFT,
          });
          transition(row, null, ResourceState.DRAFT, 'restore_for_conflict', item);
        }
        if (!row) continue;
        const conflict = persistNew(tx, ResourceConflict, {
          resource: row,
          fabric: tx.getReference(HedgehogFabric, fabricId),
          conflictType: item.conflict.kind as ConflictType,
          status: ConflictStatus.DETECTED,
          fieldPaths: item.conflict.paths,
          base: item.base as unknown as JsonObject | null,
          ours: item.ours as unknown as JsonObject | null,
          theirs: item.theirs as unknown as JsonObject | null,
          gitCommit: headCommit,
          operation: tx.getReference(SyncOperation, context.operation.id),
        });
        row.conflictStatus = ConflictStatus.DETECTED;
        row.conflictDetails = { conflictId: conflict.id, type: item.conflict.kind, fieldPaths: item.conflict.paths, detectedAt: now.toISOString(), ...(item.conflict.issues ? { issues: item.conflict.issues } : {}) };
        row.externalModifications = [...row.externalModifications, { at: now.toISOString(), commit: headCommit, fileHash: item.theirs ? manifestHash(item.theirs) : null, detection: 'three_way' }];
        conflictIds.push(conflict.id);
        continue;
      }
      const result = item.result;
      // Pushed to a pull-request branch: the base branch does not have it yet.
      const viaPullRequest = pullRequest !== null && item.writeGit;
      const gitHolds = item.writeGit && !viaPullRequest ? result ?? null : item.theirs;
      // The new base is what Git's base branch holds after this sync.
      const base = gitHolds;
      if (result === null && (item.writeDb || item.writeGit)) {
        if (item.writeDb && row) tx.remove(row);
        if (item.tombstone && !viaPullRequest) await tx.nativeDelete(ResourceTombstone, { id: item.tombstone.id });
        continue;
      }
      if (!row && item.writeDb && result) {
        const created = persistNew(tx, HedgehogResource, {
          fabric: tx.getReference(HedgehogFabric, fabricId),
          apiVersion: result.apiVersion,
          kind: result.kind,
          namespace: result.metadata.namespace,
          name: result.metadata.name,
          spec: result.spec,
          labels: result.metadata.labels ?? {},
          annotations: result.metadata.annotations ?? {},
          baseManifest: base as unknown as JsonObject,
          managedFilePath: item.path,
          fileHash: base ? manifestHash(base) : '',
          lastFileSync: now,
          resourceState: ResourceState.SYNCED,
          syncMetadata: { blobSha: item.blobSha },
        });
        transition(created, null, ResourceState.SYNCED, 'pull_from_git', item);
        continue;
      }
      if (!row) continue;
      const changedMeanwhile = row.version !== item.stored!.version;
      const from = row.resourceState;
      if (item.writeDb && result && !changedMeanwhile) {
        row.apiVersion = result.apiVersion;
        row.spec = result.spec;
        row.labels = result.metadata.labels ?? {};
        row.annotations = result.metadata.annotations ?? {};
      }
      if (base) {
        row.baseManifest = base as unknown as JsonObject;
        row.fileHash = manifestHash(base);
      }
      row.managedFilePath = item.path;
      row.lastFileSync = now;
      const { pullRequest: _previous, ...metadata } = row.syncMetadata ?? {};
      row.syncMetadata = { ...metadata, blobSha: item.blobSha };
      if (viaPullRequest && result && !changedMeanwhile) {
        const pending: PendingPullRequest = { url: pullRequest.url, branch: pullRequest.branch, operation: context.operation.id, manifestHash: manifestHash(result) };
        row.syncMetadata = { ...row.syncMetadata, pullRequest: pending as unknown as JsonObject };
        row.resourceState = ResourceState.PENDING;
        // Already pending (a bidirectional merge went into a new pull request): the state does not change.
        if (from !== ResourceState.PENDING) transition(row, from, ResourceState.PENDING, 'open_pull_request', item);
        continue;
      }
      const inSync = !changedMeanwhile && base !== null && manifestHash(resourceManifest(row)) === manifestHash(base);
      const to = inSync ? ResourceState.SYNCED : ResourceState.DRAFT;
      if (to !== from) {
        row.resourceState = to;
        const trigger = from === ResourceState.PENDING && to === ResourceState.SYNCED ? 'pull_request_merged' : way === 'push' ? 'commit_to_git' : 'sync_from_git';
        transition(row, from, to, trigger, item);
      }
    }
    const fabricUpdate: Partial<HedgehogFabric> = { lastGitSync: now, syncStatus: conflictIds.length > 0 ? FabricSyncStatus.OUT_OF_SYNC : FabricSyncStatus.IN_SYNC };
    // The pulled head; never a pull-request branch commit (it is not on the branch pulls read).
    const syncedCommit = pullRequest ? baseBranchHead : headCommit;
    if (way !== 'push' && syncedCommit) fabricUpdate.lastSyncedCommit = syncedCommit;
    await tx.nativeUpdate(HedgehogFabric, { id: fabricId }, fabricUpdate);
    recordOperationApply(tx, context, {
      way,
      commit: headCommit,
      changedInDatabase: plan.items.filter((item) => item.writeDb && !item.conflict && !item.awaitingPullRequest).length,
      writtenToGit: plan.items.filter((item) => item.writeGit && !item.conflict).length,
      conflicts: conflictIds.length,
      pullRequest: pullRequest?.url ?? null,
    });
  }, { flushMode: FlushMode.COMMIT });
  return conflictIds;
}

async function publishConflicts(deps: SyncExecutorDeps, fabricId: string, conflictIds: string[]): Promise<void> {
  for (const conflictId of conflictIds) {
    const payload: ConflictEventPayload = { kind: 'conflict', type: ConflictEventType.DETECTED, conflictId, fabricId, at: new Date().toISOString() };
    await deps.events.publish({ topics: conflictTopics(fabricId), payload: payload as unknown as Record<string, unknown> });
  }
}

async function headFor(deps: SyncExecutorDeps, target: FabricRemote, way: SyncWay): Promise<GitSnapshot> {
  // Pulls read the default branch; pushes build on the push branch (the default branch until it exists).
  return way === 'pull' ? deps.repos.fetch(target.remote) : fetchPushBase(deps.repos, target);
}

/**
 * Pull-request mode applies to the push half when the operation asked for it (`mode: PULL_REQUEST`) or the repository
 * does not allow direct pushes; the effective mode is recorded on the operation.
 */
async function effectivePushMode(context: OperationContext, target: FabricRemote): Promise<PushMode> {
  const connection = context.em.getConnection();
  const rows = await connection.execute<Array<{ push_mode: string | null }>>('select push_mode from sync_operation where id = ?', [context.operation.id]);
  const requested = rows[0]?.push_mode ?? null;
  const mode = requested === PushMode.PULL_REQUEST || !target.repository.directPushEnabled ? PushMode.PULL_REQUEST : PushMode.DIRECT_PUSH;
  if (requested !== mode) await connection.execute('update sync_operation set push_mode = ? where id = ?', [mode, context.operation.id]);
  return mode;
}

/** The branch a pull request of this operation comes from: `hnp/<fabric>/<operation>`. */
function pullRequestBranch(fabricName: string, operationId: string): string {
  return `hnp/${fabricName.replace(/[^A-Za-z0-9._-]+/g, '-')}/${operationId}`;
}

/** Checks that a pull request can be opened (provider, token, repository) — before anything is pushed. */
function pullRequestTarget(deps: SyncExecutorDeps, target: FabricRemote, operationId: string): PullRequestTarget {
  const { repository } = target;
  const where = `repository "${repository.name}" (${displayRemoteUrl(repository.url)})`;
  if (repository.provider !== GitProvider.GITHUB) {
    throw new Error(
      `pull requests are only implemented for GitHub; ${where} has provider ${repository.provider.toUpperCase()}: nothing was pushed (use a GITHUB repository, or enable direct pushes)`,
    );
  }
  if (!deps.github) throw new Error(`pull requests are only implemented for GitHub, and no GitHub API client is configured: nothing was pushed`);
  const credentials = target.remote.credentials;
  const token = credentials?.token ?? (repository.authenticationType === GitAuthenticationType.BASIC ? credentials?.password : undefined);
  if (!token) {
    throw new Error(
      `pull-request mode needs a GitHub API token, and ${where} has none (authenticationType TOKEN with credentials.token, or BASIC with the token as password): nothing was pushed`,
    );
  }
  let ref: { owner: string; repo: string };
  try {
    ref = deps.github.repositoryFor(repository.url);
  } catch (error) {
    throw new Error(`cannot open a pull request for ${where}: ${error instanceof Error ? error.message : String(error)}; nothing was pushed`);
  }
  return { provider: deps.github, repository: ref, token, branch: pullRequestBranch(target.fabric.name, operationId) };
}

const BODY_LINES = 200;

function pullRequestBody(target: FabricRemote, plan: SyncPlan, operationId: string): string {
  const pushed = plan.items.filter((i) => i.writeGit);
  const lines = pushed.slice(0, BODY_LINES).map((item) => {
    const action = item.result === null ? 'delete' : item.theirs === null ? 'create' : 'update';
    return `- ${action} \`${item.path}\` (${item.key})`;
  });
  if (pushed.length > BODY_LINES) lines.push(`- … and ${pushed.length - BODY_LINES} more`);
  return [
    `Changes made through HNP GraphQL to fabric \`${target.fabric.name}\`: ${pushed.length} resource file(s).`,
    '',
    ...lines,
    '',
    `Sync-Operation: ${operationId}`,
  ].join('\n');
}

/** API edits or deletions not yet in Git: draft/committed rows or tombstones (one cheap query). */
async function hasLocalChanges(context: OperationContext): Promise<boolean> {
  const rows = await context.em.getConnection().execute<Array<{ changed: boolean }>>(
    `select exists(select 1 from hedgehog_resource where fabric_id = ? and resource_state in ('draft', 'committed'))
         or exists(select 1 from resource_tombstone where fabric_id = ?) as changed`,
    [context.operation.fabricId, context.operation.fabricId],
  );
  return rows[0].changed;
}

async function runSync(deps: SyncExecutorDeps, context: OperationContext, way: SyncWay): Promise<void> {
  const target = await loadFabricRemote(context.em, context.operation.fabricId, deps.secrets);
  const dryRun = context.operation.dryRun;
  const pullRequestMode = way !== 'pull' && (await effectivePushMode(context, target)) === PushMode.PULL_REQUEST;

  // Nothing new in Git since the last sync and nothing edited through the API: done after one fetch.
  await context.stage('fetch', 0.1);
  const first = await headFor(deps, target, way);
  const gitUnchanged = way === 'push' || (first.commitSha !== null && first.commitSha === target.fabric.lastSyncedCommit);
  if (gitUnchanged && !(await hasLocalChanges(context))) {
    await context.mergeDetails({ result: 'in sync: no change on either side', headCommit: first.commitSha });
    return;
  }
  if (way !== 'push' && !dryRun && !gitUnchanged) await ingestionExecutor(deps).execute(context);

  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) await context.stage('fetch', 0.4, `retry ${attempt} after a rejected push`);
    const head = attempt === 1 && gitUnchanged ? first : await headFor(deps, target, way);
    await context.stage('diff', 0.5);
    const sides = await loadSides(context);
    const plan = await planSync({ way, paths: target.paths, head, ...sides, pullRequest: pullRequestMode });
    const summary = {
      pulled: count(plan, (i) => i.outcome === 'pull' && i.writeDb),
      pushed: count(plan, (i) => i.writeGit),
      merged: count(plan, (i) => i.outcome === 'merged'),
      converged: count(plan, (i) => i.outcome === 'converged'),
      conflicts: count(plan, (i) => i.conflict !== undefined),
      ...(pullRequestMode ? { awaitingPullRequest: count(plan, (i) => i.awaitingPullRequest === true) } : {}),
    };
    const pushModeDetails = pullRequestMode ? { pushMode: 'pull_request', pullRequestBranch: pullRequestBranch(target.fabric.name, context.operation.id) } : {};
    if (dryRun) {
      await context.mergeDetails({ dryRun: true, headCommit: head.commitSha, summary, plan: describePlan(plan), changedPaths: plan.changes.map((c) => c.path), ...pushModeDetails });
      return;
    }
    let commitSha: string | null = null;
    let pullRequest: OpenedPullRequestInfo | null = null;
    if (plan.changes.length > 0 && way !== 'pull') {
      const prTarget = pullRequestMode ? pullRequestTarget(deps, target, context.operation.id) : null;
      await context.stage('commit', 0.6);
      await context.enterPointOfNoReturn();
      await context.stage('push', 0.7, `${plan.changes.length} files`);
      try {
        const outcome = await deps.repos.commitAndPush(
          { ...target.remote, branch: target.pushBranch },
          head,
          {
            changes: plan.changes,
            message: `Sync fabric ${target.fabric.name}: ${summary.pushed} resource file(s) from the API${summary.merged ? `, ${summary.merged} merged` : ''}`,
            operationId: context.operation.id,
            author: target.author,
          },
          // Pull-request mode: a new branch whose commit's parent is the base branch head.
          prTarget ? prTarget.branch : target.pushBranch,
        );
        commitSha = outcome.commitSha;
      } catch (error) {
        if (error instanceof GitError && error.code === 'PUSH_REJECTED' && attempt < PUSH_ATTEMPTS) continue;
        throw error;
      }
      if (commitSha) await context.em.getConnection().execute('update sync_operation set commit_sha = ? where id = ?', [commitSha, context.operation.id]);
      if (commitSha && prTarget) {
        await context.mergeDetails({ pullRequestBranch: prTarget.branch });
        await context.stage('pull_request', 0.8, prTarget.branch);
        const opened = await prTarget.provider.openPullRequest({
          repositoryUrl: target.repository.url,
          repository: prTarget.repository,
          token: prTarget.token,
          baseBranch: target.pushBranch,
          headBranch: prTarget.branch,
          title: `HNP: sync fabric ${target.fabric.name}`,
          body: pullRequestBody(target, plan, context.operation.id),
        });
        pullRequest = { url: opened.url, number: opened.number, branch: prTarget.branch };
        await context.em.getConnection().execute('update sync_operation set pull_request_url = ? where id = ?', [opened.url, context.operation.id]);
        const tombstoneIds = plan.items.filter((i) => i.writeGit && i.result === null && i.tombstone).map((i) => i.tombstone!.id);
        await context.mergeDetails({ pullRequest: { ...pullRequest, base: target.pushBranch, tombstoneIds } });
      }
    }
    await context.stage('apply', 0.85);
    const conflicts = await applyPlan(context, plan, way, commitSha ?? head.commitSha, pullRequest, head.commitSha);
    // A direct push on top of the commit the DB was synced with: Git now holds nothing the DB lacks.
    if (way === 'push' && commitSha && !pullRequest && head.commitSha !== null && head.commitSha === target.fabric.lastSyncedCommit) {
      await context.em.nativeUpdate(HedgehogFabric, { id: context.operation.fabricId }, { lastSyncedCommit: commitSha });
    }
    await context.addCounters({
      filesProcessed: plan.items.length,
      filesCreated: plan.changes.filter((c) => !('delete' in c)).length,
      filesDeleted: plan.changes.filter((c) => 'delete' in c).length,
    });
    await publishConflicts(deps, context.operation.fabricId, conflicts);
    await context.mergeDetails({
      headCommit: head.commitSha,
      commitSha,
      attempts: attempt,
      summary,
      ...pushModeDetails,
      resources: describePlan(plan).slice(0, 1000),
      conflictIds: conflicts,
    });
    return;
  }
}

/** syncFabric: GIT_TO_GUI (github_to_gui), GUI_TO_GIT (gui_to_github) and BIDIRECTIONAL (bidirectional_sync). */
export function fabricSyncExecutors(deps: SyncExecutorDeps): OperationExecutor[] {
  const executor = (type: SyncOperationType, way: SyncWay, retry: boolean): OperationExecutor => ({
    type,
    retryAfterInterruption: retry,
    execute: (context) => runSync(deps, context, way),
  });
  return [
    executor(SyncOperationType.GITHUB_TO_GUI, 'pull', true),
    // A push interrupted after Git accepted it converges on the next sync (three-way "both equal"), so a retry is safe.
    executor(SyncOperationType.GUI_TO_GITHUB, 'push', true),
    executor(SyncOperationType.BIDIRECTIONAL_SYNC, 'both', true),
  ];
}
