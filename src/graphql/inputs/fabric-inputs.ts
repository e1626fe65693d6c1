import { Field, ID, InputType, Int } from 'type-graphql';
import { ArchiveStrategy, FabricStatus } from '../../entities/enums';

@InputType()
export class CreateFabricInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => FabricStatus, { nullable: true })
  status?: FabricStatus;

  @Field(() => ID, { nullable: true })
  gitRepositoryId?: string | null;

  @Field(() => String, { nullable: true, description: "Repository-relative directory; '' or '/' is the repository root" })
  gitopsDirectory?: string;

  @Field(() => Int, { nullable: true, description: 'Seconds between Git polls; 0 disables polling' })
  syncInterval?: number;

  @Field(() => ArchiveStrategy, { nullable: true })
  archiveStrategy?: ArchiveStrategy;
}

@InputType({ description: 'Fields to change; omitted fields stay as they are (gitRepositoryId: null unlinks)' })
export class UpdateFabricInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => FabricStatus, { nullable: true })
  status?: FabricStatus;

  @Field(() => ID, { nullable: true })
  gitRepositoryId?: string | null;

  @Field(() => String, { nullable: true })
  gitopsDirectory?: string;

  @Field(() => Int, { nullable: true })
  syncInterval?: number;

  @Field(() => ArchiveStrategy, { nullable: true })
  archiveStrategy?: ArchiveStrategy;
}

@InputType()
export class FabricFilter {
  @Field(() => String, { nullable: true, description: 'Exact name' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name' })
  nameContains?: string;

  @Field(() => [FabricStatus], { nullable: true })
  status?: FabricStatus[];
}
