import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HedgehogResource } from '../../entities/hedgehog-resource';
import { StateTransition } from '../../entities/state-transition';
import { User } from '../../entities/user';
import type { GraphQLContext } from '../context';

@Resolver(() => StateTransition)
export class StateTransitionResolver {
  @FieldResolver(() => HedgehogResource)
  async resource(@Root() transition: StateTransition, @Ctx() { loaders }: GraphQLContext): Promise<HedgehogResource> {
    return (await loaders.resource.load(transition.resource.id))!;
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() transition: StateTransition, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return transition.user ? loaders.user.load(transition.user.id) : null;
  }
}
