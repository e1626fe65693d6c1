import { Parser } from 'yaml';

/**
 * The source text of each document of a multi-document YAML file, by document index, so that a document
 * moved to unmanaged/ keeps its comments and formatting. Empty when the file cannot be split.
 *
 * Documents are cut at the offsets of the parser's document tokens, not at the ranges of composed documents: a
 * document the composer gives up on (e.g. nesting too deep) may have a short range, and the text after it would
 * belong to no document. Cut this way, every byte after the first document start belongs to one document.
 */
export function documentSources(text: string): string[] {
  try {
    const starts: number[] = [];
    for (const token of new Parser().parse(text)) if (token.type === 'document') starts.push(token.offset);
    // Only the marker goes: a document may start on the `---` line itself (`--- {kind: VPC, …}`, `--- |`).
    return starts.map((start, index) => text.slice(start, starts[index + 1] ?? text.length).replace(/^---(?:[ \t]*\r?\n|[ \t]+|$)/, '').trimEnd());
  } catch {
    return [];
  }
}
