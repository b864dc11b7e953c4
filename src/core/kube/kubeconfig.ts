/**
 * Merges kubeconfig files the way kubectl does for `KUBECONFIG=a:b:c`: for every named cluster,
 * user and context the first file that defines the name wins, and `current-context` comes from the
 * first file that sets one (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files).
 * Pure: the files arrive as text. Credentials are never copied out of the parsed documents.
 */
import { LineCounter } from 'yaml';
import { parseDocumentBounded } from '../manifest/boundedYaml';
import type { ClusterContext, KubeconfigProblem, MergedKubeconfig } from '../model/cluster';
import type { KubeconfigFile } from '../ports';

interface NamedEntry {
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly file: string;
}

export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  const problems: KubeconfigProblem[] = [];
  const clusters = new Map<string, NamedEntry>();
  const users = new Map<string, NamedEntry>();
  const contexts = new Map<string, NamedEntry>();
  let currentContext: string | undefined;
  const seenPaths = new Set<string>();

  for (const file of files) {
    // The same path listed twice (KUBECONFIG and the setting) is one file.
    if (file.text === undefined || seenPaths.has(file.path)) continue;
    seenPaths.add(file.path);
    const parsed = parseKubeconfig(file.path, file.text, problems);
    if (!parsed) continue;
    collect(parsed, 'clusters', 'cluster', file.path, clusters, problems);
    collect(parsed, 'users', 'user', file.path, users, problems);
    collect(parsed, 'contexts', 'context', file.path, contexts, problems);
    const current = parsed['current-context'];
    if (currentContext === undefined && typeof current === 'string' && current !== '') {
      currentContext = current;
    }
  }

  const result: ClusterContext[] = [];
  for (const ctx of contexts.values()) {
    const clusterName = stringField(ctx.body, 'cluster') ?? '';
    const userName = stringField(ctx.body, 'user') ?? '';
    const clusterEntry = clusters.get(clusterName);
    if (!clusterEntry) {
      problems.push({
        file: ctx.file,
        line: undefined,
        message: `context "${ctx.name}" refers to cluster "${clusterName}", which no kubeconfig file defines`,
      });
    }
    result.push({
      name: ctx.name,
      cluster: clusterName,
      user: userName,
      server: clusterEntry ? stringField(clusterEntry.body, 'server') : undefined,
      namespace: stringField(ctx.body, 'namespace'),
      sourceFile: ctx.file,
      isCurrent: ctx.name === currentContext,
    });
  }
  return { contexts: result, currentContext, problems };
}

function parseKubeconfig(
  path: string,
  text: string,
  problems: KubeconfigProblem[],
): Record<string, unknown> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocumentBounded(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.push({
        file: path,
        line: lineCounter.linePos(err.pos[0]).line,
        message: firstLine(err.message),
      });
    }
    return undefined;
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return undefined; // an empty file is allowed
  if (!isRecord(value)) {
    problems.push({ file: path, line: 1, message: 'a kubeconfig must be a YAML mapping' });
    return undefined;
  }
  return value;
}

function collect(
  config: Record<string, unknown>,
  listKey: string,
  bodyKey: string,
  file: string,
  into: Map<string, NamedEntry>,
  problems: KubeconfigProblem[],
): void {
  const list = config[listKey];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.push({ file, line: undefined, message: `"${listKey}" must be a list` });
    return;
  }
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') {
      problems.push({ file, line: undefined, message: `an entry of "${listKey}" has no name` });
      continue;
    }
    const body = item[bodyKey];
    if (!into.has(item.name)) {
      into.set(item.name, { name: item.name, body: isRecord(body) ? body : {}, file });
    }
  }
}

function stringField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? s;
}

/**
 * Splits a `KUBECONFIG` value into paths. kubectl uses the OS path-list separator and ignores
 * empty entries.
 */
export function splitKubeconfigEnv(value: string | undefined, separator: string): string[] {
  if (!value) return [];
  return value.split(separator).filter((p) => p.trim() !== '');
}
