import type { Loaders } from '../loaders';
import { decodeIdOfType } from '../global-id';
import { MutationError, UserErrorCode } from '../../services/mutation-error';

type LoadableType = 'User' | 'GitRepository' | 'HedgehogFabric' | 'HedgehogResource' | 'SyncOperation';

const LOADER: Record<LoadableType, keyof Loaders['managed']> = {
  User: 'user',
  GitRepository: 'gitRepository',
  HedgehogFabric: 'fabric',
  HedgehogResource: 'resource',
  SyncOperation: 'syncOperation',
};

async function load<T>(loaders: Loaders | Loaders['managed'], typeName: LoadableType, globalId: string): Promise<T | null> {
  const id = decodeIdOfType(globalId, typeName);
  if (!id) return null;
  const loader = loaders[LOADER[typeName]] as { load(id: string): Promise<unknown> };
  return (await loader.load(id)) as T | null;
}

/**
 * The object behind a global ID of the given type, or null (malformed IDs and IDs of other types included).
 * Read-only (db/entity-rows): for queries, never for handing to a service.
 */
export function findByGlobalId<T>(loaders: Loaders, typeName: LoadableType, globalId: string): Promise<T | null> {
  return load<T>(loaders, typeName, globalId);
}

/** For mutations: the managed entity behind a global ID; a missing object is a NOT_FOUND user error on `field`. */
export async function requireByGlobalId<T>(loaders: Loaders, typeName: LoadableType, globalId: string, field: string[]): Promise<T> {
  const found = await load<T>(loaders.managed, typeName, globalId);
  if (!found) throw MutationError.single(UserErrorCode.NOT_FOUND, field, `no ${typeName} with id "${globalId}"`);
  return found;
}
