import { parseAllDocuments } from 'yaml';

/**
 * The source text of each document of a multi-document YAML file, by document index, so that a document
 * moved to unmanaged/ keeps its comments and formatting. Empty when the file cannot be split.
 */
export function documentSources(text: string): string[] {
  try {
    const documents = parseAllDocuments(text, { version: '1.2', keepSourceTokens: false });
    if (!Array.isArray(documents)) return [];
    return documents.map((document) => {
      const [start, , end] = document.range;
      return text.slice(start, end).replace(/^---[^\n]*\n/, '').trimEnd();
    });
  } catch {
    return [];
  }
}
