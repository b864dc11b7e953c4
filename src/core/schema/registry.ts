/**
 * What a YAML language server (ours, or Red Hat's through its `registerContributor` API) asks us:
 * "which schema for this file?" → a `gitops-lens-schema:` URI naming the file's kinds, and "what is
 * the content of that URI?" → the composed schema as JSON text.
 *
 * yaml-language-server caches schema content by URI, so the URI carries a generation that changes
 * whenever a cluster layer comes or goes; the next validation then asks for the new content.
 */
import { Emitter, type Disposable, type Event } from '../lifecycle';
import { cutAtDocumentStarts, reuseByPiece, type PieceMemo } from '../manifest/documentStarts';
import { documentKinds, kindKey, type GroupVersionKind } from './kinds';
import { composeSchema, resolveKind, type JsonSchema, type SchemaLayer } from './layers';

/** URI scheme of our schemas; Red Hat YAML routes content requests to the contributor registered under it. */
export const SCHEMA_SCHEME = 'gitops-lens-schema';

export class SchemaRegistry implements Disposable {
  private readonly _onDidChange = new Emitter<void>();
  /** A cluster layer was added, replaced or removed: open documents should be validated again. */
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly clusters = new Map<string, SchemaLayer>();
  private builtinLayer: SchemaLayer | undefined;
  private generation = 0;
  private readonly contentCache = new Map<string, string>();
  /**
   * The last text asked about and its URI: yaml-language-server asks once per document of a file
   * (1,000 times for a 1,000-document file), always with the same text until the next edit.
   */
  private lastUri: { readonly text: string; readonly generation: number; readonly uri: string | undefined } | undefined;
  /** Kinds per piece of the last text (cutAtDocumentStarts): an edit re-reads the pieces it changed (issue 18). */
  private pieceKinds: PieceMemo<Array<GroupVersionKind | undefined>> | undefined;

  /** `builtin` is called on first use: reading the bundle is not activation work. */
  constructor(private readonly builtin: () => SchemaLayer) {}

  /** Layers in precedence order: clusters (in the order they were added), then the offline bundle. */
  layers(): SchemaLayer[] {
    this.builtinLayer ??= this.builtin();
    return [...this.clusters.values(), this.builtinLayer];
  }

  setClusterLayer(cluster: string, layer: SchemaLayer | undefined): void {
    if (layer === undefined ? !this.clusters.delete(cluster) : (this.clusters.set(cluster, layer), false)) return;
    this.generation++;
    this.contentCache.clear();
    this._onDidChange.fire();
  }

  hasCluster(cluster: string): boolean {
    return this.clusters.has(cluster);
  }

  clusterNames(): string[] {
    return [...this.clusters.keys()];
  }

  /** Whether any layer knows the kind. */
  knows(gvk: GroupVersionKind): boolean {
    return resolveKind(this.layers(), gvk) !== undefined;
  }

  /** The schema URI for a file's text, or undefined when no document names a kind we know. */
  schemaUriFor(text: string): string | undefined {
    const last = this.lastUri;
    if (last !== undefined && last.generation === this.generation && last.text === text) return last.uri;
    const uri = this.computeSchemaUri(text);
    this.lastUri = { text, generation: this.generation, uri };
    return uri;
  }

  private computeSchemaUri(text: string): string | undefined {
    const kinds = this.distinctKinds(text).filter((k) => this.knows(k));
    if (kinds.length === 0) return undefined;
    const keys = kinds.map((k) => kindKey(k.apiVersion, k.kind).replace(/\//g, '~'));
    // Only unreserved URI characters, so no client or server re-encoding changes the URI.
    return `${SCHEMA_SCHEME}://kinds/${this.generation}/${keys.join('_')}.json`;
  }

  /** kinds.ts distinctKinds, piece by piece: a `---` line ends a document for documentKinds too. */
  private distinctKinds(text: string): GroupVersionKind[] {
    const pieces = cutAtDocumentStarts(text);
    const known = reuseByPiece(this.pieceKinds, pieces);
    const values = pieces.map((piece, i) => known[i] ?? documentKinds(piece));
    this.pieceKinds = { pieces, values };
    const seen = new Map<string, GroupVersionKind>();
    for (const kinds of values) for (const k of kinds) if (k && !seen.has(kindKey(k.apiVersion, k.kind))) seen.set(kindKey(k.apiVersion, k.kind), k);
    return [...seen.values()];
  }

  /** The kinds a schema URI names, or undefined if it is not one of ours. */
  static kindsOf(uri: string): GroupVersionKind[] | undefined {
    const m = new RegExp(`^${SCHEMA_SCHEME}://kinds/\\d+/([^?#]*)\\.json$`).exec(decodeURIComponent(uri));
    if (!m || m[1] === undefined) return undefined;
    const out: GroupVersionKind[] = [];
    for (const part of m[1].split('_')) {
      const key = part.replace(/~/g, '/');
      const slash = key.lastIndexOf('/');
      if (slash <= 0) return undefined;
      out.push({ apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) });
    }
    return out;
  }

  schemaFor(kinds: readonly GroupVersionKind[]): JsonSchema | undefined {
    return composeSchema(this.layers(), kinds);
  }

  /** JSON text for one of our URIs; undefined for anything else. */
  contentFor(uri: string): string | undefined {
    const cached = this.contentCache.get(uri);
    if (cached !== undefined) return cached;
    const kinds = SchemaRegistry.kindsOf(uri);
    const schema = kinds && this.schemaFor(kinds);
    if (!schema) return undefined;
    const text = JSON.stringify(schema);
    if (this.contentCache.size > 64) this.contentCache.clear();
    this.contentCache.set(uri, text);
    return text;
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
