import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { ConnectionStatus, GitAuthenticationType, GitProvider } from './enums';
import { User } from './user';

export const DEFAULT_COMMIT_AUTHOR_NAME = 'HNP Bidirectional Sync';
export const DEFAULT_COMMIT_AUTHOR_EMAIL = 'hnp-sync@hedgehog.gitops';

@ObjectType({ implements: Node, description: 'A Git remote holding one or more fabric GitOps directories' })
@Entity()
@Unique({ properties: ['url', 'name'] })
export class GitRepository extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'varchar', length: 200 })
  name!: string;

  @Field(() => String, { description: 'Remote URL; never contains credentials' })
  @Property({ type: 'varchar', length: 500 })
  url!: string;

  @Field(() => GitProvider)
  @Enum({ items: () => GitProvider, default: GitProvider.GENERIC })
  provider: GitProvider = GitProvider.GENERIC;

  @Field(() => GitAuthenticationType)
  @Enum({ items: () => GitAuthenticationType, default: GitAuthenticationType.NONE })
  authenticationType: GitAuthenticationType = GitAuthenticationType.NONE;

  /** AES-256-GCM envelope of the credentials JSON; never exposed. */
  @Property({ type: 'text', nullable: true, lazy: true })
  encryptedCredentials?: string | null;

  @Field(() => String)
  @Property({ type: 'varchar', length: 100, default: 'main' })
  defaultBranch: string = 'main';

  @Field(() => ConnectionStatus)
  @Enum({ items: () => ConnectionStatus, default: ConnectionStatus.PENDING })
  connectionStatus: ConnectionStatus = ConnectionStatus.PENDING;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastValidated?: Date | null;

  @Field(() => String)
  @Property({ type: 'text', default: '' })
  validationError: string = '';

  /** Encrypted like the credentials; never exposed. */
  @Property({ type: 'text', nullable: true, lazy: true })
  webhookSecret?: string | null;

  @Field(() => String)
  @Property({ type: 'text', default: '' })
  description: string = '';

  @Field(() => Boolean, { description: 'Verify TLS certificates of HTTPS remotes' })
  @Property({ type: 'boolean', default: true })
  validateSsl: boolean = true;

  @Field(() => Int)
  @Property({ type: 'integer', default: 30 })
  timeoutSeconds: number = 30;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User | null;

  // --- bidirectional_sync_extensions ---

  @Field(() => Boolean, { description: 'Push commits directly (false: open pull requests)' })
  @Property({ type: 'boolean', default: true })
  directPushEnabled: boolean = true;

  @Field(() => String, { description: 'Branch to push to; empty means the default branch' })
  @Property({ type: 'varchar', length: 100, default: '' })
  pushBranch: string = '';

  @Field(() => String)
  @Property({ type: 'varchar', length: 100, default: DEFAULT_COMMIT_AUTHOR_NAME })
  commitAuthorName: string = DEFAULT_COMMIT_AUTHOR_NAME;

  @Field(() => String)
  @Property({ type: 'varchar', length: 254, default: DEFAULT_COMMIT_AUTHOR_EMAIL })
  commitAuthorEmail: string = DEFAULT_COMMIT_AUTHOR_EMAIL;

  @Field(() => Boolean, { description: 'Whether credentials are stored (they are never returned)' })
  get hasCredentials(): boolean {
    return this.authenticationType !== GitAuthenticationType.NONE;
  }

  @Field(() => String, { description: 'The branch pushes go to' })
  get effectivePushBranch(): string {
    return this.pushBranch || this.defaultBranch;
  }
}
