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

/**
 * The object behind a global ID of the given type, or null (malformed IDs and IDs of other types included).
 * With the request's loaders it is read-only (db/entity-rows): for queries, never for handing to a service.
 */
export async function findByGlobalId<T>(loaders: Loaders | Loaders['managed'], typeName: LoadableType, globalId: string): Promise<T | null> {
  const id = decodeIdOfType(globalId, typeName);
  if (!id) return null;
  const loader = loaders[LOADER[typeName]] as { load(id: string): Promise<unknown> };
  return (await loader.load(id)) as T | null;
}

/** For mutations: the managed entity behind a global ID; a missing object is a NOT_FOUND user error on `field`. */
export async function requireByGlobalId<T>(loaders: Loaders, typeName: LoadableType, globalId: string, field: string[]): Promise<T> {
  const found = await findByGlobalId<T>(loaders.managed, typeName, globalId);
  if (!found) throw MutationError.single(UserErrorCode.NOT_FOUND, field, `no ${typeName} with id "${globalId}"`);
  return found;
}
