import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactSecretVariablesInErrors, redactSecrets, secretVariableValues } from '../src/graphql/secret-variable-redaction';

describe('redaction of secret variable values in GraphQL errors', () => {
  test('collects every value under a secret input field, at any depth, and nothing else', () => {
    const variables = {
      id: 'R2l0UmVwb3NpdG9yeTox',
      input: { name: 'public-name', url: 'https://example.com/r.git', credentials: { token: 'tok-1', username: 'bob', extra: { nested: ['deep-1'] } }, webhookSecret: 'hook-1' },
      other: { password: 1234567 },
    };
    assert.deepEqual(secretVariableValues(variables).sort(), ['1234567', 'bob', 'deep-1', 'hook-1', 'tok-1']);
    assert.deepEqual(secretVariableValues({ input: { name: 'x', spec: { token: '' } } }), []);
    assert.deepEqual(secretVariableValues(undefined), []);
  });

  test('replaces secrets as sent and as graphql-js prints them (JSON-escaped), longest first', () => {
    const key = '-----BEGIN KEY-----\nabc"def\n-----END KEY-----';
    const printed = `Variable "$input" got invalid value { privateKey: ${JSON.stringify(key)} }; raw: ${key}`;
    assert.equal(redactSecrets(printed, [key]), 'Variable "$input" got invalid value { privateKey: "[redacted]" }; raw: [redacted]');
    assert.equal(redactSecrets('token abc and abcdef', ['abc', 'abcdef']), 'token [redacted] and [redacted]');
  });

  test('rewrites only the errors that contain a secret and keeps their other fields', () => {
    const errors = [
      { message: 'Variable "$input" got invalid value { token: "s3cr3t-value" } at "input.credentials"; Field "pin" is not defined by type "GitCredentialsInput".', extensions: { code: 'BAD_USER_INPUT' } },
      { message: 'unrelated', path: ['a'] },
    ];
    const redacted = redactSecretVariablesInErrors(errors, { input: { credentials: { token: 's3cr3t-value', pin: 1 } } });
    assert.equal(redacted[0].message, 'Variable "$input" got invalid value { token: "[redacted]" } at "input.credentials"; Field "pin" is not defined by type "GitCredentialsInput".');
    assert.deepEqual(redacted[0].extensions, { code: 'BAD_USER_INPUT' });
    assert.equal(redacted[1], errors[1]);
  });
});
