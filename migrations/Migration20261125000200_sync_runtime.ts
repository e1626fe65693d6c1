import { Migration } from '@mikro-orm/migrations';

/** What the sync-operation runtime needs beyond the report: cancellation, the point of no return, retries. */
export class Migration20261125000200_sync_runtime extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sync_operation" add column "cancel_requested_at" timestamptz null, add column "point_of_no_return_at" timestamptz null, add column "retry_of" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "sync_operation" drop column "cancel_requested_at", drop column "point_of_no_return_at", drop column "retry_of";`);
  }
}
