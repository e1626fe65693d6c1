import type { GraphQLFormattedError } from 'graphql';

/** Input fields that carry secrets (GitCredentialsInput as a whole, and the repository's webhookSecret). */
const SECRET_INPUT_FIELDS = new Set(['credentials', 'token', 'password', 'privateKey', 'passphrase', 'webhookSecret']);
const REDACTED = '[redacted]';

/** Every string (and number) a client sent under a secret input field, at any depth of the variables. */
export function secretVariableValues(variables: unknown): string[] {
  const found = new Set<string>();
  const stack: Array<{ value: unknown; secret: boolean }> = [{ value: variables, secret: false }];
  while (stack.length > 0) {
    const { value, secret } = stack.pop()!;
    if (typeof value === 'string' || typeof value === 'number') {
      if (secret && String(value).length > 0) found.add(String(value));
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, secret });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, secret: secret || SECRET_INPUT_FIELDS.has(key) });
    }
  }
  return [...found];
}

/** `text` with every secret, as sent and as graphql-js prints it (JSON-escaped), replaced by [redacted]. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so that a secret containing another one is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) result = result.split(form).join(REDACTED);
  }
  return result;
}

/**
 * graphql-js variable-coercion errors echo the offending value (`Variable "$input" got invalid value { …,
 * credentials: { token: "…" } }; Field "x" is not defined …`). Errors going back to the client lose every value
 * the client sent in a secret field.
 */
export function redactSecretVariablesInErrors<E extends GraphQLFormattedError>(errors: readonly E[], variables: unknown): E[] {
  const secrets = secretVariableValues(variables);
  if (secrets.length === 0) return [...errors];
  return errors.map((error) => {
    const message = redactSecrets(error.message, secrets);
    return message === error.message ? error : { ...error, message };
  });
}
