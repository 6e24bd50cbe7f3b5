/**
 * YAML parsing with positions: turns a rendered config file into plain data, and a key path
 * (e.g. ['servers', 'web', 'hosts', 1]) back into the line the user wrote it on.
 *
 * YAML 1.1 rules, as in Ruby's Psych (which Kamal uses): `yes`/`no`/`on`/`off` are booleans
 * and `<<` merge keys work. Dates stay strings (Kamal refuses to load them as dates anyway).
 */
import {
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  Pair,
  parseDocument,
  YAMLMap,
} from 'yaml';
import { Problem } from './errors';

const PSYCH_FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/;

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlSource {
  /** File as shown in messages. */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Output line (0-based index) -> source line, from ERB rendering. */
  lineMap: number[];
  /** The parsed data (undefined when the file has syntax errors). */
  data: unknown;
}

export function parseYaml(text: string, file: string, lineMap: number[] = []): { source: YamlSource; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    customTags: (tags) =>
      tags
        .filter((t) => (typeof t === 'string' ? t !== 'timestamp' : t.tag !== 'tag:yaml.org,2002:timestamp'))
        .map((t) =>
          // Psych reads a lone "." (e.g. `context: .`) as a string, not as a float.
          typeof t !== 'string' && t.tag === 'tag:yaml.org,2002:float' && t.test?.test('.') ? { ...t, test: PSYCH_FLOAT } : t,
        ),
  });
  const source: YamlSource = { file, doc, lineCounter, lineMap, data: undefined };
  // One problem per line: a single mistake often makes the YAML parser report several.
  const problems: Problem[] = [];
  const lines = new Set<number | undefined>();
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    const line = pos ? sourceLine(source, pos.line) : undefined;
    if (lines.has(line)) continue;
    lines.add(line);
    let message: string;
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^[^:\n]*/.exec(text.slice(e.pos[0]))![0].trim();
      message = `YAML error: the key ${key} appears twice in the same map. Fix: keep only one of them`;
    } else {
      const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      message = `YAML syntax error: ${what}. Fix: correct the YAML at this position (indentation, quotes, brackets)`;
    }
    const problem: Problem = { file, message };
    if (line !== undefined) problem.line = line;
    if (pos) problem.column = pos.col;
    problems.push(problem);
  }
  if (problems.length === 0) {
    try {
      source.data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      problems.push({ file, message: `YAML error: ${(e as Error).message}` });
    }
  }
  return { source, problems };
}

function sourceLine(src: YamlSource, renderedLine: number): number {
  return src.lineMap[renderedLine - 1] ?? renderedLine;
}

function resolve(node: unknown, doc: Document.Parsed): unknown {
  let n = node;
  for (let i = 0; i < 100 && isAlias(n); i++) n = n.resolve(doc);
  return n;
}

function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && (typeof pair.key.value === 'symbol' || pair.key.value === '<<');
}

function findPair(map: YAMLMap, key: string, doc: Document.Parsed, depth = 0): Pair | undefined {
  for (const pair of map.items) {
    if (isPair(pair) && isScalar(pair.key) && !isMergePair(pair) && String(pair.key.value) === key) return pair;
  }
  if (depth > 20) return undefined;
  for (const pair of map.items) {
    if (!isPair(pair) || !isMergePair(pair)) continue;
    const value = resolve(pair.value, doc);
    const sources = isSeq(value) ? value.items : [value];
    for (const s of sources) {
      const m = resolve(s, doc);
      if (isMap(m)) {
        const found = findPair(m, key, doc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function startLine(src: YamlSource, node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  if (!range) return undefined;
  return sourceLine(src, src.lineCounter.linePos(range[0]).line);
}

/**
 * Where a key path is written: the line of the deepest part of the path that exists, and how
 * many segments of the path were found (so a caller can pick the file that holds more of it).
 */
export function locate(src: YamlSource, path: KeyPath): { line?: number; depth: number } {
  let node: unknown = src.doc.contents;
  let line: number | undefined;
  let depth = 0;
  for (const seg of path) {
    node = resolve(node, src.doc);
    if (isMap(node)) {
      const pair = findPair(node, String(seg), src.doc);
      if (!pair) break;
      line = startLine(src, pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      line = startLine(src, item) ?? line;
      node = item;
    } else {
      break;
    }
    depth++;
  }
  return { line, depth };
}

/** The first line of the top-level value (for problems about the file as a whole). */
export function firstLine(src: YamlSource): number | undefined {
  return startLine(src, src.doc.contents);
}
