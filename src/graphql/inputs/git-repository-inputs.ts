import { Field, InputType, Int } from 'type-graphql';
import { GitAuthenticationType, GitProvider } from '../../entities/enums';

@InputType({ description: 'Repository secrets; write-only, stored encrypted, never returned' })
export class GitCredentialsInput {
  @Field(() => String, { nullable: true, description: 'Access token (authenticationType TOKEN)' })
  token?: string;

  @Field(() => String, { nullable: true, description: 'User name (BASIC; optional for TOKEN)' })
  username?: string;

  @Field(() => String, { nullable: true, description: 'Password (BASIC)' })
  password?: string;

  @Field(() => String, { nullable: true, description: 'PEM/OpenSSH private key (SSH_KEY)' })
  privateKey?: string;

  @Field(() => String, { nullable: true, description: 'Passphrase of the private key (SSH_KEY)' })
  passphrase?: string;
}

@InputType()
export class CreateGitRepositoryInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'https://, http://, ssh://, file:// URL, user@host:path, or an absolute path; no credentials' })
  url!: string;

  @Field(() => GitProvider, { nullable: true })
  provider?: GitProvider;

  @Field(() => GitAuthenticationType, { nullable: true })
  authenticationType?: GitAuthenticationType;

  @Field(() => GitCredentialsInput, { nullable: true })
  credentials?: GitCredentialsInput;

  @Field(() => String, { nullable: true })
  defaultBranch?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => Boolean, { nullable: true })
  validateSsl?: boolean;

  @Field(() => Int, { nullable: true })
  timeoutSeconds?: number;

  @Field(() => Boolean, { nullable: true })
  directPushEnabled?: boolean;

  @Field(() => String, { nullable: true })
  pushBranch?: string;

  @Field(() => String, { nullable: true })
  commitAuthorName?: string;

  @Field(() => String, { nullable: true })
  commitAuthorEmail?: string;

  @Field(() => String, { nullable: true, description: 'Shared secret for webhook HMAC signatures; write-only' })
  webhookSecret?: string;
}

@InputType({ description: 'Fields to change; omitted fields stay as they are' })
export class UpdateGitRepositoryInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  url?: string;

  @Field(() => GitProvider, { nullable: true })
  provider?: GitProvider;

  @Field(() => GitAuthenticationType, { nullable: true })
  authenticationType?: GitAuthenticationType;

  @Field(() => GitCredentialsInput, { nullable: true, description: 'Replaces the stored credentials' })
  credentials?: GitCredentialsInput;

  @Field(() => String, { nullable: true })
  defaultBranch?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => Boolean, { nullable: true })
  validateSsl?: boolean;

  @Field(() => Int, { nullable: true })
  timeoutSeconds?: number;

  @Field(() => Boolean, { nullable: true })
  directPushEnabled?: boolean;

  @Field(() => String, { nullable: true })
  pushBranch?: string;

  @Field(() => String, { nullable: true })
  commitAuthorName?: string;

  @Field(() => String, { nullable: true })
  commitAuthorEmail?: string;

  @Field(() => String, { nullable: true })
  webhookSecret?: string;
}

