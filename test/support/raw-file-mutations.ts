import fc from 'fast-check';
import { hostileString } from './fuzz-values';

/** One change to a raw file's bytes. */
export type Mutation = { label: string; apply: (bytes: Buffer) => Buffer };

const text = (bytes: Buffer) => bytes.toString('utf8');
const bytesOf = (value: string) => Buffer.from(value, 'utf8');

/** A "billion laughs" document: each level refers to the previous one ten times. */
export function aliasBomb(levels = 9): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < levels; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

const GARBAGE_DOCUMENTS: readonly string[] = [
  '{{{',
  'key: [unclosed',
  '- - -\n  - x',
  ': :',
  '@@@ not yaml',
  '!!binary AAAA',
  '!!python/object/apply:os.system ["true"]',
  'kind: VPC',
  'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: Not_Valid\nspec: {}',
  'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: ok-name, namespace: other}\nspec: {subnets: 5}',
  'apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Switch\nmetadata: {name: legacy}\nspec: {}',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}',
  'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec: {}',
  'apiVersion: vpc.githedgehog.com/v1beta1\nkind: Unknown\nmetadata: {name: x}\nspec: {}',
  'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: dup, name: dup2}\nspec: {}',
  '[1, 2, 3]',
  '"just a string"',
  '42',
  'null',
  '~',
  '# only a comment',
  'a: !!timestamp 2001-12-14t21:59:43.10-05:00',
  'a: &anchor 1\nb: *missing',
  'a: 0x1F\nb: 1e400\nc: .nan\nd: -.inf',
  '? [complex, key]\n: value',
  'a: <<\n<<: {b: 1}',
  'spec:\n\tsubnets: {}',
];

const HEDGEHOG_FLOW_DOCUMENT = '--- {apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: Flow_Not_Valid}, spec: {}}';

/** Mutations of raw files, each driven by the numbers fast-check draws for it. */
export function mutation(): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.nat().map((at): Mutation => ({ label: `truncate@${at}`, apply: (b) => b.subarray(0, b.length === 0 ? 0 : at % b.length) })),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => ({
      label: `flip${JSON.stringify(flips)}`,
      apply: (b) => {
        const copy = Buffer.from(b);
        if (copy.length > 0) for (const [at, value] of flips) copy[at % copy.length] = value;
        return copy;
      },
    })),
    fc.nat().map((pick): Mutation => ({
      label: `duplicate-key@${pick}`,
      apply: (b) => {
        const lines = text(b).split('\n');
        const keyed = lines.map((line, index) => ({ line, index })).filter(({ line }) => /^\s*[A-Za-z][\w-]*:/.test(line));
        if (keyed.length === 0) return b;
        const { line, index } = keyed[pick % keyed.length];
        lines.splice(index + 1, 0, line.replace(/:.*$/, ': duplicate'));
        return bytesOf(lines.join('\n'));
      },
    })),
    fc.tuple(fc.nat(), fc.constantFrom('kind', 'apiVersion', 'name', 'namespace'), fc.oneof(hostileString(), fc.constantFrom('VPC', 'Switch', 'v1', 'vpc.githedgehog.com/v1alpha2', 'wiring.githedgehog.com/v1beta1', 'default', 'other', '[]', '{}', '*x', '&y z'))).map(
      ([pick, key, value]): Mutation => ({
        label: `replace-${key}@${pick}=${JSON.stringify(value).slice(0, 60)}`,
        apply: (b) => {
          const lines = text(b).split('\n');
          const hits = lines.map((line, index) => ({ line, index })).filter(({ line }) => new RegExp(`^\\s*${key}:`).test(line));
          if (hits.length === 0) return b;
          const { line, index } = hits[pick % hits.length];
          lines[index] = `${line.slice(0, line.indexOf(':') + 1)} ${JSON.stringify(value)}`;
          return bytesOf(lines.join('\n'));
        },
      }),
    ),
    fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...GARBAGE_DOCUMENTS), hostileString())).map(([pick, garbage]): Mutation => ({
      label: `garbage-document@${pick}=${JSON.stringify(garbage).slice(0, 60)}`,
      apply: (b) => {
        const documents = text(b).split(/^---\s*$/m);
        documents.splice(pick % (documents.length + 1), 0, `\n${garbage}\n`);
        return bytesOf(documents.join('---'));
      },
    })),
    fc.constantFrom(7, 9, 12).map((levels): Mutation => ({ label: `alias-bomb(${levels})`, apply: (b) => bytesOf(`${text(b)}\n---\n${aliasBomb(levels)}`) })),
    fc.constant<Mutation>({
      label: 'alias-bomb-in-spec',
      apply: (b) => bytesOf(`${text(b)}\n---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: bomb}\nspec:\n${aliasBomb(9).replace(/^(?=.)/gm, '  ')}`),
    }),
    fc.constant<Mutation>({ label: 'tabs', apply: (b) => bytesOf(text(b).replace(/^( {2})+/gm, (indent) => '\t'.repeat(indent.length / 2))) }),
    fc.constant<Mutation>({ label: 'bom', apply: (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]) }),
    fc.constant<Mutation>({ label: 'crlf', apply: (b) => bytesOf(text(b).replace(/\n/g, '\r\n')) }),
    fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((random): Mutation => ({ label: `binary(${random.length})`, apply: () => Buffer.from(random) })),
    fc.integer({ min: 1000, max: 300_000 }).map((length): Mutation => ({
      label: `long-line(${length})`,
      apply: (b) => bytesOf(`${text(b)}\n---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: long-line\n  annotations:\n    note: "${'x'.repeat(length)}"\nspec: {}\n`),
    })),
    fc.constantFrom(50, 500, 5000).map((depth): Mutation => ({
      label: `deep-nesting(${depth})`,
      apply: (b) => bytesOf(`${text(b)}\n---\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: deep}\nspec: {subnets: ${'['.repeat(depth)}${']'.repeat(depth)}}\n`),
    })),
    fc.constantFrom('', '---', '---\n---\n', '# only a comment\n', '\n\n\n', '...\n', '---\n...\n---\n').map((empty): Mutation => ({ label: `empty(${JSON.stringify(empty)})`, apply: () => bytesOf(empty) })),
    fc.constant<Mutation>({ label: 'latin1', apply: (b) => Buffer.from(`# Fabric für Köln\n${text(b)}`, 'latin1') }),
    fc.constant<Mutation>({ label: 'flow-document-on-marker', apply: (b) => bytesOf(`${text(b)}\n${HEDGEHOG_FLOW_DOCUMENT}\n`) }),
  );
}

/** A raw file: a real sample with up to three mutations applied in turn. */
export function rawFileBytes(samples: readonly Buffer[]): fc.Arbitrary<{ bytes: Buffer; labels: string[] }> {
  return fc.tuple(fc.constantFrom(...samples), fc.array(mutation(), { minLength: 0, maxLength: 3 })).map(([sample, mutations]) => ({
    bytes: mutations.reduce((bytes, m) => m.apply(bytes), sample),
    labels: mutations.map((m) => m.label),
  }));
}

/** File names a person may drop into raw/ (unique within one batch). */
export function rawFileName(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,24}$/).map((stem) => `${stem}.yaml`) },
    { weight: 1, arbitrary: fc.constantFrom('Wiring Diagram.YAML', 'ünïcödé.yml', 'dup.yaml.yaml', '-dash.yaml', '.hidden.yaml', 'x.archived.yaml') },
  );
}
