import { SyncOperationType, GitopsDirectoryStatus } from '../../entities/enums';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { layoutFiles, layoutIncompatibility } from '../../gitops/directory-layout';
import { fetchPushBase, loadFabricRemote } from '../../gitops/fabric-remote';
import type { FileChange } from '../../gitops/git-types';
import type { OperationContext, OperationExecutor } from '../executor';
import type { GitExecutorDeps } from './git-executor-deps';

async function setStatus(context: OperationContext, fabricId: string, status: GitopsDirectoryStatus, error = '', synced = false): Promise<void> {
  await context.em.nativeUpdate(
    HedgehogFabric,
    { id: fabricId },
    { gitopsDirectoryStatus: status, directoryInitError: error, ...(synced ? { lastDirectorySync: new Date() } : {}) },
  );
}

/**
 * `initializeGitopsDirectory`: the DESIGN §4 layout under the fabric's directory in one commit. Files that
 * exist are kept (with `force`, the README and layout manifest are rewritten); an initialized directory is
 * left alone unless `force`.
 */
export function directoryInitExecutor(deps: GitExecutorDeps): OperationExecutor {
  return {
    type: SyncOperationType.DIRECTORY_INIT,
    retryAfterInterruption: true,
    async execute(context: OperationContext): Promise<void> {
      const force = context.input.force === true;
      const target = await loadFabricRemote(context.em, context.operation.fabricId, deps.secrets);
      const { fabric, paths } = target;
      if (fabric.gitopsDirectoryStatus === GitopsDirectoryStatus.INITIALIZED && !force) {
        await context.mergeDetails({ result: 'already initialized (pass force: true to re-create missing files)' });
        return;
      }
      await setStatus(context, fabric.id, GitopsDirectoryStatus.INITIALIZING);
      try {
        await context.stage('fetch', 0.1);
        const base = await fetchPushBase(deps.repos, target);

        await context.stage('inspect', 0.3);
        const incompatibility = await layoutIncompatibility(base, paths, fabric.name);
        if (incompatibility) {
          await setStatus(context, fabric.id, GitopsDirectoryStatus.INVALID_STRUCTURE, incompatibility);
          throw new Error(`the directory cannot hold the layout: ${incompatibility}`);
        }
        const changes: FileChange[] = [];
        const kept: string[] = [];
        for (const file of layoutFiles(paths, fabric.name)) {
          const rewritable = force && (file.path === paths.readme || file.path === paths.manifest);
          if (!rewritable && (await base.readFile(file.path)) !== null) kept.push(file.path);
          else changes.push({ path: file.path, content: file.content });
        }

        await context.stage('commit', 0.5);
        await context.enterPointOfNoReturn();
        await context.stage('push', 0.7);
        const outcome = await deps.repos.commitAndPush(
          target.remote,
          base,
          { changes, message: `Initialize GitOps directory for fabric ${fabric.name}`, operationId: context.operation.id, author: target.author },
          target.pushBranch,
        );
        await context.addCounters({ filesProcessed: changes.length + kept.length, filesCreated: outcome.changedPaths.length });
        await context.stage('apply', 0.9);
        await setStatus(context, fabric.id, GitopsDirectoryStatus.INITIALIZED, '', true);
        await context.mergeDetails({ commitSha: outcome.commitSha, created: outcome.changedPaths, kept, branch: target.pushBranch });
        if (outcome.commitSha) {
          await context.em.getConnection().execute('update sync_operation set commit_sha = ? where id = ?', [outcome.commitSha, context.operation.id]);
        }
      } catch (error) {
        const current = await context.em.fork().findOneOrFail(HedgehogFabric, { id: fabric.id }, { fields: ['gitopsDirectoryStatus'] });
        if (current.gitopsDirectoryStatus !== GitopsDirectoryStatus.INVALID_STRUCTURE) {
          await setStatus(context, fabric.id, GitopsDirectoryStatus.ERROR, error instanceof Error ? error.message : String(error));
        }
        throw error;
      }
    },
  };
}
