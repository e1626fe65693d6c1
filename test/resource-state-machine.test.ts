import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { persistNew } from '../src/db/persist-new';
import { ResourceState } from '../src/entities/enums';
import { HedgehogFabric } from '../src/entities/hedgehog-fabric';
import { HedgehogResource } from '../src/entities/hedgehog-resource';
import { StateTransition } from '../src/entities/state-transition';
import { assertTransition, InvalidStateTransition, RESOURCE_TRANSITIONS } from '../src/sync/resource-state-machine';
import { openScratchDatabase } from './support/scratch-database';

describe('resource state machine', () => {
  test('the transitions the sync makes are allowed', () => {
    assertTransition(null, ResourceState.DRAFT, 'create');
    assertTransition(ResourceState.DRAFT, ResourceState.DRAFT, 'update_draft');
    assertTransition(ResourceState.SYNCED, ResourceState.DRAFT, 'edit_resource');
    assertTransition(ResourceState.DRAFT, ResourceState.SYNCED, 'commit_to_git');
    assertTransition(ResourceState.DRAFT, ResourceState.PENDING, 'open_pull_request');
    assertTransition(ResourceState.PENDING, ResourceState.SYNCED, 'pull_request_merged');
    assertTransition(ResourceState.DRIFTED, ResourceState.SYNCED, 'resolve_conflict');
  });

  test('anything else is refused', () => {
    assert.throws(() => assertTransition(null, ResourceState.PENDING, 'create'), InvalidStateTransition);
    assert.throws(() => assertTransition(ResourceState.SYNCED, ResourceState.PENDING, 'open_pull_request'), InvalidStateTransition);
    assert.throws(() => assertTransition(ResourceState.SYNCED, ResourceState.DRAFT, 'commit_to_git'), /synced → draft by "commit_to_git"/);
    assert.throws(() => assertTransition(ResourceState.DRAFT, ResourceState.ORPHANED, 'edit_resource'), InvalidStateTransition);
  });

  test('every rule names at least one trigger and one source state', () => {
    for (const rule of RESOURCE_TRANSITIONS) {
      assert.ok(rule.triggers.length > 0 && rule.from.length > 0, rule.meaning);
    }
  });

  describe('enforced when a transition row is written', () => {
    let dispose: () => Promise<void>;
    let orm: Awaited<ReturnType<typeof openScratchDatabase>>['database']['orm'];
    before(async () => {
      const scratch = await openScratchDatabase({ migrate: true });
      orm = scratch.database.orm;
      dispose = scratch.dispose;
    });
    after(() => dispose());

    test('an invalid transition aborts the flush and writes nothing', async () => {
      const em = orm.em.fork();
      const fabric = persistNew(em, HedgehogFabric, { name: 'sm' });
      const resource = persistNew(em, HedgehogResource, { fabric, apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Server', name: 's', resourceState: ResourceState.SYNCED });
      await em.flush();
      persistNew(em, StateTransition, { resource, fromState: ResourceState.SYNCED, toState: ResourceState.PENDING, trigger: 'edit_resource' });
      await assert.rejects(em.flush(), InvalidStateTransition);
      assert.equal(await orm.em.fork().count(StateTransition, {}), 0);
    });
  });
});
