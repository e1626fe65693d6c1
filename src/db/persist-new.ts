import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A new entity from `data`, persisted (flushed with the unit of work). Undefined values are skipped so that
 * the entity's own defaults apply — GraphQL leaves omitted optional inputs undefined.
 */
export function persistNew<T extends object>(em: EntityManager, entity: new () => T, data: { [K in keyof T]?: T[K] | undefined }): T {
  const instance = new entity();
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined) (instance as Record<string, unknown>)[key] = value;
  }
  em.persist(instance);
  return instance;
}
