import { Migration } from '@mikro-orm/migrations';

/**
 * The migration report's fields (all with defaults, so existing rows stay valid) and the sync_operation table,
 * plus resource_conflict.operation_id, which needs that table.
 */
export class Migration20261125000100_bidirectional_sync_extensions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "git_repository" add column "direct_push_enabled" boolean not null default true;`);
    this.addSql(`alter table "git_repository" add column "push_branch" varchar(100) not null default '';`);
    this.addSql(`alter table "git_repository" add column "commit_author_name" varchar(100) not null default 'HNP Bidirectional Sync';`);
    this.addSql(`alter table "git_repository" add column "commit_author_email" varchar(254) not null default 'hnp-sync@hedgehog.gitops';`);
    this.addSql(`alter table "hedgehog_fabric" add column "gitops_directory_status" text check ("gitops_directory_status" in ('not_initialized', 'initializing', 'initialized', 'error', 'invalid_structure')) not null default 'not_initialized';`);
    this.addSql(`alter table "hedgehog_fabric" add column "directory_init_error" text not null default '';`);
    this.addSql(`alter table "hedgehog_fabric" add column "last_directory_sync" timestamptz null;`);
    this.addSql(`alter table "hedgehog_resource" add column "managed_file_path" varchar(500) not null default '';`);
    this.addSql(`alter table "hedgehog_resource" add column "file_hash" varchar(64) not null default '';`);
    this.addSql(`alter table "hedgehog_resource" add column "last_file_sync" timestamptz null;`);
    this.addSql(`alter table "hedgehog_resource" add column "sync_direction" text check ("sync_direction" in ('gui_to_git', 'git_to_gui', 'bidirectional', 'disabled')) not null default 'bidirectional';`);
    this.addSql(`alter table "hedgehog_resource" add column "conflict_status" text check ("conflict_status" in ('none', 'detected', 'resolving', 'resolved')) not null default 'none';`);
    this.addSql(`alter table "hedgehog_resource" add column "conflict_details" jsonb not null default '{}';`);
    this.addSql(`alter table "hedgehog_resource" add column "external_modifications" jsonb not null default '[]';`);
    this.addSql(`alter table "hedgehog_resource" add column "sync_metadata" jsonb not null default '{}';`);
    this.addSql(`alter table "resource_conflict" add column "operation_id" uuid null;`);
    this.addSql(`create table "sync_operation" ("id" uuid not null, "created" timestamptz not null default now(), "last_updated" timestamptz not null default now(), "custom_field_data" jsonb not null default '{}', "tags" text[] not null default '{}', "fabric_id" uuid not null, "operation_type" text check ("operation_type" in ('gui_to_github', 'github_to_gui', 'directory_init', 'conflict_resolution', 'ingestion', 'bidirectional_sync', 'validation')) not null, "status" text check ("status" in ('pending', 'in_progress', 'completed', 'failed', 'cancelled')) not null default 'pending', "started_at" timestamptz null, "completed_at" timestamptz null, "details" jsonb not null default '{}', "error_message" text not null default '', "files_processed" int not null default 0, "files_created" int not null default 0, "files_updated" int not null default 0, "files_deleted" int not null default 0, "commit_sha" varchar(40) null, "pull_request_url" varchar(500) null, "initiated_by_id" uuid null, "stage" varchar(50) not null default '', "progress" double precision not null default 0, "heartbeat_at" timestamptz null, "attempt" int not null default 1, "dry_run" boolean not null default false, "push_mode" text check ("push_mode" in ('direct_push', 'pull_request')) null, constraint "sync_operation_pkey" primary key ("id"));`);
    this.addSql(`create index "sync_operation_fabric_id_created_index" on "sync_operation" ("fabric_id", "created");`);
    this.addSql(`create index "sync_operation_status_created_index" on "sync_operation" ("status", "created");`);
    this.addSql(`create index "sync_operation_operation_type_status_index" on "sync_operation" ("operation_type", "status");`);
    this.addSql(`create index "sync_operation_fabric_id_status_index" on "sync_operation" ("fabric_id", "status");`);
    this.addSql(`create index "hedgehog_resource_fabric_id_conflict_status_index" on "hedgehog_resource" ("fabric_id", "conflict_status");`);
    this.addSql(`alter table "sync_operation" add constraint "sync_operation_fabric_id_foreign" foreign key ("fabric_id") references "hedgehog_fabric" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sync_operation" add constraint "sync_operation_initiated_by_id_foreign" foreign key ("initiated_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "resource_conflict" add constraint "resource_conflict_operation_id_foreign" foreign key ("operation_id") references "sync_operation" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "hedgehog_resource_fabric_id_managed_file_path_index" on "hedgehog_resource" ("fabric_id", "managed_file_path");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "resource_conflict" drop constraint if exists "resource_conflict_operation_id_foreign";`);
    this.addSql(`alter table "resource_conflict" drop column if exists "operation_id";`);
    this.addSql(`drop table if exists "sync_operation" cascade;`);
    this.addSql(`drop index if exists "hedgehog_resource_fabric_id_conflict_status_index";`);
    this.addSql(`drop index if exists "hedgehog_resource_fabric_id_managed_file_path_index";`);
    const dropped: Array<[string, string[]]> = [
      ['git_repository', ['direct_push_enabled', 'push_branch', 'commit_author_name', 'commit_author_email']],
      ['hedgehog_fabric', ['gitops_directory_status', 'directory_init_error', 'last_directory_sync']],
      ['hedgehog_resource', ['managed_file_path', 'file_hash', 'last_file_sync', 'sync_direction', 'conflict_status', 'conflict_details', 'external_modifications', 'sync_metadata']],
    ];
    for (const [table, columns] of dropped) {
      this.addSql(`alter table "${table}" ${columns.map((c) => `drop column "${c}"`).join(', ')};`);
    }
  }
}
