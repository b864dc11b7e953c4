/**
 * Contract between manifest rendering (kustomize / helm, run by src/infra/render) and the drift
 * lenses: which desired object each document of a file stands for once its folder is rendered.
 * Issue 5: "for a folder with kustomization.yaml, the rendered output of kustomize build … map each
 * rendered object back to the document it came from … Without the tool, fall back to the plain
 * document and say so in the lens."
 */

export interface RenderedDocument {
  /** Index of the YAML document in the file (0-based, as parseManifests counts them). */
  readonly documentIndex: number;
  /** The object as the renderer emits it (namePrefix/suffix, namespace, patches applied). */
  readonly desired: Readonly<Record<string, unknown>>;
  /**
   * Set for objects a generator made (kustomize configMapGenerator / secretGenerator, e.g.
   * 'ConfigMapGenerator'): they map to the kustomization file's document that configures them, so
   * several entries can share that documentIndex. Their names carry a content hash suffix.
   */
  readonly generatedBy?: string;
}

export interface RenderOutcome {
  /** The tool that rendered, e.g. 'kustomize' or 'helm', for the lens and the log. */
  readonly tool: string;
  /**
   * Rendered objects that came from this file's documents. A document with no entry renders to
   * nothing (dropped by the build, e.g. a patch file) and gets no lens.
   */
  readonly documents: readonly RenderedDocument[];
  /**
   * Set when rendering was wanted but not possible (tool not on PATH, build error). The lenses then
   * use the plain documents and show this text, e.g. "kustomize not found: plain document".
   */
  readonly fallback?: string;
  /**
   * True when the file's own documents are not Kubernetes YAML (a Helm template, values.yaml): with
   * a fallback there is no plain document to use either, so the file gets no drift lens.
   */
  readonly notPlainYaml?: boolean;
}

/**
 * Renders the folder a file belongs to, with `text` (the editor buffer, possibly unsaved) standing in
 * for the file on disk. Resolves undefined when the file is not part of a rendered folder (a plain
 * directory of manifests): the documents are then the desired state as they are.
 */
export type DesiredRenderer = (file: {
  readonly fsPath: string;
  readonly text: string;
  /** Aborts the tool's process (a newer edit supersedes this render); the promise then rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /**
   * The folder an app deploys from (Argo CD `spec.source.path`, Flux Kustomization `path`), when
   * known: its kustomization is rendered if it includes the file, rather than the nearest one.
   */
  readonly root?: string;
}) => Promise<RenderOutcome | undefined>;

/** One object a folder render (a kustomization, a chart) produced, and the workspace file it came from. */
export interface RenderedObject {
  readonly desired: Readonly<Record<string, unknown>>;
  /** Absolute path of the source file (the kustomization file for generated objects); undefined if unknown. */
  readonly file: string | undefined;
  readonly generatedBy?: string;
}

/** A whole folder rendered (the CLI's `diff`), or why not. */
export type FolderRender =
  | { readonly ok: true; readonly tool: string; readonly objects: readonly RenderedObject[] }
  | { readonly ok: false; readonly tool: string; readonly fallback: string };
