import type { ClassType } from 'type-graphql';
import { Field, Int, ObjectType } from 'type-graphql';
import type { Page } from './pagination';

@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when the page was requested with "after"' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string | null;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

export type ConnectionClass<T> = new (page: Page<T>) => ConnectionShape<T>;

/** Relay connection and edge types for `node` (`<Name>Connection`, `<Name>Edge`). */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string): ConnectionClass<T> {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor; pass it as "after" to continue after this edge' })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    private readonly count: () => Promise<number>;

    constructor(page: Page<T>) {
      this.edges = page.nodes.map((n, i) => Object.assign(new Edge(), { node: n, cursor: page.cursors[i] }));
      this.pageInfo = Object.assign(new PageInfo(), {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: page.cursors[0] ?? null,
        endCursor: page.cursors[page.cursors.length - 1] ?? null,
      });
      this.count = page.totalCount;
    }

    @Field(() => Int, { description: 'Number of items matching the filter, across all pages' })
    totalCount(): Promise<number> {
      return this.count();
    }
  }

  return Connection;
}
