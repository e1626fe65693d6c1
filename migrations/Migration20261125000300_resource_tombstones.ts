import { Migration } from '@mikro-orm/migrations';

/** Resources deleted through the API after reaching Git, until the next push deletes their files. */
export class Migration20261125000300_resource_tombstones extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "resource_tombstone" ("id" uuid not null, "created" timestamptz not null default now(), "last_updated" timestamptz not null default now(), "custom_field_data" jsonb not null default '{}', "tags" text[] not null default '{}', "fabric_id" uuid not null, "api_version" varchar(100) not null, "kind" varchar(50) not null, "namespace" varchar(253) not null, "name" varchar(253) not null, "managed_file_path" varchar(500) not null, "base_manifest" jsonb not null, "deleted_by_id" uuid null, constraint "resource_tombstone_pkey" primary key ("id"));`);
    this.addSql(`alter table "resource_tombstone" add constraint "resource_tombstone_fabric_id_kind_namespace_name_unique" unique ("fabric_id", "kind", "namespace", "name");`);
    this.addSql(`alter table "resource_tombstone" add constraint "resource_tombstone_fabric_id_foreign" foreign key ("fabric_id") references "hedgehog_fabric" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "resource_tombstone" add constraint "resource_tombstone_deleted_by_id_foreign" foreign key ("deleted_by_id") references "app_user" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "resource_tombstone" cascade;`);
  }
}
