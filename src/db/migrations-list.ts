import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_initial } from '../../migrations/Migration20261125000000_initial';
import { Migration20261125000100_bidirectional_sync_extensions } from '../../migrations/Migration20261125000100_bidirectional_sync_extensions';
import { Migration20261125000200_sync_runtime } from '../../migrations/Migration20261125000200_sync_runtime';
import { Migration20261125000300_resource_tombstones } from '../../migrations/Migration20261125000300_resource_tombstones';
import { Migration20261125000400_audit_events } from '../../migrations/Migration20261125000400_audit_events';

/** Every migration, in order. A new migration is added here as well as in migrations/. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261125000000_initial', class: Migration20261125000000_initial },
  { name: 'Migration20261125000100_bidirectional_sync_extensions', class: Migration20261125000100_bidirectional_sync_extensions },
  { name: 'Migration20261125000200_sync_runtime', class: Migration20261125000200_sync_runtime },
  { name: 'Migration20261125000300_resource_tombstones', class: Migration20261125000300_resource_tombstones },
  { name: 'Migration20261125000400_audit_events', class: Migration20261125000400_audit_events },
];

export const INITIAL_MIGRATION = 'Migration20261125000000_initial';
export const EXTENSIONS_MIGRATION = 'Migration20261125000100_bidirectional_sync_extensions';
