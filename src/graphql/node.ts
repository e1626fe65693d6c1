import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay Node: every object is reachable through `node(id:)` by its opaque global ID. */
@InterfaceType('Node', {
  description: 'An object with an opaque, globally unique ID',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  // Never a graphql-js default resolver (types with simpleResolvers would read the uuid `id` property).
  @Field(() => ID, { name: 'id', simple: false, description: 'Opaque global ID; use it with node(id:)' })
  globalId!: string;
}
