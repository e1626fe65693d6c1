import { ResourceState } from '../entities/enums';

const { DRAFT, COMMITTED, PENDING, SYNCED, DRIFTED, ORPHANED } = ResourceState;
const ANY = [DRAFT, COMMITTED, PENDING, SYNCED, DRIFTED, ORPHANED];

export interface TransitionRule {
  from: Array<ResourceState | null>;
  to: ResourceState;
  triggers: string[];
  meaning: string;
}

/** Every state change the product makes (the README shows the same table). Anything else is refused. */
export const RESOURCE_TRANSITIONS: readonly TransitionRule[] = [
  { from: [null], to: DRAFT, triggers: ['create'], meaning: 'created through the API; not in Git yet' },
  { from: [null], to: SYNCED, triggers: ['ingest_raw_file', 'import_from_git', 'pull_from_git'], meaning: 'first seen in Git' },
  { from: [null], to: DRAFT, triggers: ['restore_for_conflict'], meaning: 'deleted through the API but changed in Git: back (Git\'s version) until the delete_modify conflict is resolved' },
  { from: [DRAFT], to: DRAFT, triggers: ['update_draft'], meaning: 'edited again before reaching Git' },
  { from: [COMMITTED, PENDING, SYNCED, DRIFTED, ORPHANED], to: DRAFT, triggers: ['edit_resource'], meaning: 'edited through the API' },
  { from: [SYNCED, PENDING], to: DRAFT, triggers: ['sync_from_git'], meaning: 'a pull merged Git changes into an API edit; the merge still has to be pushed' },
  { from: [DRAFT, COMMITTED], to: PENDING, triggers: ['open_pull_request'], meaning: 'pushed to a pull-request branch; waiting for the merge' },
  { from: [DRAFT, COMMITTED, PENDING], to: SYNCED, triggers: ['commit_to_git', 'sync_from_git', 'pull_request_merged'], meaning: 'Git and the database hold the same manifest' },
  { from: ANY, to: SYNCED, triggers: ['ingest_raw_file', 'import_from_git', 'pull_from_git', 'resolve_conflict'], meaning: 'taken from Git, or a conflict resolved' },
];

export class InvalidStateTransition extends Error {}

/** Throws unless `from → to` by `trigger` is in RESOURCE_TRANSITIONS. */
export function assertTransition(from: ResourceState | null | undefined, to: ResourceState, trigger: string): void {
  const allowed = RESOURCE_TRANSITIONS.some((rule) => rule.to === to && rule.from.includes(from ?? null) && rule.triggers.includes(trigger));
  if (!allowed) throw new InvalidStateTransition(`invalid resource state transition ${from ?? '(new)'} → ${to} by "${trigger}"`);
}
