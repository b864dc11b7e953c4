/**
 * Names, namespaces and API versions as they may appear in a Kubernetes API URL (STYLE.md rule 19:
 * names become URL segments only after validation). A manifest is text from any repository and an
 * object list is text from any server: a Secret named `.` turns `GET …/secrets/.` into the URL of the
 * whole SecretList once the path is normalized, `..` into the namespace itself (issue 12).
 *
 * The rules are the API server's own, from kubernetes/apimachinery:
 * - names: pkg/api/validate/content/path.go `IsPathSegmentName` (the check every REST path segment
 *   passes, re-exported as pkg/api/validation/path/name.go `IsValidPathSegmentName`): not `.` or `..`,
 *   no `/` and no `%`. It does not refuse the empty name ("for historical reason"); ObjectMeta
 *   validation does (pkg/api/validation/objectmeta.go: "name or generateName is required"), and so do we.
 * - namespaces: pkg/api/validation/generic.go `ValidateNamespaceName` = `NameIsDNSLabel`, i.e.
 *   pkg/util/validation/validation.go `IsDNS1123Label` (lower-case alphanumerics and `-`, alphanumeric
 *   at both ends, at most 63 characters).
 * - API groups are DNS-1123 subdomains (`IsDNS1123Subdomain`, at most 253), versions DNS-1035 labels
 *   (`IsDNS1035Label`), kinds lower-cased DNS-1035 labels: what apiextensions-apiserver's CRD
 *   validation asks of `spec.group`, `spec.versions[].name` and `spec.names.kind`.
 */

import type { ObjectRef } from '../ports';

/**
 * Path-segment kinds (RBAC roles, for one) have no length limit upstream; DNS-subdomain kinds (most)
 * stop at 253. A name longer than this is refused so that no input makes a URL unbounded.
 */
const MAX_NAME_LENGTH = 512;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A value quoted for a message: JSON escapes control characters; long values are cut. */
export function quoteName(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 79)}…` : value);
}

/** Why `name` cannot be an object name in a URL, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'may not be empty';
  // IsPathSegmentName: exact names first, then forbidden content.
  if (name === '.' || name === '..') return `may not be '${name}'`;
  const bad = ['/', '%'].filter((c) => name.includes(c));
  if (bad.length > 0) return bad.map((c) => `may not contain '${c}'`).join(', ');
  if (name.length > MAX_NAME_LENGTH) return `may not be longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

/** Why `namespace` is not a namespace name (IsDNS1123Label), or undefined. '' is not a namespace. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace === '') return 'may not be empty';
  if (namespace.length > DNS1123_LABEL_MAX) return `must be no more than ${DNS1123_LABEL_MAX} characters`;
  if (!DNS1123_LABEL.test(namespace)) return "must be a lowercase RFC 1123 label: lower case alphanumeric characters or '-', starting and ending with an alphanumeric character";
  return undefined;
}

/** Why `apiVersion` (`v1`, `apps/v1`, `argoproj.io/v1alpha1`) cannot be in a URL, or undefined. */
function apiVersionProblem(apiVersion: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (slash >= 0 && (group.length > DNS1123_SUBDOMAIN_MAX || !DNS1123_SUBDOMAIN.test(group))) return 'has a group that is not a lowercase RFC 1123 subdomain';
  if (version.length > DNS1123_LABEL_MAX || !DNS1035_LABEL.test(version)) return 'has a version that is not a lowercase RFC 1035 label';
  return undefined;
}

/** Why `kind` is not a kind (lower-cased, a DNS-1035 label), or undefined. */
function kindProblem(kind: string): string | undefined {
  const lower = kind.toLowerCase();
  if (lower.length === 0 || lower.length > DNS1123_LABEL_MAX || !DNS1035_LABEL.test(lower)) return 'is not a Kubernetes kind (letters and digits, starting with a letter)';
  return undefined;
}

/**
 * The first reason `ref` cannot become a Kubernetes API URL, in words naming the field and value
 * (e.g. `Secret name "." is not valid: may not be '.'`), or undefined when it can.
 */
export function objectRefProblem(ref: ObjectRef): string | undefined {
  const kindWhy = kindProblem(ref.kind);
  if (kindWhy !== undefined) return `kind ${quoteName(ref.kind)} ${kindWhy}`;
  const versionWhy = apiVersionProblem(ref.apiVersion);
  if (versionWhy !== undefined) return `${ref.kind} apiVersion ${quoteName(ref.apiVersion)} ${versionWhy}`;
  const nameWhy = nameProblem(ref.name);
  if (nameWhy !== undefined) return `${ref.kind} name ${quoteName(ref.name)} is not valid: ${nameWhy}`;
  if (ref.namespace !== '') {
    const nsWhy = namespaceProblem(ref.namespace);
    if (nsWhy !== undefined) return `${ref.kind} ${quoteName(ref.name)}: namespace ${quoteName(ref.namespace)} is not valid: ${nsWhy}`;
  }
  return undefined;
}

/** A reference that must not become a URL; thrown before any request is made. */
export class InvalidObjectRefError extends Error {
  override readonly name = 'InvalidObjectRefError';
  readonly code = 'InvalidName' as const;
}

/** Throws InvalidObjectRefError unless `ref` is safe to put in a URL. */
export function checkObjectRef(ref: ObjectRef): void {
  const problem = objectRefProblem(ref);
  if (problem !== undefined) throw new InvalidObjectRefError(problem);
}
