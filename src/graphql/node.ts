import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay Node: every object is reachable through `node(id:)` by its opaque global ID. */
@InterfaceType('Node', {
  description: 'An object with an opaque, globally unique ID',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global ID; use it with node(id:)' })
  globalId!: string;
}
