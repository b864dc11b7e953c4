/**
 * Names that become Argo CD API URL segments or query values, checked before any request (STYLE.md
 * rule 19). Application, ApplicationSet and AppProject names are Kubernetes object names, so the API
 * server's own path-segment rule applies (core/kube/names.ts `nameProblem`: not `.`/`..`, no `/` or `%`):
 * `GET /api/v1/applications/..` would otherwise become the application list once normalised.
 * Namespaces (`appNamespace`) are DNS-1123 labels.
 */
import { nameProblem, namespaceProblem, quoteName } from '../../kube/names';
import { ArgoCdError } from './errors';

export type ArgoCdNameKind = 'application' | 'ApplicationSet' | 'project';

/** Throws ArgoCdError `InvalidName` unless `name` may be a path segment; returns it encoded. */
export function appSegment(kind: ArgoCdNameKind, name: string): string {
  const problem = nameProblem(name);
  if (problem !== undefined) throw new ArgoCdError('InvalidName', `${kind} name ${quoteName(name)} is not valid: ${problem}`);
  return encodeURIComponent(name);
}

/** Throws ArgoCdError `InvalidName` unless `namespace` is a namespace name (or empty: the server's default). */
export function checkAppNamespace(namespace: string | undefined): void {
  if (namespace === undefined || namespace === '') return;
  const problem = namespaceProblem(namespace);
  if (problem !== undefined) throw new ArgoCdError('InvalidName', `namespace ${quoteName(namespace)} is not valid: ${problem}`);
}

/**
 * A revision to sync to: a branch, tag, commit SHA, chart version or semver range, never control
 * characters or whitespace, and of a sane length (git refs are bounded at the file-system level; 255).
 */
export function revisionProblem(revision: string): string | undefined {
  if (revision === '') return 'may not be empty';
  if (revision.length > 255) return 'is longer than 255 characters';
  if (/[\s\u0000-\u001f\u007f]/.test(revision)) return 'may not contain spaces or control characters';
  return undefined;
}
