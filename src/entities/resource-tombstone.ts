import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base-entity';
import { HedgehogFabric } from './hedgehog-fabric';
import type { JsonObject } from './hedgehog-resource';
import { User } from './user';

/**
 * A resource deleted through the API after it had reached Git: the next push deletes its managed file
 * (three-way against `baseManifest`), then the tombstone goes. Not exposed as a GraphQL type.
 */
@Entity()
@Unique({ properties: ['fabric', 'kind', 'namespace', 'name'] })
export class ResourceTombstone extends BaseEntity {
  @ManyToOne(() => HedgehogFabric, { deleteRule: 'cascade' })
  fabric!: HedgehogFabric;

  @Property({ type: 'varchar', length: 100 })
  apiVersion!: string;

  @Property({ type: 'varchar', length: 50 })
  kind!: string;

  @Property({ type: 'varchar', length: 253 })
  namespace!: string;

  @Property({ type: 'varchar', length: 253 })
  name!: string;

  @Property({ type: 'varchar', length: 500 })
  managedFilePath!: string;

  /** The manifest at the last sync: the merge base of the deletion. */
  @Property({ type: 'jsonb' })
  baseManifest!: JsonObject;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  deletedBy?: User | null;
}
