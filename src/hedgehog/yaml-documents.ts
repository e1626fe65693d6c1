import { parseAllDocuments, type Document } from 'yaml';
import { IssueSink, publicIssue, type ValidationIssue } from './issues';

export interface YamlParseLimits {
  /** Largest accepted text, in UTF-8 bytes. */
  maxBytes: number;
  /** Most documents accepted in one text (empty documents included). */
  maxDocuments: number;
  /** Most alias dereferences per document; bounds "billion laughs" expansion. */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: Readonly<YamlParseLimits> = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxDocuments: 5000,
  maxAliasCount: 100,
});

export interface YamlDocument {
  /** Zero-based position of the document in the text, counting `---` separated documents. */
  documentIndex: number;
  /** One-based line where the document starts. */
  line: number;
  value: unknown;
}

export interface YamlParseResult {
  /** Non-empty documents that parsed; documents with errors or only comments are left out. */
  documents: YamlDocument[];
  issues: ValidationIssue[];
}

/** Line numbers of increasing offsets, counted incrementally (one pass over the text for all documents). */
function lineCounter(text: string): (offset: number) => number {
  let position = 0;
  let line = 1;
  return (offset) => {
    for (; position < offset && position < text.length; position++) if (text.charCodeAt(position) === 10) line++;
    return line;
  };
}

/**
 * Splits multi-document YAML into plain values using YAML 1.2 core schema (no timestamps,
 * no binary, duplicate keys rejected). Never throws for bad input: syntax errors, limits and
 * alias bombs come back as issues carrying the document index.
 */
export function parseYamlDocuments(text: string, limits: Partial<YamlParseLimits> = {}): YamlParseResult {
  const { maxBytes, maxDocuments, maxAliasCount } = { ...DEFAULT_YAML_LIMITS, ...limits };
  const fileSink = new IssueSink({ kind: '', name: '', namespace: '' });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    fileSink.error('yaml.too-large', '', `YAML text is ${bytes} bytes; the limit is ${maxBytes} bytes; split it into smaller files`);
    return { documents: [], issues: fileSink.issues.map(publicIssue) };
  }
  let parsed: Document.Parsed[];
  try {
    const result = parseAllDocuments(text, { version: '1.2', schema: 'core', uniqueKeys: true, merge: false, strict: true });
    parsed = Array.isArray(result) ? result : [];
  } catch (error) {
    fileSink.error('yaml.syntax', '', `YAML could not be parsed: ${error instanceof Error ? error.message : String(error)}`);
    return { documents: [], issues: fileSink.issues.map(publicIssue) };
  }
  if (parsed.length > maxDocuments) {
    fileSink.error('yaml.too-many-documents', '', `YAML text has ${parsed.length} documents; the limit is ${maxDocuments}`);
    return { documents: [], issues: fileSink.issues.map(publicIssue) };
  }

  const documents: YamlDocument[] = [];
  const issues: ValidationIssue[] = [];
  const lineOf = lineCounter(text);
  parsed.forEach((document, documentIndex) => {
    const line = lineOf(document.range[0]);
    const at = (issue: ValidationIssue): ValidationIssue => ({ ...issue, documentIndex });
    if (document.errors.length > 0) {
      const sink = new IssueSink({ kind: '', name: '', namespace: '' });
      for (const error of document.errors) {
        const where = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
        sink.error('yaml.syntax', '', `YAML syntax error${where}: ${error.message.split('\n')[0]}`);
      }
      issues.push(...sink.issues.map(publicIssue).map(at));
      return;
    }
    try {
      const value: unknown = document.toJS({ maxAliasCount });
      // An empty document (only comments, or a bare `---`) is not an error; it has no content.
      if (value === null || value === undefined) return;
      documents.push({ documentIndex, line, value });
    } catch (error) {
      const sink = new IssueSink({ kind: '', name: '', namespace: '' });
      const message = error instanceof Error ? error.message : String(error);
      const rule = /alias/i.test(message) ? 'yaml.alias-limit' : 'yaml.syntax';
      sink.error(rule, '', rule === 'yaml.alias-limit' ? `too many YAML alias expansions (limit ${maxAliasCount}): ${message}` : message);
      issues.push(...sink.issues.map(publicIssue).map(at));
    }
  });
  return { documents, issues };
}
