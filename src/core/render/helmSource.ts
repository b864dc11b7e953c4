/**
 * The pure half of rendering a Helm chart: `helm template` prints each object after a
 * `# Source: <chart>/templates/<file>` comment (helm pkg/action/action.go renderResources, and
 * `<chart>/charts/<sub>/templates/…` for subcharts). That names the template file; which document of
 * the template an object stands for is decided by kind, since a Go template is not YAML
 * and its documents can be dropped (`{{ if }}`) or repeated (`{{ range }}`).
 */
import type { RenderedDocument } from './types';

export interface HelmRendered {
  /** The path after `# Source: `, e.g. `shop/templates/web.yaml`. */
  readonly source: string;
  /** The object's YAML text. */
  readonly text: string;
}

/** Splits `helm template` output into documents with their source; documents without one are dropped. */
export function splitHelmOutput(stdout: string): HelmRendered[] {
  const out: HelmRendered[] = [];
  for (const chunk of stdout.split(/^---[ \t]*$/m)) {
    const m = /^# Source: (.+?)\s*$/m.exec(chunk);
    if (!m) continue;
    const text = chunk.replace(/^# Source: .*$/m, '');
    if (text.trim() === '') continue;
    out.push({ source: m[1] as string, text });
  }
  return out;
}

/** The `kind:` at column 0 of a template document's text, when it is literal. */
export function literalKind(templateText: string): string | undefined {
  return /^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(?:#.*)?$/m.exec(templateText)?.[1];
}

/**
 * Rendered objects of one template to the template's documents. helm sorts its output by kind
 * (pkg/releaseutil InstallOrder) but keeps the order within a kind, so each object goes to the first
 * unused document of its kind, else of unknown kind (a templated `kind:`); objects beyond that (a
 * `range` repeating one document) go to the last document of their kind.
 */
export function matchTemplateDocuments(
  templateDocs: readonly { readonly index: number; readonly kind: string | undefined }[],
  rendered: readonly Readonly<Record<string, unknown>>[],
): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  const used = new Set<number>();
  for (const obj of rendered) {
    const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
    const free = templateDocs.filter((d) => !used.has(d.index));
    const pick =
      free.find((d) => d.kind === kind) ??
      free.find((d) => d.kind === undefined) ??
      [...templateDocs].reverse().find((d) => d.kind === kind || d.kind === undefined);
    if (!pick) continue;
    used.add(pick.index);
    out.push({ documentIndex: pick.index, desired: obj });
  }
  return out.sort((a, b) => a.documentIndex - b.documentIndex);
}
