import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Role } from '../../entities/enums';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { HedgehogResource } from '../../entities/hedgehog-resource';
import { ResourceConflict } from '../../entities/resource-conflict';
import { StateTransition } from '../../entities/state-transition';
import { User } from '../../entities/user';
import { resourceManifest, renderResourceYaml } from '../../hedgehog/resource-manifest';
import { validateYamlAgainstFabric } from '../../services/manifest-check';
import { createResource, deleteResource, updateResource } from '../../services/resource-service';
import { HedgehogResourceConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { badUserInput } from '../errors';
import { resourceWhere } from '../filters';
import { CreateResourceInput, ResourceFilter, UpdateResourceInput } from '../inputs/resource-inputs';
import { withUserErrors } from '../mutation-payload';
import { RESOURCE_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { MAX_PAGE_SIZE, paginate } from '../pagination';
import { unreadResourceProperties } from '../resource-columns';
import { DeletePayload, HedgehogResourcePayload } from '../payloads';
import { toIssueType, ValidationReport } from '../validation-types';
import { findByGlobalId, requireByGlobalId } from './lookup';

const MAX_HISTORY = MAX_PAGE_SIZE;

@Resolver(() => HedgehogResource)
export class ResourceResolver {
  @Authorized()
  @Query(() => HedgehogResourceConnection, { description: 'Resources of a fabric ordered by kind, namespace, name' })
  async resources(
    @Arg('fabricId', () => ID) fabricId: string,
    @Args() page: PageArgsInput,
    @Arg('filter', () => ResourceFilter, { nullable: true }) filter: ResourceFilter | undefined,
    @Ctx() { em, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const fabric = await findByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', fabricId);
    if (!fabric) throw badUserInput(`no HedgehogFabric with id "${fabricId}"`, 'fabricId');
    const where = { $and: [{ fabric: fabric.id }, resourceWhere(filter)] };
    const omit = unreadResourceProperties(em, info);
    return new HedgehogResourceConnection(await paginate(em, HedgehogResource, where, RESOURCE_ORDER, page, { omit }));
  }

  @Authorized()
  @Query(() => HedgehogResource, { nullable: true })
  resource(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<HedgehogResource | null> {
    return findByGlobalId(loaders, 'HedgehogResource', id);
  }

  @Authorized()
  @Query(() => ValidationReport, { description: 'Validates YAML documents against the fabric (as if applied) without changing anything' })
  async validateManifests(
    @Arg('fabricId', () => ID) fabricId: string,
    @Arg('yaml', () => String) yaml: string,
    @Ctx() { em, loaders }: GraphQLContext,
  ): Promise<ValidationReport> {
    const fabric = await findByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', fabricId);
    if (!fabric) throw badUserInput(`no HedgehogFabric with id "${fabricId}"`, 'fabricId');
    const { issues, documentCount } = await validateYamlAgainstFabric(em, fabric.id, yaml);
    const errors = issues.filter((i) => i.severity === 'error').map(toIssueType);
    const warnings = issues.filter((i) => i.severity === 'warning').map(toIssueType);
    return Object.assign(new ValidationReport(), { valid: errors.length === 0, errors, warnings, documentCount });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => HedgehogResourcePayload, { description: 'Creates a draft resource; it reaches Git with the next sync' })
  createResource(@Arg('input', () => CreateResourceInput) input: CreateResourceInput, @Ctx() { em, loaders, user }: GraphQLContext) {
    return withUserErrors(new HedgehogResourcePayload(), async (payload) => {
      const fabric = await requireByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', input.fabricId, ['input', 'fabricId']);
      const { resource, warnings } = await createResource(em, user, fabric, input);
      payload.resource = resource;
      payload.warnings = warnings.map(toIssueType);
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => HedgehogResourcePayload)
  updateResource(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateResourceInput) input: UpdateResourceInput,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'Fail with STALE_VERSION unless the resource is at this version' }) expectedVersion: number | undefined,
    @Ctx() { em, loaders, user }: GraphQLContext,
  ) {
    return withUserErrors(new HedgehogResourcePayload(), async (payload) => {
      const found = await requireByGlobalId<HedgehogResource>(loaders, 'HedgehogResource', id, ['id']);
      const { resource, warnings } = await updateResource(em, user, found.id, input, expectedVersion ?? undefined);
      payload.resource = resource;
      payload.warnings = warnings.map(toIssueType);
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => DeletePayload)
  deleteResource(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion: number | undefined,
    @Ctx() { em, loaders, user }: GraphQLContext,
  ) {
    return withUserErrors(new DeletePayload(), async (payload) => {
      const resource = await requireByGlobalId<HedgehogResource>(loaders, 'HedgehogResource', id, ['id']);
      await deleteResource(em, user, resource.id, expectedVersion ?? undefined);
      payload.deletedId = id;
    });
  }

  @FieldResolver(() => HedgehogFabric)
  fabric(@Root() resource: HedgehogResource, @Ctx() { loaders }: GraphQLContext): HedgehogFabric | Promise<HedgehogFabric> {
    return loaders.fabric.peek(resource.fabric.id) ?? loaders.fabric.load(resource.fabric.id).then((fabric) => fabric!);
  }

  @FieldResolver(() => GraphQLJSONObject, { description: 'The Kubernetes manifest {apiVersion, kind, metadata, spec}' })
  manifest(@Root() resource: HedgehogResource): Record<string, unknown> {
    return resourceManifest(resource) as unknown as Record<string, unknown>;
  }

  @FieldResolver(() => String, { description: 'The manifest as written to its managed file in Git' })
  yaml(@Root() resource: HedgehogResource): string {
    return renderResourceYaml(resource);
  }

  @FieldResolver(() => [ResourceConflict], { description: 'Conflicts of this resource, newest first' })
  conflicts(@Root() resource: HedgehogResource, @Ctx() { loaders }: GraphQLContext): Promise<ResourceConflict[]> {
    return loaders.conflictsOfResource.load(resource.id);
  }

  @FieldResolver(() => [StateTransition], { description: 'State changes, newest first' })
  stateHistory(
    @Root() resource: HedgehogResource,
    @Arg('last', () => Int, { defaultValue: 20, description: `How many of the newest entries (at most ${MAX_HISTORY})` }) last: number,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<StateTransition[]> {
    if (!Number.isInteger(last) || last < 0 || last > MAX_HISTORY) throw badUserInput(`"last" must be between 0 and ${MAX_HISTORY}`, 'last');
    return loaders.stateHistory.load({ resourceId: resource.id, limit: last });
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() resource: HedgehogResource, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return resource.createdBy ? loaders.user.load(resource.createdBy.id) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  lastModifiedBy(@Root() resource: HedgehogResource, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return resource.lastModifiedBy ? loaders.user.load(resource.lastModifiedBy.id) : null;
  }
}
