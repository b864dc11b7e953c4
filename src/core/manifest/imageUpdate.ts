/**
 * Image lines of a manifest and the newer image a Flux ImagePolicy selects for them (issue 15: "a lens
 * on an image line whose ImagePolicy selects a newer tag (1.4.2 available: open PR)"). Pure: the caller
 * gives the policies (AppStore.policiesForImage, or the one a marker names); the change goes through
 * the pull-request flow, never a direct write.
 *
 * Lines are found as Flux's image automation finds fields: a line-based scan of scalars, not a parse
 * (the file may hold several documents, Helm values or a kustomization). Two forms:
 * - an `image:` key whose value is a reference with a tag (`ghcr.io/org/app:1.4.1`), e.g. a container;
 * - any scalar carrying a Flux setter marker, `# {"$imagepolicy": "<namespace>:<name>"}` (the whole
 *   reference) or `…:<name>:tag` (the tag only), as the image automation guide describes them
 *   (fluxcd.io/flux/guides/image-update, "Configure image update for custom resources"; markers
 *   `:name` and `:digest` are left alone: a name is not a version).
 * A line inside a block scalar that looks like one of these is a known false positive.
 */
import type { App, ImageRef } from '../model/app';

/** A reference as written: `registry/repo[:tag][@digest]`. */
export interface WrittenImage {
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Lines longer than this are not scanned (minified or generated text; no manifest line is this long). */
const MAX_LINE = 4096;
/** Files with more lines than this are not scanned for image lines. */
const MAX_LINES = 50_000;

export function parseImage(s: string): WrittenImage | undefined {
  if (s === '' || /\s/.test(s)) return undefined;
  const at = s.indexOf('@');
  const digest = at >= 0 ? s.slice(at + 1) : undefined;
  const rest = at >= 0 ? s.slice(0, at) : s;
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  if (name === '' || tag === '' || digest === '') return undefined;
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

function formatImage(i: WrittenImage): string {
  return `${i.name}${i.tag !== undefined ? `:${i.tag}` : ''}${i.digest !== undefined ? `@${i.digest}` : ''}`;
}

/**
 * The spellings of one Docker Hub repository (`nginx`, `docker.io/library/nginx`,
 * `index.docker.io/library/nginx`), as the registry's reference rules expand a short name
 * (distribution/reference `ParseNormalizedNamed`); other names only as written.
 */
export function imageNameSpellings(name: string): string[] {
  const first = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let path: string;
  if (!hasRegistry) path = name.includes('/') ? name : `library/${name}`;
  else if (first === 'docker.io' || first === 'index.docker.io' || first === 'registry-1.docker.io') path = name.slice(first.length + 1);
  else return [name];
  const short = path.startsWith('library/') ? path.slice('library/'.length) : undefined;
  return [...new Set([name, `docker.io/${path}`, `index.docker.io/${path}`, path, ...(short ? [short] : [])])];
}

/** An image line: where its value is on the line and what it holds. */
export interface ImageLine {
  readonly line: number;
  /** Columns of the value (without quotes) on the line, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly value: string;
  /** What the value is: a whole reference, or its tag only (a `:tag` marker). */
  readonly field: 'image' | 'tag';
  /** The policy a Flux marker names (`namespace/name`), when there is one. */
  readonly marker?: { readonly namespace: string; readonly name: string };
}

const MARKER = /#\s*\{\s*"\$imagepolicy"\s*:\s*"([^"]*)"\s*\}\s*$/;
/** `key: value` or `- key: value`, value plain or quoted, then an optional comment. */
const KEY_VALUE = /^(\s*(?:-\s+)?)([A-Za-z0-9_.\-]+)(\s*:\s+)(["']?)([^\s"'#]+)\4(\s*(?:#.*)?)$/;

export function imageLinesOf(text: string): ImageLine[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) return [];
  const out: ImageLine[] = [];
  lines.forEach((raw, line) => {
    if (raw.length > MAX_LINE || !raw.includes(':')) return;
    const m = KEY_VALUE.exec(raw);
    if (!m) return;
    const [, lead = '', key = '', sep = '', quote = '', value = '', tail = ''] = m;
    const start = lead.length + key.length + sep.length + quote.length;
    const end = start + value.length;
    const markerText = MARKER.exec(tail)?.[1];
    if (markerText !== undefined) {
      const [namespace = '', name = '', field, ...more] = markerText.split(':');
      if (namespace === '' || name === '' || more.length > 0) return;
      if (field === undefined) {
        if (parseImage(value)?.tag !== undefined) out.push({ line, start, end, value, field: 'image', marker: { namespace, name } });
      } else if (field === 'tag') {
        out.push({ line, start, end, value, field: 'tag', marker: { namespace, name } });
      }
      return;
    }
    if (key === 'image' && parseImage(value)?.tag !== undefined) out.push({ line, start, end, value, field: 'image' });
  });
  return out;
}

/** `1.4.2`, `v1.4.2`, `1.4.2-rc.1` as SemVer 2.0.0 (build metadata ignored); undefined otherwise. */
function semver(tag: string): { readonly core: readonly number[]; readonly pre: readonly string[] } | undefined {
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(tag);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** SemVer 2.0.0 precedence (semver.org §11) of two tags; undefined when either is not a version. */
export function compareTags(a: string, b: string): number | undefined {
  const x = semver(a);
  const y = semver(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! - y.core[i]!;
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

/** A newer image offered for a line. */
export interface ImageOffer {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** The value as written now, and the value the PR writes (same form: whole reference or tag). */
  readonly from: string;
  readonly to: string;
  /** The tag offered, for the lens title. */
  readonly tag: string;
  /** The ImagePolicy selecting it. */
  readonly policy: App;
  readonly selected: ImageRef;
}

export interface PolicyLookup {
  /** ImagePolicies selecting an image of this repository name (AppStore.policiesForImage). */
  readonly byImage: (name: string) => readonly App[];
  /** The ImagePolicies named `namespace/name`, on any cluster (a marker names no cluster). */
  readonly byName: (namespace: string, name: string) => readonly App[];
}

/**
 * Is `candidate` an update of `current`? Versions: only a higher one (a policy never offers a
 * downgrade here, even when its range would select it). Other tags (a policy ordering build numbers or
 * dates alphabetically or numerically): any different tag, since the policy's own order chose it.
 */
function isUpdate(current: string, candidate: string): boolean {
  if (candidate === current) return false;
  const c = compareTags(candidate, current);
  return c === undefined ? true : c > 0;
}

/** The offer of each image line whose policy selects a newer tag; one per line, the highest tag. */
export function imageOffers(text: string, policies: PolicyLookup): ImageOffer[] {
  const out: ImageOffer[] = [];
  for (const l of imageLinesOf(text)) {
    const written = l.field === 'image' ? parseImage(l.value) : undefined;
    const currentTag = l.field === 'tag' ? l.value : written?.tag;
    if (currentTag === undefined) continue;
    let candidates: readonly App[];
    if (l.marker) candidates = policies.byName(l.marker.namespace, l.marker.name);
    else if (written) candidates = [...new Map(imageNameSpellings(written.name).flatMap((n) => policies.byImage(n)).map((p) => [p.key, p])).values()];
    else candidates = [];
    let best: { policy: App; selected: ImageRef; tag: string } | undefined;
    for (const policy of candidates) {
      const selected = policy.image?.kind === 'policy' ? policy.image.selected : undefined;
      const tag = selected?.tag;
      if (!selected || tag === undefined || !isUpdate(currentTag, tag)) continue;
      if (best === undefined || (compareTags(tag, best.tag) ?? 0) > 0) best = { policy, selected, tag };
    }
    if (!best) continue;
    // The name stays as written (a marker's policy may spell the registry differently); a pinned
    // digest is replaced by the policy's, or dropped: it would pin the old image.
    const to =
      l.field === 'tag'
        ? best.tag
        : formatImage({ name: written!.name, tag: best.tag, ...(written!.digest !== undefined && best.selected.digest !== undefined ? { digest: best.selected.digest } : {}) });
    out.push({ line: l.line, start: l.start, end: l.end, from: l.value, to, tag: best.tag, policy: best.policy, selected: best.selected });
  }
  return out;
}

/**
 * `text` with the value on `line` replaced, when it still reads `from` there; undefined otherwise (the
 * text changed since the offer was made).
 */
export function applyImageOffer(text: string, offer: Pick<ImageOffer, 'line' | 'start' | 'end' | 'from' | 'to'>): string | undefined {
  const lines = text.split('\n');
  const line = lines[offer.line];
  if (line === undefined || line.slice(offer.start, offer.end) !== offer.from) return undefined;
  lines[offer.line] = line.slice(0, offer.start) + offer.to + line.slice(offer.end);
  return lines.join('\n');
}
