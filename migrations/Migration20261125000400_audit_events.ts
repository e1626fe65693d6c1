import { Migration } from '@mikro-orm/migrations';

/** The audit trail: one row per change, written in the change's transaction; targets by id, not foreign key. */
export class Migration20261125000400_audit_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" uuid not null, "created" timestamptz not null default now(), "last_updated" timestamptz not null default now(), "custom_field_data" jsonb not null default '{}', "tags" text[] not null default '{}', "action" varchar(60) not null, "actor_id" uuid null, "actor_name" varchar(150) null, "target_type" varchar(60) not null, "target_id" uuid not null, "target_name" varchar(600) not null default '', "fabric_id" uuid null, "details" jsonb not null default '{}', constraint "audit_event_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_event_actor_id_created_index" on "audit_event" ("actor_id", "created");`);
    this.addSql(`create index "audit_event_action_created_index" on "audit_event" ("action", "created");`);
    this.addSql(`create index "audit_event_fabric_id_created_index" on "audit_event" ("fabric_id", "created");`);
    this.addSql(`create index "audit_event_target_id_created_index" on "audit_event" ("target_id", "created");`);
    this.addSql(`create index "audit_event_created_id_index" on "audit_event" ("created", "id");`);
    this.addSql(`alter table "audit_event" add constraint "audit_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
  }
}
