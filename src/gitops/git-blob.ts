import { createHash } from 'node:crypto';

/** The object id Git gives a file with this content (SHA-1 of "blob <size>\0<content>"). */
export function gitBlobSha(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
