/**
 * Seed loading: YAML files at any depth, multi-document, `kind: List` expanded. CRDs are registered
 * before any other object so custom resources in the same seed resolve. Problems are reported as
 * `file:line: message`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { KubeObject } from './types';

export class SeedError extends Error {}

export interface SeedDoc {
  object: KubeObject;
  /** `file:line` of the document, for messages. */
  where: string;
}

function yamlFiles(p: string): string[] {
  const st = fs.statSync(p);
  if (st.isFile()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/i.test(e.name)) out.push(full);
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses every YAML document under the given dirs/files. Throws SeedError(`file:line: message`). */
export function readSeed(paths: readonly string[]): SeedDoc[] {
  const docs: SeedDoc[] = [];
  for (const root of paths) {
    if (!fs.existsSync(root)) throw new SeedError(`${root}:1: no such file or directory`);
    for (const file of yamlFiles(root)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const doc of YAML.parseAllDocuments(text)) {
        if (doc.errors.length) {
          const e = doc.errors[0]!;
          throw new SeedError(`${file}:${lineOf(text, e.pos[0])}: ${e.message.split('\n')[0]}`);
        }
        const start = doc.contents?.range?.[0] ?? 0;
        const where = `${file}:${lineOf(text, start)}`;
        const value: unknown = doc.toJS();
        if (value === null || value === undefined) continue;
        const push = (v: unknown, at: string): void => {
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SeedError(`${at}: a Kubernetes object must be a mapping`);
          const o = v as Record<string, unknown>;
          if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw new SeedError(`${at}: apiVersion is missing`);
          if (typeof o.kind !== 'string' || !o.kind) throw new SeedError(`${at}: kind is missing`);
          if (o.kind === 'List' && Array.isArray(o.items)) {
            for (const item of o.items) push(item, at);
            return;
          }
          const meta = o.metadata as Record<string, unknown> | undefined;
          if (!meta || typeof meta !== 'object' || typeof meta.name !== 'string' || !meta.name) throw new SeedError(`${at}: metadata.name is missing`);
          docs.push({ object: o as KubeObject, where: at });
        };
        push(value, where);
      }
    }
  }
  return docs;
}
