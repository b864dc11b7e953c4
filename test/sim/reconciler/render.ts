/**
 * Renders the desired objects of an application from a Git repository at a revision, the way Argo CD's
 * repo-server and Flux's kustomize-controller do: a directory of plain manifests, or a kustomization
 * built by the real kustomize (`kubectl kustomize`). Reads what is committed, never a work tree, so a
 * change counts only once it is pushed.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../k8s/types';

const run = promisify(execFile);

export class RenderError extends Error {}

/** Resolves a revision (branch, tag, sha or HEAD) of a repository to a commit sha. */
export async function resolveRevision(repoDir: string, revision: string | undefined): Promise<string> {
  const rev = !revision || revision === 'HEAD' ? 'HEAD' : revision;
  for (const candidate of [rev, `refs/heads/${rev}`, `refs/tags/${rev}`]) {
    try {
      const { stdout } = await run('git', ['-C', repoDir, 'rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], { env: gitEnv() });
      return stdout.trim();
    } catch {
      // try the next spelling
    }
  }
  throw new RenderError(`unable to resolve '${rev}' to a commit SHA`);
}

export interface RenderOptions {
  /** Plain directories: include sub-directories (Argo CD `directory.recurse`; Flux always recurses). */
  recurse: boolean;
  /** Flux generates a kustomization.yaml when the path has none; Argo CD treats the path as a directory. */
  generateKustomization: boolean;
}

export interface Rendered {
  readonly sha: string;
  readonly objects: readonly KubeObject[];
  readonly sourceType: 'Directory' | 'Kustomize';
}

/**
 * Renders `dir` of `repoDir` at commit `sha`. Results are cached per (repo, sha, dir, options), since a
 * commit never changes and rendering runs a process.
 */
export class Renderer {
  private readonly cache = new Map<string, Promise<Rendered>>();

  render(repoDir: string, sha: string, dir: string, options: RenderOptions): Promise<Rendered> {
    const key = JSON.stringify([repoDir, sha, dir, options]);
    let hit = this.cache.get(key);
    if (!hit) {
      hit = renderUncached(repoDir, sha, dir, options);
      this.cache.set(key, hit);
      // A failure may be transient (a process killed): let the next reconcile try again.
      hit.catch(() => this.cache.delete(key));
    }
    return hit;
  }
}

async function renderUncached(repoDir: string, sha: string, dir: string, options: RenderOptions): Promise<Rendered> {
  const clean = path.posix.normalize(dir.replace(/^\.?\/*/, '') || '.');
  if (clean.startsWith('..')) throw new RenderError(`path '${dir}' points outside the repository`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-sim-render-'));
  try {
    // The whole tree, not just the path: kustomizations reach for `../../base`.
    await extract(repoDir, sha, tmp);
    const root = path.join(tmp, clean);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      throw new RenderError(`app path does not exist: ${clean}`);
    }
    const hasKustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((f) => fs.existsSync(path.join(root, f)));
    if (!hasKustomization && options.generateKustomization) {
      // Flux's kustomize-controller generates a kustomization listing every manifest under the path.
      const files = listManifests(root, true).map((f) => path.relative(root, f));
      fs.writeFileSync(path.join(root, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.map((f) => `- ${JSON.stringify(f)}`).join('\n') || '[]'}\n`);
      return { sha, objects: await kustomize(root), sourceType: 'Kustomize' };
    }
    if (hasKustomization) return { sha, objects: await kustomize(root), sourceType: 'Kustomize' };
    const objects: KubeObject[] = [];
    for (const file of listManifests(root, options.recurse)) {
      objects.push(...parseManifests(fs.readFileSync(file, 'utf8'), path.relative(tmp, file)));
    }
    return { sha, objects, sourceType: 'Directory' };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `git archive SHA | tar -x`: the committed tree, without touching any index or work tree. */
async function extract(repoDir: string, sha: string, into: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const archive = spawn('git', ['-C', repoDir, 'archive', '--format=tar', sha], { env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    archive.stderr.on('data', (d: Buffer) => (err += d.toString()));
    tar.stderr.on('data', (d: Buffer) => (err += d.toString()));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (code: number | null): void => {
      if (code !== 0) failed = true;
      if (--pending === 0) {
        if (!failed) resolve();
        else reject(new RenderError(`git archive failed: ${err.trim()}`));
      }
    };
    archive.on('close', done);
    tar.on('close', done);
  });
}

async function kustomize(dir: string): Promise<KubeObject[]> {
  try {
    const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
    return parseManifests(stdout, 'kustomize build');
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    throw new RenderError(`kustomize build failed: ${stderr.trim().split('\n')[0]}`);
  }
}

function listManifests(dir: string, recurse: boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recurse && !entry.name.startsWith('.')) out.push(...listManifests(full, true));
    } else if (/\.(ya?ml|json)$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** Multi-document YAML (or JSON) to objects; documents without kind (empty, comments) are skipped. */
function parseManifests(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new RenderError(`${file}:${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const obj = value as Partial<KubeObject>;
    if (typeof obj !== 'object' || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') {
      throw new RenderError(`${file}: a document has no apiVersion/kind`);
    }
    if (obj.kind.endsWith('List') && Array.isArray((obj as { items?: unknown }).items)) {
      out.push(...((obj as unknown as { items: KubeObject[] }).items));
      continue;
    }
    out.push({ ...obj, metadata: { ...(obj.metadata ?? {}) } } as KubeObject);
  }
  return out;
}

/** Git must not read the user's or the system's configuration: the simulator stays hermetic. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
}
