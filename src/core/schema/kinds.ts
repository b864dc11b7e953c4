/**
 * Which Kubernetes kinds a YAML file holds, per document, read with a line scan rather than a YAML
 * parse: it runs on every validation request of the language server, on half-typed documents too,
 * and only needs the top-level `apiVersion:` and `kind:` scalars. A document without both is not a
 * Kubernetes object and gets no schema (GitHub workflows, Helm values, kustomization.yaml).
 */

export interface GroupVersionKind {
  /** `v1`, `apps/v1`, `argoproj.io/v1alpha1` */
  readonly apiVersion: string;
  readonly kind: string;
}

/** `apps/v1/Deployment`: apiVersion and kind joined; unambiguous because a kind has no `/`. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

// A document ends at a `---` or `...` line at column 0 (YAML 1.2 §9.1.4).
const MARKER = /^(?:---|\.\.\.)(?:\s|$)/;
// Plain or quoted scalars only: a Helm action (`kind: {{ .Values.kind }}`) is not a kind.
const FIELD = /^(apiVersion|kind):[ \t]*(["']?)([A-Za-z0-9][A-Za-z0-9._/-]*)\2[ \t]*(?:#.*)?$/;

/**
 * Whether a line can change which kinds a file holds: a document marker, or a top-level `apiVersion`
 * or `kind` key whatever its value (one keystroke can make it a FIELD or unmake it).
 */
export function isKindLine(line: string): boolean {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  return MARKER.test(l) || /^(?:apiVersion|kind)\s*:/.test(l);
}

/** The kind of each document, in order; `undefined` for a document that does not name both. */
export function documentKinds(text: string): Array<GroupVersionKind | undefined> {
  const out: Array<GroupVersionKind | undefined> = [];
  let apiVersion: string | undefined;
  let kind: string | undefined;
  let hasContent = false;
  const flush = (): void => {
    if (hasContent) out.push(apiVersion !== undefined && kind !== undefined ? { apiVersion, kind } : undefined);
    apiVersion = kind = undefined;
    hasContent = false;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (MARKER.test(line)) {
      flush();
      continue;
    }
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) hasContent = true;
    const m = FIELD.exec(line);
    if (!m) continue;
    if (m[1] === 'apiVersion') apiVersion ??= m[3];
    else kind ??= m[3];
  }
  flush();
  return out;
}

/** The distinct kinds of a file, in first-seen order. */
export function distinctKinds(text: string): GroupVersionKind[] {
  const seen = new Map<string, GroupVersionKind>();
  for (const k of documentKinds(text)) if (k && !seen.has(kindKey(k.apiVersion, k.kind))) seen.set(kindKey(k.apiVersion, k.kind), k);
  return [...seen.values()];
}
