import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { ArchiveStrategy, FabricStatus, FabricSyncStatus, GitopsDirectoryStatus } from './enums';
import { GitRepository } from './git-repository';

@ObjectType({ implements: Node, description: 'One Hedgehog fabric: its resources and its GitOps directory in one repository' })
@Entity()
@Unique({ properties: ['gitRepository', 'gitopsDirectory'] })
@Index({ properties: ['status'] })
export class HedgehogFabric extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Field(() => String)
  @Property({ type: 'text', default: '' })
  description: string = '';

  @Field(() => FabricStatus)
  @Enum({ items: () => FabricStatus, default: FabricStatus.PLANNED })
  status: FabricStatus = FabricStatus.PLANNED;

  @ManyToOne(() => GitRepository, { nullable: true, deleteRule: 'restrict' })
  gitRepository?: GitRepository | null;

  @Field(() => String, { description: "Repository-relative directory of the fabric's GitOps layout; '' is the repository root" })
  @Property({ type: 'varchar', length: 500, default: '' })
  gitopsDirectory: string = '';

  @Field(() => FabricSyncStatus)
  @Enum({ items: () => FabricSyncStatus, default: FabricSyncStatus.NEVER_SYNCED })
  syncStatus: FabricSyncStatus = FabricSyncStatus.NEVER_SYNCED;

  @Field(() => String, { nullable: true })
  @Property({ type: 'varchar', length: 40, nullable: true })
  lastSyncedCommit?: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastGitSync?: Date | null;

  @Field(() => Int, { description: 'Seconds between Git polls; 0 disables polling' })
  @Property({ type: 'integer', default: 300 })
  syncInterval: number = 300;

  @Field(() => ArchiveStrategy)
  @Enum({ items: () => ArchiveStrategy, default: ArchiveStrategy.RENAME_WITH_EXTENSION })
  archiveStrategy: ArchiveStrategy = ArchiveStrategy.RENAME_WITH_EXTENSION;

  // --- bidirectional_sync_extensions ---

  @Field(() => GitopsDirectoryStatus)
  @Enum({ items: () => GitopsDirectoryStatus, default: GitopsDirectoryStatus.NOT_INITIALIZED })
  gitopsDirectoryStatus: GitopsDirectoryStatus = GitopsDirectoryStatus.NOT_INITIALIZED;

  @Field(() => String)
  @Property({ type: 'text', default: '' })
  directoryInitError: string = '';

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastDirectorySync?: Date | null;
}
