import fc from 'fast-check';

/** Seed of every fuzz property: FUZZ_SEED from the environment, or a constant so that runs are reproducible. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${raw}"`);
  return seed;
}

/** A counterexample as text; deep values (thousands of levels) would overflow fast-check's own printer. */
function printable(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (Buffer.isBuffer(item) || (item as { type?: string })?.type === 'Buffer' ? `<${(item as Buffer).length ?? '?'} bytes>` : item)) ?? String(value);
  } catch (error) {
    return `(not printable: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Runs a property with a fixed seed; a failure names the seed and the path to replay it. */
export async function assertProperty<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, seed: number, numRuns: number): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<T>, { seed, numRuns, endOnFailure: true, verbose: fc.VerbosityLevel.None });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
    const shown = printable(details.counterexample);
    throw new Error(
      `${name} failed after ${details.numRuns} runs — replay with FUZZ_SEED=${seed} (fast-check seed ${details.seed}, path "${details.counterexamplePath}")\n` +
        `counterexample: ${shown.length > 4000 ? `${shown.slice(0, 4000)}… (${shown.length} chars)` : shown}\n${cause}`,
    );
  }
}

/** Strings that broke or could break servers: empty, NUL, lone surrogates, bidi overrides, traversal, SQL/format noise. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '   padded   ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDFFF',
  '\u202Eexe.yaml',
  '\u200B',
  '\uFEFFbom',
  '\uFFFF',
  'é',
  'İstanbul',
  '🚀🚀🚀',
  'デフォルト',
  '../x',
  '../../../../etc/passwd',
  '..',
  '.',
  '/',
  '//',
  'a/b',
  '.git',
  'raw/../managed',
  'C:\\Windows',
  'name\nwith\nnewlines',
  'tab\there',
  "'; drop table app_user; --",
  '%s%s%n',
  '${process.exit()}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0x7fffffff',
  'default',
  'DEFAULT',
  '-leading-dash',
  'trailing-dash-',
  'UPPER',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(150),
  'a'.repeat(151),
  'a'.repeat(200),
  'a'.repeat(201),
  'a'.repeat(253),
  'a'.repeat(254),
  'a'.repeat(317),
  'a'.repeat(318),
  'a'.repeat(500),
  'a'.repeat(501),
  'é'.repeat(300),
  '🚀'.repeat(160),
];

/** Hostile strings: the list above, random Unicode (surrogates included), long runs, and well-formed lowercase names. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((code) => String.fromCharCode(code)), maxLength: 8 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'é', '🚀', '\u0000', '/'), fc.integer({ min: 90, max: 5000 })).map(([unit, n]) => unit.repeat(n)) },
  );
}

/** Integers at and around the GraphQL Int (int32) boundaries and the limits the services check. */
export function hostileInt(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1, -1, 2, 3, 59, 60, 3600, 3601, 86_400, 604_800, 604_801, 2_147_483_647, -2_147_483_648, 65_535, 4094, 4095) },
    { weight: 2, arbitrary: fc.integer() },
  );
}

/** Numbers that are no GraphQL Int, for wrong-shaped variables. */
export const NOT_INTS: readonly unknown[] = [2_147_483_648, -2_147_483_649, 1.5, -0.5, 1e300, -1e300, Number.MAX_SAFE_INTEGER, '1', '', true, null, [], {}];

/** A JSON object nested `depth` levels deep ({"a":{"a":…}}), built without recursion. */
export function deepObject(depth: number, leaf: unknown = 1): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

/** A JSON array nested `depth` levels deep. */
export function deepArray(depth: number): unknown[] {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value as unknown[];
}

/** JSON values a client may send where the server expects one thing: hostile strings and numbers, deep and wide shapes. */
export function hostileJson(): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(hostileString(), hostileInt(), fc.constantFrom(...NOT_INTS), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
  return fc.oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 2, arbitrary: fc.dictionary(hostileString(), leaf, { maxKeys: 6 }) },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom(62, 63, 64, 65, 200, 1000).map((depth) => deepObject(depth)) },
    { weight: 1, arbitrary: fc.constantFrom(63, 64, 65, 300).map((depth) => deepArray(depth)) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 30_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))) },
  );
}

/** Replaces the value at a pseudo-randomly chosen path of `value` (chosen by `pick`) with `replacement`; returns a copy. */
export function replaceSomewhere(value: unknown, pick: number, replacement: unknown): unknown {
  const copy = structuredClone(value);
  const slots: Array<{ holder: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        slots.push({ holder: node, key: index });
        walk(item);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        slots.push({ holder: node as Record<string, unknown>, key });
        walk(item);
      }
    }
  };
  walk(copy);
  if (slots.length === 0) return replacement;
  const slot = slots[pick % slots.length];
  (slot.holder as Record<string | number, unknown>)[slot.key] = replacement;
  return copy;
}
