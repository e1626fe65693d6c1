import { Field, InputType } from 'type-graphql';
import { SyncOperationStatus, SyncOperationType } from '../../entities/enums';

@InputType()
export class SyncOperationFilter {
  @Field(() => [SyncOperationType], { nullable: true })
  operationType?: SyncOperationType[];

  @Field(() => [SyncOperationStatus], { nullable: true })
  status?: SyncOperationStatus[];
}
